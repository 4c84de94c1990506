"""Booking an appointment from an inquiry: free times in working hours and
outside busy events, the event linked to the inquiry, the invitation and
reminder only where the citizen may get mail, and the counter's list."""

import datetime

from odoo.addons.citizen_crm.tests.common import oslo
from odoo.addons.mail.tests.common import MailCase
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import HOLIDAY, CitizenCalendarCommon


@tagged("post_install", "-at_install")
class TestAppointment(CitizenCalendarCommon, MailCase):
    def test_free_times_are_working_hours_outside_busy_events(self):
        # The caseworker is busy 09:00-10:00 on Monday; a declined meeting
        # at 11:00 leaves them free.
        busy = self.env["calendar.event"].create(
            {
                "name": "Byggemøte",
                "start": oslo(2030, 3, 4, 9, 0),
                "stop": oslo(2030, 3, 4, 10, 0),
                "partner_ids": [(6, 0, self.user_caseworker.partner_id.ids)],
            }
        )
        declined = self.env["calendar.event"].create(
            {
                "name": "Avlyst",
                "start": oslo(2030, 3, 4, 11, 0),
                "stop": oslo(2030, 3, 4, 12, 0),
                "partner_ids": [(6, 0, self.user_caseworker.partner_id.ids)],
            }
        )
        declined.attendee_ids.do_decline()
        wizard = self._wizard()
        wizard.action_find_slots()
        starts = wizard.slot_ids.mapped("start")
        self.assertEqual(starts[0], oslo(2030, 3, 4, 8, 0))
        self.assertIn(oslo(2030, 3, 4, 8, 30), starts)
        self.assertNotIn(oslo(2030, 3, 4, 9, 0), starts)
        self.assertNotIn(oslo(2030, 3, 4, 9, 30), starts)
        self.assertIn(oslo(2030, 3, 4, 10, 0), starts)
        self.assertIn(oslo(2030, 3, 4, 11, 0), starts)
        # the last of the day ends at 16:00
        self.assertIn(oslo(2030, 3, 4, 15, 30), starts)
        self.assertNotIn(oslo(2030, 3, 4, 16, 0), starts)
        # nothing on the public holiday, nor before 08:00 on Wednesday
        self.assertFalse([s for s in starts if s.date() == HOLIDAY])
        self.assertNotIn(oslo(2030, 3, 6, 7, 30), starts)
        self.assertEqual(set(wizard.slot_ids.user_id), {self.user_caseworker})
        self.assertTrue(busy)

    def test_every_member_of_the_queue_without_a_staff_member(self):
        self.queue_building_a.member_ids |= self.user_caseworker_other
        wizard = self._wizard(user_id=False, duration=1.0)
        wizard.action_find_slots()
        first = wizard.slot_ids.filtered(lambda s: s.start == oslo(2030, 3, 4, 8, 0))
        self.assertEqual(
            first.user_id, self.user_caseworker | self.user_caseworker_other
        )
        self.assertEqual(first[0].stop - first[0].start, datetime.timedelta(hours=1))

    def test_booking_invites_the_citizen_and_links_the_inquiry(self):
        wizard = self._wizard()
        self.assertIn("invitation and a reminder", wizard.invitation_note)
        wizard.action_find_slots()
        slot = wizard.slot_ids.filtered(lambda s: s.start == oslo(2030, 3, 4, 10, 0))
        with self.mock_mail_gateway():
            slot.action_book()
        event = self.env["calendar.event"].search(
            [("citizen_inquiry_id", "=", self.inquiry_front.id)]
        )
        self.assertEqual(len(event), 1)
        self.assertEqual(event.start, oslo(2030, 3, 4, 10, 0))
        self.assertEqual(event.stop, oslo(2030, 3, 4, 10, 30))
        self.assertEqual(event.user_id, self.user_caseworker)
        self.assertEqual(
            event.partner_ids, self.user_caseworker.partner_id | self.citizen_ola
        )
        self.assertEqual(event.location, "Rådhuset, 2. etg.")
        self.assertEqual(
            (event.res_model, event.res_id), ("citizen.inquiry", self.inquiry_front.id)
        )
        self.assertIn(
            self.env.ref("citizen_crm_calendar.alarm_mail_1_day"), event.alarm_ids
        )
        invited = [
            m for m in self._mails if "ola.nordmann@example.com" in str(m["email_to"])
        ]
        self.assertTrue(invited, "the citizen is invited by e-mail")
        self.assertIn("Appointment booked with", self.inquiry_front.message_ids[0].body)
        self.assertEqual(self.inquiry_front.citizen_appointment_count, 1)
        # the counter's list of today's appointments shows it on its day
        action = self.inquiry_front.with_user(
            self.user_frontdesk
        ).action_open_appointments()
        found = (
            self.env["calendar.event"]
            .with_user(self.user_frontdesk)
            .search(action["domain"])
        )
        self.assertEqual(found, event)
        self.assertEqual(found.citizen_partner_id, self.citizen_ola)

    def test_protected_citizen_gets_no_invitation_mail(self):
        self.citizen_ola.sudo().address_protection = "fortrolig"
        wizard = self._wizard()
        self.assertIn("address is protected", wizard.invitation_note)
        wizard.action_find_slots()
        with self.mock_mail_gateway():
            wizard.slot_ids[0].action_book()
        event = self.env["calendar.event"].search(
            [("citizen_inquiry_id", "=", self.inquiry_front.id)]
        )
        self.assertFalse(
            [m for m in self._mails if "ola.nordmann" in str(m["email_to"])],
            "no invitation reaches a protected citizen",
        )
        self.assertNotIn(
            self.env.ref("citizen_crm_calendar.alarm_mail_1_day"), event.alarm_ids
        )
        self.assertIn("No e-mail invitation", self.inquiry_front.message_ids[0].body)
        # other employees see only that the caseworker is busy
        self.assertEqual(event.privacy, "private")

    def test_deceased_citizen_gets_no_invitation(self):
        self.citizen_ola.citizen_register_status = "doed"
        self.assertIn("deceased", self._wizard().invitation_note)

    def test_reserved_citizen_is_written_to(self):
        self.citizen_ola.krr_reserved = True
        self.assertIn(
            "reserved against digital contact", self._wizard().invitation_note
        )

    def test_confidential_inquiry_books_a_private_event(self):
        inquiry = self.inquiry_building_confidential
        wizard = self._wizard(inquiry=inquiry, user=self.user_caseworker)
        wizard.action_find_slots()
        wizard.slot_ids[0].action_book()
        event = self.env["calendar.event"].search(
            [("citizen_inquiry_id", "=", inquiry.id)]
        )
        self.assertEqual(event.privacy, "private")
        self.assertNotIn("Nabotvist", event.name)

    def test_a_time_taken_meanwhile_is_refused(self):
        wizard = self._wizard()
        wizard.action_find_slots()
        slot = wizard.slot_ids[0]
        self.env["calendar.event"].create(
            {
                "name": "Tatt",
                "start": slot.start,
                "stop": slot.stop,
                "partner_ids": [(6, 0, self.user_caseworker.partner_id.ids)],
            }
        )
        with self.assertRaisesRegex(UserError, "just taken"):
            slot.action_book()

    def test_a_forged_time_books_nobody_outside_the_queue(self):
        wizard = self._wizard()
        wizard.action_find_slots()
        slot = wizard.slot_ids[0]
        slot.user_id = self.user_supervisor  # not a member of the building queue
        with self.assertRaisesRegex(UserError, "free times found"):
            slot.action_book()
        self.assertFalse(
            self.env["calendar.event"].search(
                [("citizen_inquiry_id", "=", self.inquiry_front.id)]
            )
        )

    def test_only_who_works_on_the_inquiry_books(self):
        with self.assertRaises(AccessError):
            self.inquiry_building.with_user(
                self.user_employee
            ).action_book_appointment()

    def test_queue_form_sets_the_length_and_place(self):
        with Form(self.queue_health_a) as form:
            form.appointment_duration = 0.75
            form.appointment_location = "Helsestasjonen"
        self.assertEqual(
            self._wizard(queue_id=self.queue_health_a.id, user_id=False).duration, 0.75
        )
