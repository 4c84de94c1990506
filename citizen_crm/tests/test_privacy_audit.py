from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from .common import CitizenPrivacyCommon


@tagged("post_install", "-at_install")
class TestAuditTrail(CitizenPrivacyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.entry = cls.env["citizen.audit.log"]._citizen_log(
            "view",
            cls.protected,
            field_names=["street"],
            description="Protected citizen viewed",
        )

    def test_nobody_modifies_or_deletes_entries(self):
        admin = self.env.ref("base.user_admin")
        for env in (
            self.env,
            self.env(su=True),
            self.env(user=admin),
            self.env(user=self.officer),
            self.env(user=self.supervisor),
        ):
            entry = self.entry.with_env(env)
            with self.assertRaises(AccessError):
                entry.write({"description": "tampered"})
            with self.assertRaises(AccessError):
                entry.unlink()
        self.assertEqual(self.entry.description, "Protected citizen viewed")

    @users(
        "privacy_frontdesk",
        "privacy_caseworker",
        "privacy_officer",
        "privacy_supervisor",
    )
    def test_nobody_creates_entries_directly(self):
        with self.assertRaises(AccessError):
            self.env["citizen.audit.log"].create({"action": "view"})

    @users("privacy_frontdesk", "privacy_caseworker")
    def test_staff_cannot_read_the_trail(self):
        with self.assertRaises(AccessError):
            self.env["citizen.audit.log"].search([])

    @users("privacy_officer", "privacy_supervisor")
    def test_officer_and_supervisor_read_the_trail(self):
        entries = self.env["citizen.audit.log"].search([("id", "=", self.entry.id)])
        self.assertEqual(entries.user_id, self.env.ref("base.user_root"))
        self.assertEqual(entries.partner_id, self.protected)

    def test_deleting_a_citizen_keeps_the_entry(self):
        partner = self.env["res.partner"].create(
            {"name": "Short Lived", "is_citizen": True}
        )
        entry = self.env["citizen.audit.log"]._citizen_log("view", partner)
        partner.unlink()
        self.assertTrue(entry.exists())
        self.assertFalse(entry.partner_id)
