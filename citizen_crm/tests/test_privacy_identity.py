from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged, users

from .common import CitizenPrivacyCommon, synthetic_id


@tagged("post_install", "-at_install")
class TestIdentityNumber(CitizenPrivacyCommon):
    @users("privacy_frontdesk", "privacy_caseworker", "privacy_supervisor")
    def test_full_number_unreadable_outside_privacy_officers(self):
        partner = self.env["res.partner"].browse(self.plain.id)
        with self.assertRaises(AccessError):
            partner.read(["national_id"])
        with self.assertRaises(AccessError):
            partner.export_data(["national_id"])
        with self.assertRaises(AccessError):
            self.env["res.partner"]._read_group([], ["national_id"], ["__count"])
        with self.assertRaises(AccessError):
            self.env["res.partner"].search([("national_id", "=like", "0207%")])
        data = partner.read(["national_id_masked", "display_name"])
        self.assertEqual(data[0]["national_id_masked"], self.plain_number[:6] + "*****")
        self.assertNoFullNumber(data, self.plain_number)

    @users("privacy_frontdesk", "privacy_caseworker", "privacy_supervisor")
    def test_form_and_list_show_the_masked_number(self):
        form = Form(self.env["res.partner"].browse(self.plain.id))
        self.assertEqual(form.national_id_masked, self.plain_number[:6] + "*****")
        lists = self.env["res.partner"].web_search_read(
            [("is_citizen", "=", True)], {"display_name": {}, "national_id_masked": {}}
        )
        self.assertNoFullNumber(lists, self.plain_number)
        self.assertNoFullNumber(lists, self.secret_number)

    @users("privacy_frontdesk")
    def test_search_by_full_number_finds_without_revealing(self):
        Partner = self.env["res.partner"]
        results = Partner.name_search(self.plain_number)
        self.assertEqual([r[0] for r in results], [self.plain.id])
        self.assertNoFullNumber(results, self.plain_number)
        found = Partner.web_search_read(
            [("national_id_masked", "=", self.plain_number)],
            {"display_name": {}, "national_id_masked": {}},
        )
        self.assertEqual(found["length"], 1)
        self.assertNoFullNumber(found, self.plain_number)
        # A partial number finds nothing: no enumeration.
        self.assertFalse(
            Partner.search([("national_id_masked", "ilike", self.plain_number[:6])])
        )
        self.assertFalse(Partner.name_search(self.plain_number[:8]))
        # Searching is not logged unless the administrator switches it on.
        self.assertFalse(self._search_entries())

    def _search_entries(self):
        return (
            self.env["citizen.audit.log"]
            .sudo()
            .search([("action", "=", "search"), ("user_id", "=", self.frontdesk.id)])
        )

    def _set_search_logging(self, value):
        admin = self.env.ref("base.user_admin")
        settings = Form(self.env["res.config.settings"].with_user(admin))
        settings.citizen_log_identity_searches = value
        settings.save().execute()

    def test_identity_searches_logged_when_switched_on(self):
        Audit = self.env["citizen.audit.log"].sudo()
        self._set_search_logging(True)
        switch = Audit.search([("action", "=", "change")], limit=1)
        self.assertEqual(
            (switch.user_id, switch.res_model, switch.description),
            (
                self.env.ref("base.user_admin"),
                "res.config.settings",
                "Logging of identity-number searches switched on",
            ),
        )
        Partner = self.env["res.partner"].with_user(self.frontdesk)
        self.assertEqual(
            Partner.search([("national_id_masked", "=", self.plain_number)]), self.plain
        )
        entries = self._search_entries()
        self.assertEqual(entries.partner_id, self.plain)
        self.assertNoFullNumber(entries.read(), self.plain_number)
        # A valid number nobody holds is a lookup too, and logged as one.
        unknown = synthetic_id(date(1971, 11, 30))
        self.assertFalse(Partner.search([("national_id_masked", "=", unknown)]))
        misses = self._search_entries() - entries
        self.assertEqual((len(misses), misses.partner_id), (1, self.env["res.partner"]))
        self.assertNoFullNumber(misses.read(), unknown)
        # Switched off again: logged, and searches are no longer.
        self._set_search_logging(False)
        self.assertEqual(
            Audit.search([("action", "=", "change")], limit=1).description,
            "Logging of identity-number searches switched off",
        )
        self.assertTrue(
            Partner.search([("national_id_masked", "=", self.plain_number)])
        )
        self.assertEqual(self._search_entries(), entries | misses)

    @users("privacy_frontdesk")
    def test_export_of_masked_number(self):
        rows = (
            self.env["res.partner"]
            .browse(self.plain.id)
            .export_data(["name", "national_id_masked"])
        )
        self.assertNoFullNumber(rows, self.plain_number)

    def test_mail_template_cannot_render_the_number(self):
        template = self.env["mail.template"].create(
            {
                "name": "Number leak",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "subject": "{{ object.national_id_masked }}",
                "body_html": "<p><t t-out='object.national_id'/></p>",
            }
        )
        partner = self.plain.with_user(self.frontdesk)
        # The rendering fails on the field access (wrapped in a UserError by
        # the renderer) and the error does not quote the number.
        with self.assertRaisesRegex((AccessError, UserError), "national_id") as caught:
            template.with_user(self.frontdesk)._render_field("body_html", partner.ids)
        self.assertNoFullNumber(str(caught.exception), self.plain_number)
        subject = template.with_user(self.frontdesk)._render_field(
            "subject", partner.ids
        )
        self.assertEqual(subject[self.plain.id], self.plain_number[:6] + "*****")

    def test_tracking_never_holds_the_number(self):
        # Records created in this transaction are not tracked until it commits.
        self.flush_tracking()
        partner = self.plain.with_context(mail_notrack=False, tracking_disable=False)
        new_number = synthetic_id(date(1977, 11, 5))
        # Registering through the masked field (partner managers may write).
        partner.with_user(self.officer).write({"national_id_masked": new_number})
        partner.sudo().write(
            {"national_id": synthetic_id(date(1966, 1, 9)), "name": "Ola Endret"}
        )
        self.flush_tracking()
        values = (
            self.env["mail.tracking.value"]
            .search(
                [
                    ("mail_message_id.model", "=", "res.partner"),
                    ("mail_message_id.res_id", "=", partner.id),
                ]
            )
            .read(["old_value_char", "new_value_char", "field_id"])
        )
        self.assertTrue(values, "the name change is tracked: tracking is on")
        for number in (self.plain_number, new_number, synthetic_id(date(1966, 1, 9))):
            self.assertNoFullNumber(values, number)
            self.assertNoFullNumber(values, number[:6] + "*****")
        changes = self.env["citizen.audit.log"].search(
            [
                ("partner_id", "=", partner.id),
                ("action", "=", "change"),
                ("field_names", "=", "national_id"),
            ]
        )
        self.assertIn(self.officer, changes.user_id)

    @users("privacy_officer")
    def test_officer_sees_the_number_and_is_audited(self):
        partner = self.env["res.partner"].browse(self.plain.id)
        data = partner.read(["national_id"])
        self.assertEqual(data[0]["national_id"], self.plain_number)
        partner.export_data(["name", "national_id"])
        entries = self.env["citizen.audit.log"].search(
            [("partner_id", "=", partner.id), ("user_id", "=", self.officer.id)]
        )
        self.assertEqual(set(entries.mapped("action")), {"view", "export"})
        self.assertNoFullNumber(entries.read(), self.plain_number)


@tagged("post_install", "-at_install")
class TestIdentityNumberWriters(CitizenPrivacyCommon):
    """Registering an identity number is citizen-service work: an employee of
    another department who may edit contacts must not set one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact_editor = new_test_user(
            cls.env,
            "privacy_contact_editor",
            groups="base.group_user,base.group_partner_manager",
        )
        cls.new_number = synthetic_id(date(1977, 11, 5))

    def test_attack_contact_editor_sets_identity_number(self):
        partner = self.plain.with_user(self.contact_editor)
        with self.assertRaisesRegex(AccessError, "citizen service staff"):
            partner.write({"national_id_masked": self.new_number})
        with self.assertRaisesRegex(AccessError, "citizen service staff"):
            partner.write({"national_id_masked": False})
        with self.assertRaisesRegex(AccessError, "citizen service staff"):
            partner.create(
                {"name": "Ny Innbygger", "national_id_masked": self.new_number}
            )
        self.assertEqual(self.plain.national_id, self.plain_number)
        # The masked value sent back unchanged by a form is no change.
        partner.write({"national_id_masked": self.plain_number[:6] + "*****"})
        self.assertEqual(self.plain.national_id, self.plain_number)

    def test_attack_contact_editor_sets_identity_number_in_form(self):
        form = Form(self.plain.with_user(self.contact_editor))
        self.assertEqual(form.national_id_masked, self.plain_number[:6] + "*****")
        with self.assertRaises(AssertionError, msg="the field is read-only"):
            form.national_id_masked = self.new_number
        form.name = "Ola Åpen-Endret"
        form.save()
        self.assertEqual(self.plain.national_id, self.plain_number)

    def test_employee_cannot_set_identity_number(self):
        partner = self.plain.with_user(self.employee)
        with self.assertRaises(AccessError):
            partner.write({"national_id_masked": self.new_number})
        form = Form(partner)
        with self.assertRaises(AssertionError, msg="the field is read-only"):
            form.national_id_masked = self.new_number
        self.assertEqual(self.plain.national_id, self.plain_number)

    def test_citizen_staff_register_identity_numbers(self):
        days = {self.frontdesk: 1, self.caseworker: 2, self.supervisor: 3}
        for user, day in days.items():
            with self.subTest(user=user.login):
                number = synthetic_id(date(1981, 4, day))
                partner = (
                    self.env["res.partner"]
                    .with_user(user)
                    .create({"name": "Ny Innbygger", "national_id_masked": number})
                )
                self.assertEqual(partner.sudo().national_id, number)
                form = Form(partner)
                form.national_id_masked = synthetic_id(date(1982, 5, day))
                form.save()
                self.assertEqual(
                    partner.sudo().national_id, synthetic_id(date(1982, 5, day))
                )
