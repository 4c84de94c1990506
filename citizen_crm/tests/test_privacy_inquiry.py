from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from .common import CitizenPrivacyMailCommon


@tagged("post_install", "-at_install")
class TestConfidentialInquiry(CitizenPrivacyMailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.back_office = cls.env["citizen.queue"].create(
            {"name": "Helse", "code": "HELSE", "member_ids": [(4, cls.caseworker.id)]}
        )
        cls.basis = cls.env.ref("citizen_crm.screening_basis_offl13_hpl21")
        cls.inquiry = cls.env["citizen.inquiry"].create(
            {
                "partner_id": cls.plain.id,
                "name": "Rusbehandling for Ola Åpen",
                "screened_words": "Rusbehandling\nOla Åpen",
                "screening_basis_id": cls.basis.id,
                "queue_id": cls.back_office.id,
            }
        )

    def test_public_title_screens_words(self):
        self.assertTrue(
            self.inquiry.is_confidential, "a screening basis makes it confidential"
        )
        self.assertEqual(self.inquiry.public_title, "****** for ******")
        self.assertEqual(
            self.inquiry.display_name, f"{self.inquiry.number} ****** for ******"
        )
        self.assertEqual(self.inquiry._citizen_public_title(), "****** for ******")
        # Without listed words a confidential subject is screened whole.
        other = self.env["citizen.inquiry"].create(
            {
                "name": "Barnevern",
                "is_confidential": True,
                "queue_id": self.back_office.id,
            }
        )
        self.assertEqual(other.public_title, "******")
        plain = self.env["citizen.inquiry"].create({"name": "Snow clearing"})
        self.assertEqual(plain._citizen_public_title(), "Snow clearing")
        self.assertEqual(self.basis.code, "offl. § 13 jf. helsepersonelloven § 21")

    @users("privacy_officer")
    def test_privacy_officer_has_no_inquiry_access(self):
        with self.assertRaises(AccessError):
            self.env["citizen.inquiry"].search([])

    @users("privacy_frontdesk")
    def test_outsiders_see_nothing(self):
        Inquiry = self.env["citizen.inquiry"]
        self.assertFalse(Inquiry.search([("id", "=", self.inquiry.id)]))
        self.assertFalse(Inquiry.name_search("Rusbehandling"))
        with self.assertRaises(AccessError):
            Inquiry.browse(self.inquiry.id).read(["name"])
        self.assertFalse(
            self.env["mail.message"].search(
                [("model", "=", "citizen.inquiry"), ("res_id", "=", self.inquiry.id)]
            )
        )

    @users("privacy_caseworker", "privacy_supervisor")
    def test_handling_queue_and_supervisor_reads_are_audited(self):
        inquiry = self.env["citizen.inquiry"].browse(self.inquiry.id)
        self.assertEqual(
            inquiry.read(["name"])[0]["name"], "Rusbehandling for Ola Åpen"
        )
        entries = (
            self.env["citizen.audit.log"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "citizen.inquiry"),
                    ("res_id", "=", inquiry.id),
                    ("action", "=", "view"),
                    ("user_id", "=", self.env.uid),
                ]
            )
        )
        self.assertTrue(entries)
        self.assertNotIn("Rusbehandling", entries.description or "")

    def test_mail_subject_uses_public_title(self):
        self.inquiry.message_subscribe(partner_ids=self.supervisor.partner_id.ids)
        with self.mock_mail_gateway():
            self.inquiry.with_user(self.caseworker).message_post(
                body="Update",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.supervisor.partner_id.ids,
            )
        self.assertTrue(self._mails)
        for mail in self._mails:
            self.assertNotIn("Rusbehandling", mail["subject"])
        message = self.inquiry.message_ids[:1]
        self.assertNotIn("Rusbehandling", message.record_name or "")

    @users("privacy_supervisor")
    def test_export_of_confidential_inquiry_is_audited(self):
        self.env["citizen.inquiry"].browse(self.inquiry.id).export_data(
            ["number", "name"]
        )
        self.assertTrue(
            self.env["citizen.audit.log"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "citizen.inquiry"),
                    ("res_id", "=", self.inquiry.id),
                    ("action", "=", "export"),
                ]
            )
        )

    def test_attack_frontdesk_reads_confidential_case_title(self):
        """A front-desk user looks up the archive case of a confidential
        inquiry: its title names the treatment and the citizen."""
        case = self.env["citizen.case"].create(
            {
                "name": "2026/4242",
                "title": "Rusbehandling for Ola Åpen",
                "partner_id": self.plain.id,
            }
        )
        self.inquiry.case_id = case
        # An open inquiry of the same case, which the front desk reads.
        open_inquiry = self.env["citizen.inquiry"].create(
            {"name": "Bostøtte", "partner_id": self.plain.id, "case_id": case.id}
        )
        Case = self.env["citizen.case"].with_user(self.frontdesk)
        self.assertFalse(Case.search([("title", "ilike", "Rusbehandling")]))
        self.assertFalse(Case.name_search("Rusbehandling"))
        self.assertFalse(Case.search_read([("name", "=", "2026/4242")], ["title"]))
        with self.assertRaises(AccessError):
            case.with_user(self.frontdesk).read(["title"])
        shown = open_inquiry.with_user(self.frontdesk).web_read(
            {"case_id": {"fields": {"display_name": {}}}}
        )
        self.assertEqual(
            shown[0]["case_id"]["display_name"], "2026/4242 ****** for ******"
        )
        # The handling queue and the supervisors open the case.
        for user in (self.caseworker, self.supervisor):
            self.assertEqual(
                case.with_user(user).read(["title"])[0]["title"],
                "Rusbehandling for Ola Åpen",
            )
