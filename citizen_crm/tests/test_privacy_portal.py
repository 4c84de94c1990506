from odoo.exceptions import AccessError
from odoo.http import Request
from odoo.tests import HttpCase, tagged

from .common import CitizenPrivacyCommon


@tagged("post_install", "-at_install")
class TestPortalPrivacy(HttpCase, CitizenPrivacyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.protected_user = cls._new_portal_user(cls.protected, "kari_portal")
        cls.plain_user = cls._new_portal_user(cls.plain, "ola_portal")

    def test_portal_user_reads_no_identity_number(self):
        for user in (self.protected_user, self.plain_user):
            partner = user.partner_id.with_user(user)
            with self.assertRaises(AccessError):
                partner.read(["national_id"])
            with self.assertRaises(AccessError):
                partner.read(["national_id_masked"])
            with self.assertRaises(AccessError):
                partner.read(["birthdate"])
            with self.assertRaises(AccessError):
                partner.read(["address_protection"])

    def test_portal_user_reads_no_other_citizen(self):
        Partner = self.env["res.partner"].with_user(self.plain_user)
        self.assertFalse(Partner.search([("id", "=", self.protected.id)]))
        with self.assertRaises(AccessError):
            Partner.browse(self.protected.id).read(["name", "street"])
        self.assertNoSecret(
            Partner.search_read([], ["name", "street", "email", "phone"])
        )

    def test_protected_citizen_own_record_holds_nothing(self):
        partner = self.protected.with_user(self.protected_user)
        self.assertNoSecret(
            partner.read(
                ["street", "street2", "zip", "city", "phone", "email", "parent_id"]
            )
        )

    def test_my_account_page_shows_no_protected_data(self):
        self.authenticate("kari_portal", "kari_portal")
        response = self.url_open("/my/account")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Kari Skjult", response.text, "the page is the citizen's own")
        self.assertNoSecret(response.text)
        response = self.url_open("/my")
        self.assertEqual(response.status_code, 200)
        self.assertNoSecret(response.text)

    def test_my_account_update_goes_to_the_vault(self):
        self.authenticate("kari_portal", "kari_portal")
        response = self.url_open(
            "/my/address/submit",
            data={
                "name": "Kari Skjult",
                "email": "kari.moved@secret.example",
                "phone": "+47 977 77 777",
                "street": "Nyveien 99",
                "city": "Flyttby",
                "zipcode": "9999",
                "country_id": str(self.norway.id),
                "partner_id": str(self.protected.id),
                "csrf_token": Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertNoSecret(response.text, ["Nyveien", "kari.moved", "977 77 777"])
        self.env.invalidate_all()
        self.assertFalse(self.protected.street)
        self.assertFalse(self.protected.email)
        vault = self.env["citizen.protected.contact"].search(
            [("partner_id", "=", self.protected.id)]
        )
        self.assertEqual(vault.street, "Nyveien 99")
        self.assertEqual(vault.email, "kari.moved@secret.example")
        # The page shown afterwards still holds nothing.
        self.assertNoSecret(
            self.url_open("/my/account").text, ["Nyveien", "kari.moved", "977 77 777"]
        )
