import ast
from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged, users

from .common import CitizenMunicipalitiesCommon

COUNTER_VIEW = "citizen_crm.citizen_inquiry_view_form_counter"


@tagged("post_install", "-at_install")
class TestInquiryRegistration(CitizenMunicipalitiesCommon):
    def _register_form(self, action_xmlid):
        """Open the registration form the way the menu entry does."""
        action = self.env["ir.actions.act_window"]._for_xml_id(action_xmlid)
        self.assertEqual(action["view_id"][0], self.env.ref(COUNTER_VIEW).id)
        self.assertEqual(action["target"], "new")
        context = ast.literal_eval(action["context"])
        return Form(
            self.env["citizen.inquiry"].with_context(**context), view=COUNTER_VIEW
        )

    @users("tst_frontdesk")
    @freeze_time("2026-03-02 09:15:00")
    def test_counter_answered_directly(self):
        """The citizen at the counter gets the answer: one save registers and
        closes the inquiry."""
        form = Form(
            self.env["citizen.inquiry"].with_context(
                default_channel_id=self.channel_counter.id
            ),
            view=COUNTER_VIEW,
        )
        self.assertEqual(form.channel_id, self.channel_counter)
        self.assertEqual(form.queue_id, self.queue_front_a)
        form.partner_id = self.citizen_ola
        form.service_id = self.service_waste
        form.description = "<p>Spurte om tømmeplan; fikk den utskrevet.</p>"
        form.answered_directly = True
        inquiry = form.save()

        self.assertEqual(inquiry.name, "Renovasjon")
        self.assertEqual(inquiry.partner_name, "Ola Nordmann")
        self.assertEqual(inquiry.partner_phone, "+47 912 34 567")
        self.assertEqual(inquiry.channel_id, self.channel_counter)
        self.assertEqual(inquiry.company_id, self.company_a)
        self.assertEqual(inquiry.queue_id, self.queue_front_a)
        self.assertEqual(inquiry.stage_id, self.stage_closed)
        self.assertTrue(inquiry.is_closed)
        self.assertTrue(inquiry.answered_directly)
        self.assertEqual(inquiry.resolution, "first_contact")
        self.assertEqual(inquiry.first_contact_rate, 100.0)
        now = datetime(2026, 3, 2, 9, 15)
        self.assertEqual(inquiry.date_received, now)
        self.assertEqual(inquiry.date_closed, now)
        self.assertEqual(inquiry.date_first_response, now)
        self.assertEqual(inquiry.create_uid, self.env.user)
        self.assertIn("tømmeplan", inquiry.description)
        self.assertFalse(inquiry.is_overdue)

    @users("tst_frontdesk")
    @freeze_time("2026-03-02 09:15:00")
    def test_counter_not_answered_stays_open(self):
        form = Form(self.env["citizen.inquiry"], view=COUNTER_VIEW)
        form.partner_id = self.citizen_kari
        form.service_id = self.service_building
        inquiry = form.save()
        self.assertEqual(inquiry.channel_id, self.channel_counter)
        self.assertEqual(inquiry.stage_id, self.stage_new)
        self.assertFalse(inquiry.is_closed)
        self.assertFalse(inquiry.resolution)
        self.assertFalse(inquiry.answered_directly)
        self.assertFalse(inquiry.date_closed)
        self.assertFalse(inquiry.date_first_response)
        self.assertEqual(inquiry.first_contact_rate, 0.0)
        # The service's SLA (24 working hours) gives the deadline.
        # Monday 09:15 plus three 8-hour working days (calendar in UTC).
        self.assertEqual(inquiry.date_deadline, datetime(2026, 3, 5, 9, 15))

    @users("tst_frontdesk")
    def test_unidentified_contact(self):
        form = self._register_form("citizen_crm.citizen_inquiry_action_phone")
        self.assertEqual(form.channel_id, self.channel_phone)
        form.partner_name = "Anonym innringer"
        form.partner_phone = "+47 404 04 040"
        form.name = "Spør om åpningstider"
        inquiry = form.save()
        self.assertFalse(inquiry.partner_id)
        self.assertEqual(inquiry.partner_name, "Anonym innringer")
        self.assertEqual(inquiry.partner_phone, "+47 404 04 040")
        self.assertFalse(inquiry.partner_email)
        self.assertEqual(inquiry.name, "Spør om åpningstider")
        self.assertEqual(inquiry.channel_id, self.channel_phone)
        self.assertFalse(inquiry.is_closed)

    @users("tst_caseworker")
    def test_caseworker_registers_phone_call_in_own_queue(self):
        form = self._register_form("citizen_crm.citizen_inquiry_action_phone")
        self.assertEqual(form.queue_id, self.queue_building_a)
        form.partner_id = self.citizen_kari
        form.name = "Spør om byggesaken sin"
        form.answered_directly = True
        inquiry = form.save()
        self.assertEqual(inquiry.queue_id, self.queue_building_a)
        self.assertEqual(inquiry.channel_id, self.channel_phone)
        self.assertEqual(inquiry.resolution, "first_contact")

    @users("tst_frontdesk")
    def test_channel_presets(self):
        for xmlid, channel in (
            ("citizen_crm.citizen_inquiry_action_counter", self.channel_counter),
            ("citizen_crm.citizen_inquiry_action_phone", self.channel_phone),
            ("citizen_crm.citizen_inquiry_action_letter", self.channel_letter),
        ):
            with self.subTest(action=xmlid):
                form = self._register_form(xmlid)
                self.assertEqual(form.channel_id, channel)
                form.partner_id = self.citizen_ola
                form.answered_directly = True
                inquiry = form.save()
                self.assertEqual(inquiry.channel_id, channel)
                # Without a service the channel names the inquiry.
                self.assertEqual(inquiry.name, channel.name)
                self.assertEqual(inquiry.resolution, "first_contact")

    def test_default_queue_and_stage(self):
        Inquiry = self.env["citizen.inquiry"]
        inquiry = Inquiry.create({"name": "Uten kø", "company_id": self.company_b.id})
        self.assertEqual(inquiry.queue_id, self.queue_front_b)
        self.assertEqual(inquiry.stage_id, self.stage_new)
        self.assertEqual(inquiry.channel_id, self.channel_counter)
        # Without a default queue: the municipality's front-line queue.
        self.company_b.citizen_default_queue_id = False
        inquiry = Inquiry.create({"name": "Uten kø", "company_id": self.company_b.id})
        self.assertEqual(inquiry.queue_id, self.queue_front_b)
        # A stage of one queue only is that queue's first stage.
        assessment = self.env["citizen.inquiry.stage"].create(
            {
                "name": "Vurdering",
                "sequence": 0,
                "queue_ids": [Command.link(self.queue_building_a.id)],
            }
        )
        building = Inquiry.create(
            {
                "name": "Byggesak",
                "company_id": self.company_a.id,
                "queue_id": self.queue_building_a.id,
            }
        )
        self.assertEqual(building.stage_id, assessment)
        front = Inquiry.create({"name": "Skranke", "company_id": self.company_a.id})
        self.assertEqual(front.stage_id, self.stage_new)

    def test_municipality_without_queue(self):
        company = self.env["res.company"].create({"name": "Tomkommune"})
        with self.assertRaisesRegex(UserError, "Tomkommune has no front-line queue"):
            self.env["citizen.inquiry"].create(
                {"name": "Ingen kø", "company_id": company.id}
            )
        # A back-office queue alone does not receive unrouted inquiries.
        self.env["citizen.queue"].create(
            {"name": "Teknisk", "code": "TEK", "company_id": company.id}
        )
        with self.assertRaisesRegex(UserError, "no front-line queue"):
            self.env["citizen.inquiry"].create(
                {"name": "Ingen kø", "company_id": company.id}
            )

    def test_installed_default_queue(self):
        main_company = self.env.ref("base.main_company")
        servicetorg = self.env.ref("citizen_crm.citizen_queue_servicetorg")
        self.assertEqual(main_company.citizen_default_queue_id, servicetorg)
        self.assertEqual(servicetorg.queue_type, "front_line")
        self.assertEqual(servicetorg.alias_name, "servicetorg")
        inquiry = self.env["citizen.inquiry"].create(
            {"name": "Hovedkommunen", "company_id": main_company.id}
        )
        self.assertEqual(inquiry.queue_id, servicetorg)
        stages = self.env["citizen.inquiry.stage"].search([])
        self.assertEqual(stages.filtered("is_closed"), self.stage_closed)
        self.assertEqual(stages.filtered("is_waiting"), self.stage_waiting)


@tagged("post_install", "-at_install")
class TestInquiryNumber(CitizenMunicipalitiesCommon):
    def _create(self, user, **values):
        return (
            self.env["citizen.inquiry"]
            .with_user(user)
            .create({"name": "Nummerering", **values})
        )

    def test_number_per_company_and_year(self):
        with freeze_time("2031-05-10 10:00:00"):
            first_a = self._create(self.user_frontdesk)
            second_a = self._create(self.user_frontdesk)
            first_b = self._create(self.user_frontdesk_b)
        self.assertEqual(first_a.number, "HEN-2031-00001")
        self.assertEqual(second_a.number, "HEN-2031-00002")
        # The other municipality numbers on its own.
        self.assertEqual(first_b.company_id, self.company_b)
        self.assertEqual(first_b.number, "HEN-2031-00001")
        with freeze_time("2032-01-02 08:00:00"):
            next_year = self._create(self.user_frontdesk)
        self.assertEqual(next_year.number, "HEN-2032-00001")
        # A letter received last year is numbered in last year's series.
        with freeze_time("2032-01-03 08:00:00"):
            letter = self._create(
                self.user_frontdesk,
                channel_id=self.channel_letter.id,
                date_received="2031-12-30 12:00:00",
            )
        self.assertEqual(letter.number, "HEN-2031-00003")
        self.assertEqual(letter.display_name, "HEN-2031-00003 Nummerering")

    def test_number_not_copied_or_forced(self):
        with freeze_time("2033-02-01"):
            inquiry = self._create(self.user_supervisor, number="New")
            self.assertEqual(inquiry.number, "HEN-2033-00001")
            copy = inquiry.with_user(self.user_supervisor).copy()
        self.assertEqual(copy.number, "HEN-2033-00002")

    def test_new_company_gets_a_sequence(self):
        company = self.env["res.company"].create({"name": "Nykommune"})
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search([("code", "=", "citizen.inquiry"), ("company_id", "=", company.id)])
        )
        self.assertEqual(len(sequence), 1)
        self.assertTrue(sequence.use_date_range)
        # A sequence removed by mistake is created again on first use.
        sequence.unlink()
        queue = self.env["citizen.queue"].create(
            {
                "name": "Servicetorg Ny",
                "code": "STORG",
                "queue_type": "front_line",
                "company_id": company.id,
            }
        )
        with freeze_time("2034-06-01"):
            inquiry = self.env["citizen.inquiry"].create(
                {"name": "Første", "company_id": company.id}
            )
        self.assertEqual(inquiry.queue_id, queue)
        self.assertEqual(inquiry.number, "HEN-2034-00001")

    def test_search_by_number(self):
        with freeze_time("2035-01-01"):
            inquiry = self._create(self.user_frontdesk)
        Inquiry = self.env["citizen.inquiry"].with_user(self.user_frontdesk)
        found = Inquiry.search([("display_name", "ilike", "HEN-2035")])
        self.assertEqual(found, inquiry)
        self.assertEqual(
            [row[0] for row in Inquiry.name_search("HEN-2035-00001")], inquiry.ids
        )


@tagged("post_install", "-at_install")
class TestInquiryForward(CitizenMunicipalitiesCommon):
    def _forward_by_wizard(self, inquiries, queue, user=None, note=None):
        form = Form(
            self.env["citizen.inquiry.forward"].with_context(
                active_model="citizen.inquiry", active_ids=inquiries.ids
            )
        )
        self.assertEqual(form.company_id, inquiries[:1].company_id)
        form.queue_id = queue
        if user:
            form.user_id = user
        if note:
            form.note = note
        wizard = form.save()
        self.assertEqual(wizard.inquiry_ids, inquiries)
        return wizard.action_forward()

    @users("tst_frontdesk")
    def test_forward_to_back_office(self):
        """The front desk hands an inquiry (registered by the mail gateway,
        not by itself) to a department: the queue changes, its members are
        notified and follow it."""
        inquiry = self.inquiry_front.with_env(self.env)
        result = self._forward_by_wizard(
            inquiry, self.queue_building_a, note="Gjelder garasje i Storgata 1."
        )
        self.assertEqual(result["type"], "ir.actions.act_window_close")
        self.flush_tracking()
        inquiry.invalidate_recordset()
        self.assertEqual(inquiry.queue_id, self.queue_building_a)
        self.assertFalse(inquiry.user_id)
        self.assertEqual(inquiry.stage_id, self.stage_new)

        inquiry = inquiry.sudo()
        caseworker = self.user_caseworker.partner_id
        self.assertIn(caseworker, inquiry.message_partner_ids)
        message = inquiry.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("citizen_crm.mt_inquiry_forwarded")
        )
        self.assertEqual(len(message), 1)
        self.assertIn("Servicetorg Testvik", message.body)
        self.assertIn("Byggesak Testvik", message.body)
        self.assertIn("Storgata 1", message.body)
        self.assertEqual(message.author_id, self.user_frontdesk.partner_id)
        self.assertEqual(message.partner_ids, caseworker)
        notification = self.env["mail.notification"].search(
            [("mail_message_id", "=", message.id)]
        )
        self.assertEqual(notification.res_partner_id, caseworker)
        # The change of queue is tracked in the chatter.
        tracking = inquiry.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "queue_id"
        )
        self.assertEqual(len(tracking), 1)
        self.assertEqual(tracking.old_value_char, "Servicetorg Testvik")
        self.assertEqual(tracking.new_value_char, "Byggesak Testvik")
        # The front desk still sees the inquiry but no longer works on it.
        inquiry = inquiry.with_env(self.env)
        inquiry.check_access("read")
        with self.assertRaises(AccessError):
            inquiry.check_access("write")

    @users("tst_caseworker")
    def test_forward_to_caseworker_from_closed(self):
        inquiry = self.inquiry_building.with_env(self.env)
        inquiry._citizen_close("referred")
        self._forward_by_wizard(
            inquiry, self.queue_health_a, user=self.user_caseworker_other
        )
        inquiry = inquiry.with_user(self.user_caseworker_other)
        self.assertEqual(inquiry.queue_id, self.queue_health_a)
        self.assertEqual(inquiry.user_id, self.user_caseworker_other)
        # A closed inquiry that is forwarded is open again.
        self.assertEqual(inquiry.stage_id, self.stage_new)
        self.assertIn(
            self.user_caseworker_other.partner_id, inquiry.message_partner_ids
        )
        # The caseworker handed it over and no longer sees it.
        with self.assertRaises(AccessError):
            inquiry.with_user(self.user_caseworker).check_access("read")

    def test_forward_moves_out_of_queue_stage(self):
        queue_stage = self.env["citizen.inquiry.stage"].create(
            {
                "name": "Helse: vurdering",
                "sequence": 5,
                "queue_ids": [Command.link(self.queue_health_a.id)],
            }
        )
        inquiry = self.inquiry_health
        inquiry.stage_id = queue_stage
        inquiry._citizen_forward(self.queue_building_a)
        self.assertEqual(inquiry.stage_id, self.stage_new)
        # A stage shared by every queue is kept.
        inquiry.stage_id = self.stage_in_progress
        inquiry._citizen_forward(self.queue_health_a)
        self.assertEqual(inquiry.stage_id, self.stage_in_progress)

    def test_forward_wizard_clears_user_of_other_queue(self):
        form = Form(
            self.env["citizen.inquiry.forward"].with_context(
                active_model="citizen.inquiry", active_ids=self.inquiry_front.ids
            )
        )
        form.queue_id = self.queue_building_a
        form.user_id = self.user_caseworker
        form.queue_id = self.queue_health_a
        self.assertFalse(form.user_id)


@tagged("post_install", "-at_install")
class TestInquiryClose(CitizenMunicipalitiesCommon):
    def _close_form(self, inquiries):
        return Form(
            self.env["citizen.inquiry.close"].with_context(
                active_model="citizen.inquiry", active_ids=inquiries.ids
            )
        )

    @users("tst_caseworker")
    @freeze_time("2026-04-01 13:00:00")
    def test_close_wizard_each_resolution(self):
        for resolution in ("first_contact", "forwarded", "referred", "rejected"):
            with self.subTest(resolution=resolution):
                inquiry = self.inquiry_building.with_env(self.env)
                form = self._close_form(inquiry)
                form.resolution = resolution
                form.note = f"Lukket: {resolution}"
                form.save().action_close()
                self.assertTrue(inquiry.is_closed)
                self.assertEqual(inquiry.stage_id, self.stage_closed)
                self.assertEqual(inquiry.resolution, resolution)
                self.assertEqual(inquiry.resolution_note, f"Lukket: {resolution}")
                self.assertEqual(inquiry.date_closed, datetime(2026, 4, 1, 13))
                self.assertEqual(inquiry.date_first_response, datetime(2026, 4, 1, 13))
                self.assertEqual(
                    inquiry.first_contact_rate,
                    100.0 if resolution == "first_contact" else 0.0,
                )
                inquiry.action_reopen()

    @users("tst_caseworker")
    def test_close_wizard_case_opened(self):
        inquiry = self.inquiry_building.with_env(self.env)
        form = self._close_form(inquiry)
        form.resolution = "case_opened"
        # The form asks for the case.
        with self.assertRaises(AssertionError):
            form.save()
        form.case_id = self.case_a
        form.save().action_close()
        self.assertEqual(inquiry.resolution, "case_opened")
        self.assertEqual(inquiry.case_id, self.case_a)
        self.assertTrue(inquiry.is_closed)

    @users("tst_caseworker")
    def test_case_opened_requires_case(self):
        inquiry = self.inquiry_building.with_env(self.env)
        wizard = self.env["citizen.inquiry.close"].create(
            {"inquiry_ids": [Command.set(inquiry.ids)], "resolution": "case_opened"}
        )
        with self.assertRaisesRegex(UserError, "case"):
            wizard.action_close()
        self.assertFalse(inquiry.is_closed)
        with self.assertRaisesRegex(UserError, "case"):
            inquiry._citizen_close("case_opened")
        self.assertFalse(inquiry.is_closed)

    def test_close_several_queues_at_once(self):
        inquiries = self.inquiry_front | self.inquiry_health
        form = self._close_form(inquiries)
        form.resolution = "referred"
        form.save().action_close()
        self.assertEqual(inquiries.mapped("resolution"), ["referred", "referred"])
        self.assertTrue(all(inquiries.mapped("is_closed")))

    def test_first_response_kept(self):
        answered = datetime(2026, 1, 5, 8, 0)
        self.inquiry_front.date_first_response = answered
        with freeze_time("2026-01-09 10:00:00"):
            self.inquiry_front._citizen_close("first_contact")
        self.assertEqual(self.inquiry_front.date_first_response, answered)
        self.assertEqual(self.inquiry_front.date_closed, datetime(2026, 1, 9, 10))

    @users("tst_frontdesk")
    def test_closed_stage_needs_resolution(self):
        inquiry = self.inquiry_front.with_env(self.env)
        with self.assertRaisesRegex(UserError, "Choose a resolution"):
            inquiry.write({"stage_id": self.stage_closed.id})
        self.assertFalse(inquiry.is_closed)
        # Through the statusbar (a form save), the same.
        with self.assertRaisesRegex(UserError, "Choose a resolution"):
            with Form(inquiry) as form:
                form.stage_id = self.stage_closed
        with self.assertRaisesRegex(UserError, "Choose a resolution"):
            self.env["citizen.inquiry"].create(
                {"name": "Lukket uten grunn", "stage_id": self.stage_closed.id}
            )
        inquiry.write({"stage_id": self.stage_closed.id, "resolution": "rejected"})
        self.assertTrue(inquiry.is_closed)
        self.assertTrue(inquiry.date_closed)

    @users("tst_frontdesk")
    def test_answered_directly_on_existing_inquiry(self):
        inquiry = self.inquiry_front.with_env(self.env)
        inquiry.answered_directly = True
        self.assertTrue(inquiry.is_closed)
        self.assertEqual(inquiry.resolution, "first_contact")

    @users("tst_frontdesk")
    @freeze_time("2026-05-01 10:00:00")
    def test_reopen(self):
        inquiry = self.inquiry_front.with_env(self.env)
        inquiry._citizen_close("referred", "Henvist til NAV")
        self.assertTrue(inquiry.date_closed)
        inquiry.action_reopen()
        self.assertEqual(inquiry.stage_id, self.stage_new)
        self.assertFalse(inquiry.is_closed)
        self.assertFalse(inquiry.resolution)
        self.assertFalse(inquiry.date_closed)
        self.assertFalse(inquiry.answered_directly)
        # The first response stays: the citizen did get an answer then.
        self.assertEqual(inquiry.date_first_response, datetime(2026, 5, 1, 10))
        reopened = inquiry.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("citizen_crm.mt_inquiry_reopened")
        )
        self.assertEqual(len(reopened), 1)
        self.assertIn("reopened", reopened.body)
        # Reopening an open inquiry does nothing.
        inquiry.action_reopen()
        self.assertEqual(len(inquiry.message_ids.filtered(lambda m: m in reopened)), 1)


@tagged("post_install", "-at_install")
class TestInquiryTracking(CitizenMunicipalitiesCommon):
    def _tracked(self, inquiry):
        self.flush_tracking()
        return {
            tracking.field_id.name: (tracking.old_value_char, tracking.new_value_char)
            for tracking in inquiry.sudo().message_ids.tracking_value_ids
        }

    @users("tst_supervisor")
    def test_tracking(self):
        inquiry = self.inquiry_building.with_env(self.env)
        inquiry.write(
            {"stage_id": self.stage_in_progress.id, "user_id": self.user_caseworker.id}
        )
        tracked = self._tracked(inquiry)
        self.assertEqual(tracked["stage_id"], ("New", "In Progress"))
        self.assertEqual(tracked["user_id"], ("", self.user_caseworker.name))
        # The assigned caseworker follows the inquiry.
        self.assertIn(self.user_caseworker.partner_id, inquiry.message_partner_ids)

        inquiry._citizen_close("rejected")
        tracked = self._tracked(inquiry)
        self.assertEqual(tracked["resolution"], ("", "Rejected"))
        closing = inquiry.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("citizen_crm.mt_inquiry_closed")
        )
        self.assertEqual(len(closing), 1)

    @users("tst_caseworker")
    def test_assign_to_me(self):
        inquiry = self.inquiry_building.with_env(self.env)
        inquiry.action_assign_to_me()
        self.assertEqual(inquiry.user_id, self.env.user)
        self.assertIn(self.env.user.partner_id, inquiry.message_partner_ids)

    def test_open_wizard_actions(self):
        inquiry = self.inquiry_front
        for action, model in (
            (inquiry.action_open_close_wizard(), "citizen.inquiry.close"),
            (inquiry.action_open_forward_wizard(), "citizen.inquiry.forward"),
        ):
            self.assertEqual(action["res_model"], model)
            self.assertEqual(action["target"], "new")
            self.assertEqual(action["context"]["active_ids"], inquiry.ids)

    def test_deadline_follows_service(self):
        with freeze_time("2026-06-01 12:00:00"):
            inquiry = self.env["citizen.inquiry"].create(
                {
                    "name": "Frist",
                    "company_id": self.company_a.id,
                    "service_id": self.service_waste.id,
                }
            )
        # Monday noon plus one 8-hour working day.
        self.assertEqual(inquiry.date_deadline, datetime(2026, 6, 2, 12))
        with freeze_time("2026-06-07 12:00:00"):
            inquiry.invalidate_recordset(["is_overdue"])
            self.assertTrue(inquiry.is_overdue)
            overdue = self.env["citizen.inquiry"].search([("is_overdue", "=", True)])
            self.assertIn(inquiry, overdue)
            inquiry._citizen_close("first_contact")
            inquiry.invalidate_recordset(["is_overdue"])
            self.assertFalse(inquiry.is_overdue)
            not_overdue = self.env["citizen.inquiry"].search(
                [("is_overdue", "=", False), ("id", "=", inquiry.id)]
            )
            self.assertEqual(not_overdue, inquiry)
        self.assertEqual(inquiry.date_deadline - inquiry.date_received, timedelta(1))
