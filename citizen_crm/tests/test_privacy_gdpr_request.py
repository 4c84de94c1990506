"""One data-subject request, one thing: the inquiry of type gdpr_request and
the privacy officer's processing record, with the inquiry's legal deadline."""

from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import CitizenDeadlineCommon, oslo


@tagged("post_install", "-at_install")
class TestGdprRequestInquiry(CitizenDeadlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer = cls._new_user(
            "gdpr_request_officer",
            "citizen_crm.group_privacy_officer,base.group_partner_manager",
            company=cls.company,
        )
        cls.Request = cls.env["citizen.gdpr.request"]

    def _register(self, request_type="access", **values):
        """A request as the privacy officer registers it from the Privacy menu."""
        form = Form(self.Request.with_user(self.officer))
        form.partner_id = self.citizen
        form.request_type = request_type
        for name, value in values.items():
            setattr(form, name, value)
        # Checked as superuser: the officer may not read the inquiry.
        return form.save().with_env(self.env)

    def _request_of(self, inquiry):
        return self.Request.search([("inquiry_id", "=", inquiry.id)])

    def _extend(self, inquiry):
        wizard = Form(
            self.env["citizen.inquiry.gdpr.extension"]
            .with_user(self.frontdesk)
            .with_context(active_model="citizen.inquiry", active_ids=inquiry.ids)
        )
        wizard.reason = "Many documents to collect."
        wizard.save().action_confirm()

    # ------------------------------------------------------------
    # Registered by the privacy officer
    # ------------------------------------------------------------

    def test_registering_a_request_creates_its_inquiry(self):
        with freeze_time(oslo(2026, 4, 15, 10)):
            request = self._register("erasure")
        inquiry = request.inquiry_id
        self.assertTrue(inquiry)
        self.assertEqual(inquiry.inquiry_type, "gdpr_request")
        self.assertEqual(inquiry.partner_id, self.citizen)
        self.assertEqual(inquiry.company_id, self.company)
        self.assertEqual(inquiry.queue_id, self.company.citizen_default_queue_id)
        self.assertEqual(inquiry.name, "Data-subject request: Erasure (art. 17)")
        self.assertEqual(inquiry.date_received, oslo(2026, 4, 15, 10))
        self.assertEqual(inquiry.create_uid, self.officer)
        self.assertEqual(inquiry.gdpr_request_ids, request, "one request, not two")
        self.assertNotIn(self.officer.partner_id, inquiry.message_partner_ids)
        self.assertEqual(request.request_type, "erasure")
        self.assertEqual(request.date_received, date(2026, 4, 15))
        self.assertEqual(inquiry.legal_deadline, date(2026, 5, 15))
        self.assertEqual(request.date_deadline, inquiry.legal_deadline)

    def test_request_received_earlier_counts_from_that_day(self):
        with freeze_time(oslo(2026, 4, 15, 10)):
            request = self._register(date_received=date(2026, 4, 1))
        inquiry = request.inquiry_id
        # The start of 1 April in Oslo, which is still 31 March in UTC.
        self.assertEqual(inquiry.date_received, oslo(2026, 4, 1, 0, 0))
        self.assertEqual(request.date_received, date(2026, 4, 1))
        # 1 May 2026 is a public holiday, then a weekend.
        self.assertEqual(request.date_deadline, date(2026, 5, 4))
        self.assertEqual(inquiry.legal_deadline, date(2026, 5, 4))

    def test_request_of_an_inquiry_takes_its_data(self):
        inquiry = self._inquiry(
            inquiry_type="gdpr_request",
            partner_id=self.citizen.id,
            date_received=oslo(2026, 4, 15, 10),
        )
        request = self._request_of(inquiry)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.Request.create({"inquiry_id": inquiry.id})
            self.env.flush_all()
        self.assertEqual(request.partner_id, self.citizen)
        self.assertEqual(request.company_id, self.company)
        self.assertEqual(request.date_received, date(2026, 4, 15))

    # ------------------------------------------------------------
    # One deadline: the inquiry's
    # ------------------------------------------------------------

    def test_deadline_moves_with_the_extension_wizard(self):
        with freeze_time(oslo(2026, 4, 15, 10)):
            request = self._register()
        inquiry = request.inquiry_id
        self.assertEqual(request.date_deadline, date(2026, 5, 15))
        with freeze_time(oslo(2026, 5, 4, 10)):
            self._extend(inquiry)
        self.assertEqual(inquiry.legal_deadline, date(2026, 7, 15))
        self.assertEqual(request.date_deadline, date(2026, 7, 15))
        self.assertEqual(request.gdpr_extension_date, date(2026, 5, 4))
        # Stored: the privacy officer's list sorts and filters on it.
        self.env.invalidate_all()
        self.assertEqual(
            self.Request.search([("date_deadline", "=", date(2026, 7, 15))]), request
        )

    def test_date_received_follows_the_inquiry_in_local_time(self):
        with freeze_time(oslo(2026, 4, 15, 10)):
            request = self._register()
        inquiry = request.inquiry_id
        # 00:30 in Oslo on 13 April is still 12 April in UTC.
        inquiry.with_user(self.frontdesk).date_received = oslo(2026, 4, 13, 0, 30)
        self.assertEqual(request.date_received, date(2026, 4, 13))
        self.assertEqual(request.date_deadline, date(2026, 5, 13))

    # ------------------------------------------------------------
    # Typed on the inquiry
    # ------------------------------------------------------------

    def test_typing_an_inquiry_creates_its_request(self):
        inquiry = self._inquiry(
            partner_id=self.citizen.id, date_received=oslo(2026, 4, 15, 10)
        ).with_user(self.frontdesk)
        self.assertFalse(self._request_of(inquiry))
        inquiry.inquiry_type = "gdpr_request"
        request = self._request_of(inquiry)
        self.assertEqual(len(request), 1)
        self.assertEqual(request.request_type, "other")
        self.assertEqual(request.state, "new")
        self.assertEqual(request.partner_id, self.citizen)
        self.assertEqual(request.date_deadline, date(2026, 5, 15))
        self.assertEqual(inquiry.gdpr_request_state, "new")
        # A misclassification is undone while the officer has not touched it.
        inquiry.inquiry_type = "general"
        self.assertFalse(request.exists())
        inquiry.inquiry_type = "gdpr_request"
        request = self._request_of(inquiry)
        request.with_user(self.officer).request_type = "access"
        with self.assertRaisesRegex(UserError, "ask them"):
            inquiry.inquiry_type = "general"

    def test_inquiry_created_as_gdpr_request_from_an_unknown_sender(self):
        inquiry = self._inquiry(
            inquiry_type="gdpr_request", date_received=oslo(2026, 4, 15, 10)
        )
        request = self._request_of(inquiry)
        self.assertEqual(request.request_type, "other")
        self.assertFalse(request.partner_id)
        with self.assertRaisesRegex(UserError, inquiry.number):
            request.with_user(self.officer).action_refuse()
        inquiry.partner_id = self.citizen
        self.assertEqual(request.partner_id, self.citizen)

    # ------------------------------------------------------------
    # Processing
    # ------------------------------------------------------------

    def test_other_right_is_marked_done_by_hand(self):
        inquiry = self._inquiry(
            inquiry_type="gdpr_request",
            partner_id=self.citizen.id,
            user_id=self.frontdesk.id,
        )
        request = self._request_of(inquiry).with_user(self.officer)
        with self.assertRaisesRegex(UserError, "by hand"):
            request.action_process()
        with self.assertRaisesRegex(UserError, "Record the result"):
            request.action_mark_done()
        request.result_note = "Address corrected in the register (art. 16)."
        request.action_mark_done()
        self.assertEqual(request.state, "done")
        note = inquiry.message_ids.filtered(
            lambda m: "has processed the data-subject request" in (m.body or "")
        )
        self.assertEqual(len(note), 1)
        self.assertIn("Other right (art. 16, 18, 20, 21)", note.body)
        self.assertIn("Done", note.body)
        self.assertNotIn("Address corrected", note.body)
        self.assertEqual(note.author_id, self.officer.partner_id)
        self.assertIn(self.frontdesk.partner_id, note.partner_ids)
        self.assertEqual(inquiry.gdpr_request_state, "done")
        self.assertFalse(inquiry.is_closed, "the servicetorg answers, then closes")
        with self.assertRaisesRegex(UserError, "already been processed"):
            request.action_refuse()

    def test_erasure_answers_its_own_open_inquiry(self):
        with freeze_time(oslo(2026, 4, 15, 10)):
            request = self._register("erasure")
        inquiry = request.inquiry_id
        self.assertFalse(inquiry.is_closed)
        request.with_user(self.officer).action_process()
        self.assertEqual(request.state, "done", request.result_note)
        self.assertTrue(self.citizen.citizen_anonymised)
        self.assertEqual(request.partner_id, self.citizen, "the request keeps it")
        self.assertTrue(inquiry.is_anonymised)
        self.assertFalse(inquiry.partner_id)
        self.assertFalse(inquiry.is_closed)
        self.assertIn("Erasure (art. 17)", inquiry.message_ids[0].body)

    def test_erasure_refused_for_another_open_inquiry(self):
        other = self._inquiry(partner_id=self.citizen.id, name="Still open")
        request = self._register("erasure")
        request.with_user(self.officer).action_process()
        self.assertEqual(request.state, "refused")
        self.assertIn(other.number, request.result_note)
        self.assertNotIn(request.inquiry_id.number, request.result_note)
        note = request.inquiry_id.message_ids[0]
        self.assertIn("Refused", note.body)
        self.assertNotIn(other.number, note.body)

    # ------------------------------------------------------------
    # Access
    # ------------------------------------------------------------

    def test_queue_staff_see_that_a_request_exists_not_the_request(self):
        request = self._register()
        inquiry = request.inquiry_id
        for user in (self.frontdesk, self.caseworkers[0], self.supervisor):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    request.with_user(user).read(["result_note"])
                with self.assertRaises(AccessError):
                    self.Request.with_user(user).search([])
        # They read the inquiry, not the request behind it.
        for user in (self.frontdesk, self.supervisor):
            with self.subTest(user=user.login):
                as_user = inquiry.with_user(user)
                self.assertTrue(as_user.read(["name", "gdpr_request_state"]))
                with self.assertRaises(AccessError):
                    as_user.read(["gdpr_request_ids"])
                with self.assertRaises(AccessError):
                    as_user.action_open_gdpr_request()
        as_desk = inquiry.with_user(self.frontdesk)
        self.assertEqual(as_desk.gdpr_request_state, "new")
        self.assertEqual(
            as_desk.read(["gdpr_request_state"])[0]["gdpr_request_state"], "new"
        )

    def test_privacy_officer_reads_requests_not_inquiries(self):
        request = self._register()
        as_officer = request.with_user(self.officer)
        values = as_officer.read(["inquiry_id", "date_deadline", "result_note"])[0]
        self.assertEqual(values["inquiry_id"][0], request.inquiry_id.id)
        self.assertEqual(values["date_deadline"], request.inquiry_id.legal_deadline)
        self.assertEqual(self.Request.with_user(self.officer).search([]), request)
        with self.assertRaises(AccessError):
            request.inquiry_id.with_user(self.officer).read(["name"])
        # Multi-company: another municipality's officer sees none of it.
        other_company = self.env["res.company"].create({"name": "Annenkommune"})
        stranger = self._new_user(
            "gdpr_request_officer_other",
            "citizen_crm.group_privacy_officer",
            company=other_company,
        )
        self.assertFalse(
            self.Request.with_user(stranger)
            .with_context(allowed_company_ids=other_company.ids)
            .search([])
        )

    def test_frontdesk_cannot_register_a_request(self):
        with self.assertRaises(AccessError):
            self.Request.with_user(self.frontdesk).create(
                {"partner_id": self.citizen.id, "request_type": "access"}
            )
        self.assertFalse(
            self.env["citizen.inquiry"].search([("partner_id", "=", self.citizen.id)])
        )
