"""One writer per fact: each date of an inquiry is set by one rule, and a
resolution date promised by hand is not thrown away by a recompute."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import CitizenDeadlineCommon, oslo


@tagged("post_install", "-at_install")
class TestResolutionDeadline(CitizenDeadlineCommon):
    def _set_deadline_by_hand(self, inquiry, deadline):
        with Form(inquiry.with_user(self.frontdesk)) as form:
            form.date_deadline = deadline
        return inquiry

    def test_deadline_set_by_hand_survives_waiting_on_the_citizen(self):
        """The reported bug: no target on the service nor the queue, a date
        promised by hand, the inquiry waits on the citizen and comes back."""
        with freeze_time(oslo(2026, 3, 2, 9, 0)):
            inquiry = self._inquiry(service_id=self.service_other.id)
            self.assertFalse(inquiry.date_deadline)
            promised = oslo(2026, 3, 10, 15, 0)
            self._set_deadline_by_hand(inquiry, promised)
        self.assertEqual(inquiry.date_deadline, promised)
        self.assertTrue(inquiry.is_deadline_manual)
        with freeze_time(oslo(2026, 3, 3, 9, 0)):
            inquiry.stage_id = self.stage_waiting
        with freeze_time(oslo(2026, 3, 4, 9, 0)):
            inquiry.stage_id = self.stage_in_progress
            self.env["citizen.inquiry"]._cron_sla()
        self.assertGreater(inquiry.sla_paused_hours, 0)
        self.assertEqual(inquiry.date_deadline, promised)

    def test_deadline_set_by_hand_survives_a_new_service_until_changed(self):
        received = oslo(2026, 3, 2, 8, 0)
        with freeze_time(received):
            inquiry = self._inquiry(
                service_id=self.service_other.id, date_received=received
            )
            promised = oslo(2026, 3, 20, 12, 0)
            self._set_deadline_by_hand(inquiry, promised)
            # The permit's 16 working hours would give Tuesday 16:00.
            inquiry.service_id = self.service_permit
            self.assertEqual(inquiry.date_deadline, promised)
            # An explicit change replaces it; clearing it brings back the plan.
            self._set_deadline_by_hand(inquiry, False)
        self.assertFalse(inquiry.is_deadline_manual)
        self.assertEqual(inquiry.date_deadline, oslo(2026, 3, 3, 16, 0))

    def test_planned_deadline_follows_the_service(self):
        """A form sends the planned date with everything else: that is not a
        date set by hand, and the plan goes on following the service."""
        received = oslo(2026, 3, 2, 8, 0)
        with freeze_time(received):
            form = Form(self.env["citizen.inquiry"].with_user(self.frontdesk))
            form.name = "Spørsmål om søknad"
            form.service_id = self.service_permit
            # the desk keeps it rather than sending it to the service's queue
            form.queue_id = self.servicetorg
            inquiry = form.save()
            self.assertEqual(inquiry.date_deadline, oslo(2026, 3, 3, 16, 0))
            self.assertFalse(inquiry.is_deadline_manual)
            with Form(inquiry.with_user(self.frontdesk)) as edit:
                edit.service_id = self.service_other
            self.assertFalse(inquiry.is_deadline_manual)
            self.assertFalse(inquiry.date_deadline)

    def test_answer_time_promised_for_mail_survives_waiting(self):
        received = oslo(2026, 3, 2, 8, 0)
        with freeze_time(received):
            inquiry = self._inquiry(
                service_id=self.service_other.id,
                channel_id=self.channel_email.id,
                date_received=received,
            )
        promised = received + timedelta(days=14)
        self.assertEqual(inquiry.date_deadline, promised)
        self.assertFalse(inquiry.is_deadline_manual)
        with freeze_time(oslo(2026, 3, 3, 9, 0)):
            inquiry.stage_id = self.stage_waiting
        with freeze_time(oslo(2026, 3, 4, 9, 0)):
            inquiry.stage_id = self.stage_in_progress
        self.assertEqual(inquiry.date_deadline, promised)


@tagged("post_install", "-at_install")
class TestOneWriterPerDate(CitizenDeadlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stages = cls.env["citizen.inquiry.stage"]
        cls.stage_closed = stages.search([("is_closed", "=", True)], limit=1)
        cls.stage_closed_other = stages.create(
            {"name": "Arkivert", "is_closed": True, "sequence": 99}
        )

    def test_closing_date_is_set_by_the_stage(self):
        with freeze_time(oslo(2026, 3, 2, 9, 0)):
            inquiry = self._inquiry()
            self.assertFalse(inquiry.date_closed)
        with freeze_time(oslo(2026, 3, 2, 10, 0)):
            inquiry._citizen_close("first_contact")
        self.assertEqual(inquiry.date_closed, oslo(2026, 3, 2, 10, 0))
        # From one closing stage to another: still closed since then.
        with freeze_time(oslo(2026, 3, 5, 10, 0)):
            inquiry.stage_id = self.stage_closed_other
        self.assertEqual(inquiry.date_closed, oslo(2026, 3, 2, 10, 0))
        with freeze_time(oslo(2026, 3, 6, 10, 0)):
            inquiry.action_reopen()
        self.assertFalse(inquiry.date_closed)
        # Registered closed: closed when registered.
        with freeze_time(oslo(2026, 3, 6, 11, 0)):
            closed = self._inquiry(
                stage_id=self.stage_closed.id, resolution="first_contact"
            )
        self.assertEqual(closed.date_closed, oslo(2026, 3, 6, 11, 0))

    def test_first_response_is_the_first_answer_to_the_citizen(self):
        with freeze_time(oslo(2026, 3, 2, 8, 0)):
            inquiry = self._inquiry(partner_id=self.citizen.id)
        staff = inquiry.with_user(self.frontdesk)
        with freeze_time(oslo(2026, 3, 2, 9, 0)):
            staff.message_post(body="Internt", subtype_xmlid="mail.mt_note")
            # Registering the citizen's own words is no answer to them.
            staff.message_post(
                body="Brev fra innbygger",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                author_id=self.citizen.id,
            )
        self.assertFalse(inquiry.date_first_response)
        with freeze_time(oslo(2026, 3, 2, 10, 0)):
            staff.message_post(
                body="Vi ser på saken.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        with freeze_time(oslo(2026, 3, 2, 11, 0)):
            staff.message_post(
                body="Mer informasjon.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            inquiry._citizen_close("first_contact")
        self.assertEqual(inquiry.date_first_response, oslo(2026, 3, 2, 10, 0))

    def test_closing_unanswered_is_the_first_response(self):
        with freeze_time(oslo(2026, 3, 2, 8, 0)):
            inquiry = self._inquiry()
        with freeze_time(oslo(2026, 3, 2, 12, 0)):
            inquiry._citizen_close("referred")
        self.assertEqual(inquiry.date_first_response, oslo(2026, 3, 2, 12, 0))
        self.assertEqual(inquiry.date_closed, oslo(2026, 3, 2, 12, 0))
