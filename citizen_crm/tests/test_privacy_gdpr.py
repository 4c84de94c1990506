import base64
import json
from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged, users

from .common import CitizenPrivacyCommon


@tagged("post_install", "-at_install")
class TestGdpr(CitizenPrivacyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["citizen.service"].create(
            {
                "name": "Building permit",
                "legal_basis": "GDPR art. 6(1)(e); plan- og bygningsloven § 20-1",
                "processing_purpose": "Guidance on building applications",
                "personal_data_categories": "identity, contact data, property",
                "retention_months": 12,
            }
        )
        cls.case = cls.env["citizen.case"].create(
            {"name": "2026/77", "title": "Garage", "partner_id": cls.protected.id}
        )
        with freeze_time("2026-01-10 10:00:00"):
            cls.archived_inquiry = cls._make_inquiry(
                cls.protected, "Garage at Hemmeligveien 7", cls.case
            )
            cls.loose_inquiry = cls._make_inquiry(
                cls.protected, "Fence towards neighbour", None
            )
        cls.case.active = False  # the case is finished in the archive

    @classmethod
    def _make_inquiry(cls, partner, name, case):
        inquiry = cls.env["citizen.inquiry"].create(
            {
                "partner_id": partner.id,
                "name": name,
                "service_id": cls.service.id,
                "description": f"<p>{name}, call me on +47 912 34 567</p>",
                "case_id": case.id if case else False,
            }
        )
        inquiry.message_post(
            body=f"Letter about {name}",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachments=[("letter.txt", b"Hemmeligveien 7, 9911 Skjulestad")],
        )
        inquiry._citizen_close("first_contact")
        return inquiry

    # ------------------------------------------------------------
    # Access (art. 15)
    # ------------------------------------------------------------

    def test_access_report_json_and_pdf(self):
        request = (
            self.env["citizen.gdpr.request"]
            .with_user(self.officer)
            .create({"partner_id": self.protected.id, "request_type": "access"})
        )
        # Tests render reports as HTML unless told to run wkhtmltopdf.
        request.with_context(force_report_rendering=True).action_process()
        self.assertEqual(request.state, "done")
        data = json.loads(base64.b64decode(request.json_attachment_id.datas))
        self.assertEqual(data["citizen"]["identity_number"], self.secret_number)
        self.assertEqual(data["citizen"]["street"], "Hemmeligveien 7")
        self.assertEqual(data["citizen"]["email"], "kari.skjult@secret.example")
        # The request is itself an inquiry of the citizen's.
        self.assertEqual(
            {i["number"] for i in data["inquiries"]},
            {
                self.archived_inquiry.number,
                self.loose_inquiry.number,
                request.inquiry_id.number,
            },
        )
        messages = [m for i in data["inquiries"] for m in i["messages"]]
        self.assertTrue(any("letter.txt" in m["attachments"] for m in messages))
        self.assertEqual(data["cases"][0]["number"], "2026/77")
        self.assertTrue(data["audit"], "audit entries about the citizen are part of it")
        pdf = base64.b64decode(request.pdf_attachment_id.datas)
        self.assertTrue(pdf.startswith(b"%PDF"))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("citizen_crm.citizen_gdpr_access_report", request.ids)[0]
            .decode()
        )
        self.assertIn("Hemmeligveien 7", html)
        self.assertIn(self.archived_inquiry.number, html)

    def test_access_report_stays_with_privacy_officers(self):
        request = (
            self.env["citizen.gdpr.request"]
            .with_user(self.officer)
            .create({"partner_id": self.protected.id, "request_type": "access"})
        )
        request.action_process()
        for user in self.staff:
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    request.json_attachment_id.with_user(user).read(["datas"])
                with self.assertRaises(AccessError):
                    request.with_user(user).read(["result_note"])
                self.assertFalse(
                    self.env["ir.attachment"]
                    .with_user(user)
                    .search(
                        [
                            ("res_model", "=", "res.partner"),
                            ("res_id", "=", self.protected.id),
                        ]
                    )
                )

    # ------------------------------------------------------------
    # Erasure (art. 17)
    # ------------------------------------------------------------

    def test_erasure_refused_while_inquiry_open(self):
        open_inquiry = self.env["citizen.inquiry"].create(
            {"partner_id": self.plain.id, "name": "Still open"}
        )
        request = (
            self.env["citizen.gdpr.request"]
            .with_user(self.officer)
            .create({"partner_id": self.plain.id, "request_type": "erasure"})
        )
        request.action_process()
        self.assertEqual(request.state, "refused")
        self.assertIn(open_inquiry.number, request.result_note)
        self.assertEqual(self.plain.name, "Ola Åpen")
        self.assertTrue(
            self.env["citizen.audit.log"].search(
                [("action", "=", "refuse"), ("partner_id", "=", self.plain.id)]
            )
        )
        with self.assertRaisesRegex(UserError, "Open inquiries"):
            self.plain._citizen_anonymise()

    def test_erasure_refused_while_case_open(self):
        case = self.env["citizen.case"].create(
            {"name": "2026/78", "title": "Open case", "partner_id": self.plain.id}
        )
        with self.assertRaisesRegex(UserError, "2026/78"):
            self.plain._citizen_anonymise()
        case.active = False
        self.assertFalse(self.plain._citizen_erasure_refusals())

    def test_erasure_end_to_end_and_rerun(self):
        partner = self.protected
        portal_user = self._new_portal_user(partner, "kari_portal")
        request = (
            self.env["citizen.gdpr.request"]
            .with_user(self.officer)
            .create({"partner_id": partner.id, "request_type": "erasure"})
        )
        request.action_process()
        self.assertEqual(request.state, "done", request.result_note)
        self.assertIn("2026/77", request.result_note, "the kept documents are named")
        self.env.invalidate_all()
        partner = partner.with_context(active_test=False)
        self.assertEqual(partner.name, f"Anonymised citizen #{partner.id}")
        self.assertTrue(partner.citizen_anonymised)
        self.assertFalse(partner.national_id)
        self.assertFalse(partner.birthdate)
        self.assertFalse(
            self.env["citizen.protected.contact"].search(
                [("partner_id", "=", partner.id)]
            )
        )
        self.assertFalse(portal_user.active)
        # Statistics kept.
        for inquiry in self.archived_inquiry | self.loose_inquiry:
            self.assertTrue(inquiry.is_anonymised)
            self.assertEqual(inquiry.service_id, self.service)
            self.assertEqual(inquiry.resolution, "first_contact")
            self.assertTrue(inquiry.date_closed)
            self.assertFalse(inquiry.partner_id)
            self.assertNotIn("Hemmeligveien", inquiry.name)
        # Archive duty: the case-linked inquiry keeps its documents, the other none.
        Attachment = self.env["ir.attachment"]
        loose_messages = self.loose_inquiry.message_ids
        self.assertTrue(
            Attachment.search(
                [
                    ("res_model", "=", "citizen.inquiry"),
                    ("res_id", "=", self.archived_inquiry.id),
                ]
            )
        )
        self.assertFalse(
            Attachment.search(
                [
                    ("res_model", "=", "citizen.inquiry"),
                    ("res_id", "=", self.loose_inquiry.id),
                ]
            )
        )
        self.assertFalse(self.loose_inquiry.description)
        self.assertIn("2026/77", self.archived_inquiry.anonymisation_note)
        self.assertNoSecret(
            loose_messages.read(["body", "subject", "email_from"]),
            ["Fence", "912 34 567", "Kari"],
        )
        # No trace of the name anywhere outside documents under archive duty.
        for model, fnames in (
            ("res.partner", ["name", "display_name", "email", "street"]),
            ("citizen.inquiry", ["partner_name", "partner_email", "partner_phone"]),
            ("mail.tracking.value", ["old_value_char", "new_value_char"]),
            ("citizen.audit.log", ["description"]),
        ):
            records = self.env[model].with_context(active_test=False).search([])
            self.assertNoSecret(records.read(fnames), ["Kari Skjult", "kari.skjult"])
        self.assertFalse(self.case.partner_id)
        entries = self.env["citizen.audit.log"].search(
            [("action", "=", "anonymise"), ("partner_id", "=", partner.id)]
        )
        self.assertTrue(entries)

        # A second run is harmless.
        def count_documents():
            return Attachment.search_count(
                [
                    ("res_model", "=", "citizen.inquiry"),
                    ("res_id", "=", self.archived_inquiry.id),
                ]
            )

        snapshot = (
            partner.name,
            self.archived_inquiry.anonymisation_note,
            count_documents(),
        )
        again = partner._citizen_anonymise()
        self.assertIn("already", again)
        self.assertEqual(
            snapshot,
            (partner.name, self.archived_inquiry.anonymisation_note, count_documents()),
        )
        self.assertFalse(self.archived_inquiry._citizen_anonymise())

    # ------------------------------------------------------------
    # Retention
    # ------------------------------------------------------------

    def test_retention_dry_run_then_cron(self):
        with freeze_time("2026-06-01 10:00:00"):
            recent = self._make_inquiry(self.plain, "Recent question", None)
        with freeze_time("2027-02-15 08:00:00"):
            preview = (
                self.env["citizen.retention.preview"].with_user(self.officer).create({})
            )
            self.assertEqual(preview.inquiry_count, 2)
            self.assertIn(self.loose_inquiry.number, preview.summary)
            self.assertIn(self.archived_inquiry.number, preview.summary)
            self.assertNotIn(recent.number, preview.summary)
            self.assertFalse(
                self.loose_inquiry.is_anonymised, "a dry run changes nothing"
            )
            self.env["citizen.inquiry"]._cron_citizen_retention()
            self.assertTrue(self.loose_inquiry.is_anonymised)
            self.assertTrue(self.archived_inquiry.is_anonymised)
            self.assertFalse(recent.is_anonymised)
            self.assertEqual(recent.partner_id, self.plain)
            self.assertFalse(self.env["citizen.inquiry"]._cron_citizen_retention())
        with freeze_time(datetime(2027, 7, 1)):
            self.env["citizen.inquiry"]._cron_citizen_retention()
            self.assertTrue(recent.is_anonymised)

    def test_service_without_retention_is_kept(self):
        self.service.retention_months = 0
        with freeze_time("2030-01-01"):
            self.assertFalse(
                self.env["citizen.inquiry"]._citizen_retention_candidates()
            )

    # ------------------------------------------------------------
    # Record of processing (art. 30)
    # ------------------------------------------------------------

    @users("privacy_officer")
    def test_record_of_processing(self):
        company = self.env.company
        record = company._citizen_record_of_processing()
        service = next(s for s in record["services"] if s["name"] == "Building permit")
        self.assertEqual(
            service["legal_basis"], "GDPR art. 6(1)(e); plan- og bygningsloven § 20-1"
        )
        self.assertEqual(service["retention"], "12 months after closing")
        action = company.action_citizen_record_of_processing()
        self.assertEqual(
            action["report_name"], "citizen_crm.citizen_record_of_processing_document"
        )
        report = self.env["ir.actions.report"].sudo()
        html = report._render_qweb_html(
            "citizen_crm.citizen_record_of_processing_report", company.ids
        )[0].decode()
        self.assertIn("plan- og bygningsloven § 20-1", html)
        pdf = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            "citizen_crm.citizen_record_of_processing_report", company.ids
        )[0]
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertIn(
            "plan- og bygningsloven", company._citizen_record_of_processing_json()
        )


@tagged("post_install", "-at_install")
class TestGdprAccessDisclosure(CitizenPrivacyCommon):
    """The access report gives the citizen their own data: not internal notes,
    not the staff who handled them, not who reported them."""

    STAFF_IP = "10.44.12.7"
    INTERNAL_BASIS = "forvaltningsloven § 18 a"
    STAFF_BASIS = "C-579/21"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.handler = new_test_user(
            cls.env,
            "gdpr_handler",
            groups="citizen_crm.group_caseworker",
            name="Siri Saksbehandler",
            email="siri.saksbehandler@kommune.example",
        )
        cls.queue.member_ids |= cls.handler
        cls.reporter = cls.env["res.partner"].create(
            {
                "name": "Nina Nabo",
                "street": "Naboveien 3",
                "email": "nina.nabo@naboer.example",
                "phone": "+47 987 65 432",
            }
        )
        cls.basis = cls.env.ref("citizen_crm.screening_basis_offl13_bvl13_1")
        Inquiry = cls.env["citizen.inquiry"].with_context(mail_notrack=False)
        cls.own = Inquiry.create(
            {"partner_id": cls.plain.id, "name": "Parking permit for Storgata"}
        )
        cls.own.message_post(
            body="I need the permit before May, Ola",
            message_type="email",
            subtype_xmlid="mail.mt_comment",
            author_id=cls.plain.id,
            email_from="Ola Åpen <ola@open.example>",
        )
        own_as_handler = cls.own.with_user(cls.handler)
        own_as_handler.message_post(
            body="Internal assessment: Ola exaggerates, check with the neighbour",
            subtype_xmlid="mail.mt_note",
        )
        own_as_handler.message_post(
            body="Your parking permit is ready at the front desk.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=cls.plain.ids,
        )
        cls.own.write({"user_id": cls.handler.id})
        # A concern report about Ola's family by a neighbour (confidential).
        cls.concern = Inquiry.create(
            {
                "partner_id": cls.plain.id,
                "partner_name": "Nina Nabo",
                "partner_email": "nina.nabo@naboer.example",
                "partner_phone": "+47 987 65 432",
                "name": "Concern report from Nina Nabo",
                "screened_words": "Nina Nabo",
                "description": "<p>Nina Nabo, Naboveien 3, is worried about "
                "the children.</p>",
                "screening_basis_id": cls.basis.id,
            }
        )
        cls.concern.message_post(
            body="More details from Naboveien 3: they shout every night.",
            message_type="email",
            subtype_xmlid="mail.mt_comment",
            author_id=cls.reporter.id,
            email_from="Nina Nabo <nina.nabo@naboer.example>",
        )
        cls.concern.with_user(cls.handler).message_post(
            body="Thank you, Nina Nabo, we follow it up.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=cls.reporter.ids,
        )
        cls.concern.with_user(cls.handler).message_post(
            body="We have received a concern about your family and invite you "
            "to a meeting.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=cls.plain.ids,
        )
        # A read of the citizen from the handler's workstation, as the audit
        # trail records it during a web request.
        cls.env["citizen.audit.log"].sudo().create(
            {
                "action": "view",
                "user_id": cls.handler.id,
                "res_model": "res.partner",
                "res_id": cls.plain.id,
                "partner_id": cls.plain.id,
                "remote_addr": cls.STAFF_IP,
                "description": "Citizen viewed",
            }
        )
        cls.env.flush_all()
        cls.cr.flush()

    def _report(self):
        """The report as the privacy officer produces it: the PDF and JSON of
        the processed request, and the same document as HTML."""
        request = (
            self.env["citizen.gdpr.request"]
            .with_user(self.officer)
            .create({"partner_id": self.plain.id, "request_type": "access"})
        )
        request.with_context(force_report_rendering=True).action_process()
        self.assertTrue(
            base64.b64decode(request.pdf_attachment_id.datas).startswith(b"%PDF")
        )
        data = json.loads(base64.b64decode(request.json_attachment_id.datas))
        html = (
            self.env["ir.actions.report"]
            .with_user(self.officer)
            ._render_qweb_html("citizen_crm.citizen_gdpr_access_report", request.ids)[0]
            .decode()
        )
        return data, html

    def _withheld(self, data):
        return {(w["what"], w["basis"], w["inquiry"]) for w in data["withheld"]}

    def test_attack_access_report_shows_no_internal_notes_or_staff(self):
        data, html = self._report()
        for text in (json.dumps(data, ensure_ascii=False), html):
            self.assertNotIn("Internal assessment", text)
            self.assertNotIn("Siri Saksbehandler", text)
            self.assertNotIn("siri.saksbehandler", text)
            self.assertNotIn(self.STAFF_IP, text)
            # What the citizen wrote and was sent is theirs.
            self.assertIn("I need the permit before May", text)
            self.assertIn("Your parking permit is ready", text)
            self.assertIn("Information withheld", html)
        withheld = self._withheld(data)
        self.assertTrue(
            any(
                what == "Internal notes and documents"
                and self.INTERNAL_BASIS in basis
                and where == self.own.number
                for what, basis, where in withheld
            ),
            "the internal note is listed as withheld, with its basis",
        )
        self.assertTrue(
            any(self.STAFF_BASIS in basis for _what, basis, _where in withheld),
            "the staff's identities are listed as withheld",
        )
        self.assertIn(self.INTERNAL_BASIS, html)
        self.assertIn(self.STAFF_BASIS, html)

    def test_attack_access_report_shows_no_reporter(self):
        data, html = self._report()
        for text in (json.dumps(data, ensure_ascii=False), html):
            for secret in (
                "Nina Nabo",
                "Naboveien",
                "nina.nabo@naboer.example",
                "987 65 432",
                "they shout every night",
            ):
                self.assertNotIn(secret, text)
            # The inquiry itself and what was sent to the citizen are theirs.
            self.assertIn(self.concern.number, text)
            self.assertIn("invite you to a meeting", text)
        concern = next(
            i for i in data["inquiries"] if i["number"] == self.concern.number
        )
        self.assertEqual(concern["subject"], self.concern.public_title)
        self.assertFalse(concern["contact_name"] or concern["description"])
        bases = {
            basis
            for _what, basis, where in self._withheld(data)
            if where == self.concern.number
        }
        self.assertIn(self.basis.code, bases)
        self.assertIn(self.basis.code, html)

    def test_attack_access_report_read_of_confidential_inquiry_is_audited(self):
        Audit = self.env["citizen.audit.log"]
        before = Audit.search([], order="id desc", limit=1).id
        self._report()
        reads = Audit.search(
            [
                ("id", ">", before),
                ("action", "=", "view"),
                ("res_model", "=", "citizen.inquiry"),
                ("res_id", "=", self.concern.id),
                ("user_id", "=", self.officer.id),
            ]
        )
        self.assertTrue(reads, "the officer's read of the confidential inquiry")
        self.assertEqual(
            set(reads.mapped("description")), {"Confidential inquiry viewed"}
        )
        self.assertFalse(
            Audit.search(
                [
                    ("id", ">", before),
                    ("res_model", "=", "citizen.inquiry"),
                    ("res_id", "=", self.own.id),
                ]
            ),
            "ordinary inquiries are not logged as confidential reads",
        )
