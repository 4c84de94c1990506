from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from .common import CitizenPrivacyCommon

CONTACT_FIELDS = [
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "phone",
    "email",
    "parent_id",
    "child_ids",
    "contact_address",
    "email_formatted",
    "display_name",
]


@tagged("post_install", "-at_install")
class TestAddressProtection(CitizenPrivacyCommon):
    def _protected_ids(self):
        return (self.protected | self.confidential_citizen).ids

    @users("privacy_frontdesk", "privacy_caseworker", "privacy_supervisor")
    def test_read_and_web_read_hide_contact_data(self):
        partners = self.env["res.partner"].browse(self._protected_ids())
        self.assertNoSecret(partners.read(CONTACT_FIELDS))
        spec = {name: {} for name in CONTACT_FIELDS if name != "child_ids"}
        spec["parent_id"] = {"fields": {"display_name": {}}}
        self.assertNoSecret(partners.web_read(spec))
        self.assertFalse(partners.parent_id)
        self.assertTrue(all(partners.mapped("citizen_contact_restricted")))

    @users("privacy_frontdesk", "privacy_caseworker", "privacy_supervisor")
    def test_protection_level_is_hidden(self):
        partner = self.env["res.partner"].browse(self.protected.id)
        with self.assertRaises(AccessError):
            partner.read(["address_protection"])
        with self.assertRaises(AccessError):
            self.env["res.partner"].search(
                [("address_protection", "=", "strengt_fortrolig")]
            )
        with self.assertRaises(AccessError):
            self.env["res.partner"]._read_group([], ["address_protection"], ["__count"])
        with self.assertRaises(AccessError):
            partner.export_data(["address_protection"])
        self.assertNotIn("address_protection", self.env["res.partner"].fields_get())
        # The form view for these users does not carry the field either.
        arch = self.env["res.partner"].get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        self.assertNotIn('name="address_protection"', arch)
        self.assertNotIn('name="citizen_contact_via_officer"', arch)

    @users("privacy_frontdesk", "privacy_caseworker", "privacy_supervisor")
    def test_search_and_name_search_do_not_match_protected_data(self):
        Partner = self.env["res.partner"]
        for domain in (
            [("email", "=", "kari.skjult@secret.example")],
            [("email", "ilike", "secret.example")],
            [("phone", "ilike", "912 34 567")],
            [("street", "ilike", "Hemmelig")],
            [("city", "=", "Stengtby")],
            [("zip", "=", "9911")],
            [("parent_id", "=", self.employer.id)],
        ):
            self.assertFalse(Partner.search(domain), domain)
        self.assertFalse(Partner.name_search("kari.skjult@secret.example"))
        self.assertFalse(
            Partner.with_context(citizen_search=True).name_search("+47 912 34 567")
        )
        self.assertNotIn(self.protected, Partner.browse(self.employer.id).child_ids)
        # The citizen is still found by name: the desk must be able to help them.
        self.assertIn(
            self.protected.id, [r[0] for r in Partner.name_search("Kari Skjult")]
        )

    @users("privacy_frontdesk", "privacy_supervisor")
    def test_read_group_does_not_count_protected_data(self):
        groups = self.env["res.partner"].formatted_read_group(
            [("is_citizen", "=", True)], ["city"], ["__count"]
        )
        self.assertNoSecret(groups)
        by_city = {g["city"]: g["__count"] for g in groups}
        self.assertEqual(
            by_city.get("Skjulestad"), 1, "only the unprotected citizen lives there"
        )

    @users("privacy_frontdesk", "privacy_supervisor", "privacy_officer")
    def test_export_excludes_protected_data(self):
        partners = self.env["res.partner"].browse(self._protected_ids())
        rows = partners.export_data(
            [
                "name",
                "street",
                "street2",
                "zip",
                "city",
                "phone",
                "email",
                "parent_id/name",
                "contact_address",
            ]
        )
        self.assertNoSecret(rows)

    @users("privacy_frontdesk", "privacy_supervisor")
    def test_display_name_with_address_or_email(self):
        partner = self.env["res.partner"].browse(self.protected.id)
        for context in (
            {"show_address": True},
            {"show_email": True},
            {"formatted_display_name": True, "show_email": True},
        ):
            self.assertNoSecret(partner.with_context(**context).display_name)

    def test_sudo_reads_hold_nothing(self):
        """The portal and other code reading partners with sudo cannot leak."""
        partner = self.protected.sudo()
        self.assertNoSecret(partner.read(CONTACT_FIELDS))
        self.assertNoSecret(partner.with_context(show_address=True).display_name)
        self.assertTrue(partner._citizen_is_protected())
        values = partner._citizen_public_contact_values()
        self.assertTrue(values["contact_restricted"])
        self.assertNoSecret(values)
        self.assertFalse(self.plain._citizen_is_protected())
        self.assertEqual(
            self.plain._citizen_public_contact_values()["city"], "Skjulestad"
        )

    def test_chatter_tracking_holds_no_old_address(self):
        """The e-mail and phone were tracked before the protection applied:
        the history goes too, and later changes are not tracked."""
        # Records created in this transaction are not tracked until it commits.
        self.flush_tracking()
        partner = self.plain.with_context(mail_notrack=False, tracking_disable=False)
        partner.write({"email": "ola.new@secret.example", "phone": "+47 955 55 555"})
        self.flush_tracking()
        self.assertTrue(
            self.env["mail.tracking.value"].search_count(
                [
                    ("mail_message_id.model", "=", "res.partner"),
                    ("mail_message_id.res_id", "=", partner.id),
                ]
            ),
            "tracking is on before the protection",
        )
        partner.sudo().address_protection = "fortrolig"
        partner.write({"email": "ola.newest@secret.example", "name": "Ola Lukket"})
        self.flush_tracking()
        tracking = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "res.partner"),
                ("mail_message_id.res_id", "=", partner.id),
            ]
        )
        values = tracking.read(["old_value_char", "new_value_char"])
        self.assertIn("Ola Lukket", str(values), "the name change is still tracked")
        self.assertNoSecret(
            values,
            [
                "ola.new@secret.example",
                "955 55 555",
                "ola.newest@secret.example",
                "ola@open.example",
            ],
        )

    def test_copies_on_inquiries_are_cleared(self):
        inquiry = self.env["citizen.inquiry"].create(
            {"partner_id": self.plain.id, "name": "Water bill"}
        )
        self.assertEqual(inquiry.partner_email, "ola@open.example")
        self.plain.address_protection = "strengt_fortrolig"
        self.assertFalse(inquiry.partner_email)
        self.assertFalse(inquiry.partner_phone)
        # New inquiries never copy anything either, even when typed in.
        inquiry2 = self.env["citizen.inquiry"].create(
            {
                "partner_id": self.protected.id,
                "name": "Parking",
                "partner_email": "kari.skjult@secret.example",
            }
        )
        self.assertFalse(inquiry2.partner_email)

    @users("privacy_employee")
    def test_update_without_write_access_is_refused(self):
        partner = self.env["res.partner"].browse(self.protected.id)
        with self.assertRaises(AccessError):
            partner.write({"phone": "+47 999 88 777"})

    @users("privacy_clerk")
    def test_update_by_contact_editor_goes_to_the_vault(self):
        partner = self.env["res.partner"].browse(self.protected.id)
        partner.write({"phone": "+47 999 88 777", "city": "Nyby"})
        self.assertFalse(partner.phone)
        self.assertFalse(partner.city)
        with self.assertRaises(AccessError):
            self.env["citizen.protected.contact"].search([]).read(["phone"])
        vault = (
            self.env["citizen.protected.contact"]
            .sudo()
            .search([("partner_id", "=", partner.id)])
        )
        self.assertEqual(vault.phone, "+47 999 88 777")
        self.assertEqual(vault.city, "Nyby")
        audit = (
            self.env["citizen.audit.log"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("action", "=", "change"),
                    ("user_id", "=", self.env.uid),
                ]
            )
        )
        self.assertTrue(audit)

    @users("privacy_frontdesk")
    def test_frontdesk_cannot_reach_the_vault(self):
        with self.assertRaises(AccessError):
            self.env["citizen.protected.contact"].search([])
        partner = self.env["res.partner"].browse(self.protected.id)
        with self.assertRaises(AccessError):
            partner.read(["citizen_protected_contact_ids"])
        with self.assertRaises(AccessError):
            partner.action_open_citizen_protected_contact()

    @users("privacy_officer")
    def test_officer_reads_vault_and_is_audited(self):
        Audit = self.env["citizen.audit.log"]
        partner = self.env["res.partner"].browse(self.protected.id)
        self.assertEqual(partner.address_protection, "strengt_fortrolig")
        before = Audit.search_count(
            [("partner_id", "=", partner.id), ("action", "=", "view")]
        )
        partner.web_read({"name": {}, "address_protection": {}})
        action = partner.action_open_citizen_protected_contact()
        vault = self.env["citizen.protected.contact"].browse(action["res_id"])
        data = vault.web_read({"street": {}, "email": {}, "parent_id": {}})[0]
        self.assertEqual(data["street"], "Hemmeligveien 7")
        self.assertEqual(data["email"], "kari.skjult@secret.example")
        self.assertEqual(data["parent_id"], self.employer.id)
        after = Audit.search([("partner_id", "=", partner.id), ("action", "=", "view")])
        self.assertGreaterEqual(len(after) - before, 2)
        self.assertEqual(after[0].user_id, self.officer)
        self.assertNoSecret(after.read(["description", "field_names"]))

    def test_lifting_protection_restores_data(self):
        self.confidential_citizen.address_protection = "ugradert"
        self.assertEqual(self.confidential_citizen.street, "Lukketgata 3")
        self.assertEqual(
            self.confidential_citizen.email, "per.fortrolig@secret.example"
        )
        self.assertFalse(self.confidential_citizen.citizen_contact_restricted)
        self.assertFalse(
            self.env["citizen.protected.contact"].search(
                [("partner_id", "=", self.confidential_citizen.id)]
            )
        )

    def test_restriction_by_hand(self):
        self.plain.citizen_contact_via_officer = True
        self.assertTrue(self.plain.citizen_contact_restricted)
        self.assertFalse(self.plain.street)
        self.assertFalse(self.plain.email)

    def test_children_are_detached(self):
        child = self.env["res.partner"].create(
            {"name": "Lille Skjult", "parent_id": self.plain.id, "type": "contact"}
        )
        self.plain.address_protection = "fortrolig"
        self.assertFalse(child.parent_id)
        self.assertFalse(child.street, "the synced address went with the parent's")
        vault = self.env["citizen.protected.contact"].search(
            [("partner_id", "=", self.plain.id)]
        )
        self.assertIn(child, vault.child_ids)
