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


@tagged("post_install", "-at_install")
class TestAuditOfLooks(CitizenPrivacyCommon):
    """An entry is a person's deliberate look at a protected citizen (the
    form, their contact fields), worded for the privacy officer: a list of
    citizens is no such look (issue 17)."""

    def _new_entries(self, before):
        return self.env["citizen.audit.log"].sudo().search([("id", ">", before)])

    def _last_id(self):
        last = self.env["citizen.audit.log"].sudo().search([], limit=1, order="id desc")
        return last.id

    @users("privacy_officer")
    def test_officer_list_of_citizens_writes_no_entry(self):
        before = self._last_id()
        Partner = self.env["res.partner"]
        result = Partner.web_search_read(
            [("is_citizen", "=", True)],
            {
                "display_name": {},
                "phone": {},
                "email": {},
                "city": {},
                "country_id": {"fields": {"display_name": {}}},
                "national_id_masked": {},
            },
        )
        self.assertIn(self.protected.id, [r["id"] for r in result["records"]])
        self.assertFalse(self._new_entries(before))

    @users("privacy_officer")
    def test_officer_form_of_a_protected_citizen_writes_one_readable_entry(self):
        before = self._last_id()
        Partner = self.env["res.partner"]
        view = Partner.get_views(
            [(self.env.ref("citizen_crm.res_partner_view_form_citizen").id, "form")]
        )
        fnames = view["models"]["res.partner"]["fields"]
        partner = Partner.browse(self.protected.id)
        partner.web_read({fname: {} for fname in fnames if fname != "id"})
        entries = self._new_entries(before)
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries.partner_id, self.protected)
        self.assertEqual(entries.action, "view")
        labels = entries.field_names.split(",")
        self.assertIn("Street", labels)
        self.assertIn("Address Protection", labels)
        for technical in ("street", "street2", "address_protection", "display_name"):
            self.assertNotIn(technical, labels)
        self.assertNoSecret(entries.read(["description", "field_names"]))

    @users("privacy_officer")
    def test_officer_name_of_a_protected_citizen_in_a_field_writes_no_entry(self):
        before = self._last_id()
        self.env["res.partner"].browse(self.protected.id).web_read({"display_name": {}})
        self.assertFalse(self._new_entries(before))
