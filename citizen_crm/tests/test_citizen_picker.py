"""The citizen picker and the citizen at the desk (issue 17, item 4): who the
Citizen field offers and how it names them, what an identity number typed
into it does, what the counter form shows about the citizen picked and what
it refuses, and the citizen form the Citizens menu opens."""

import datetime

from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import FRONTDESK, CitizenPrivacyCommon, synthetic_id

COUNTER_VIEW = "citizen_crm.citizen_inquiry_view_form_counter"
INQUIRY_VIEW = "citizen_crm.citizen_inquiry_view_form"
CITIZEN_VIEW = "citizen_crm.res_partner_view_form_citizen"


class CitizenPickerCommon(CitizenPrivacyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.desk = cls._new_user("picker_desk", f"base.group_user,{FRONTDESK}")
        cls.queue.member_ids |= cls.desk
        Partner = cls.env["res.partner"]
        cls.kari_oslo = Partner.create(
            {
                "name": "Kari Nordmann",
                "is_citizen": True,
                "national_id": synthetic_id(datetime.date(1985, 3, 12)),
                "street": "Storgata 1",
                "zip": "0150",
                "city": "Oslo",
                "lang": "en_US",
                "preferred_channel_id": cls.channel_phone.id,
            }
        )
        cls.kari_bergen = Partner.create(
            {
                "name": "Kari Nordmann",
                "is_citizen": True,
                "national_id": synthetic_id(datetime.date(1971, 11, 2)),
                "street": "Bryggen 4",
                "zip": "5003",
                "city": "Bergen",
            }
        )
        cls.open_inquiry = cls.env["citizen.inquiry"].create(
            {
                "name": "Eiendomsskatt",
                "partner_id": cls.kari_oslo.id,
                "queue_id": cls.queue.id,
            }
        )

    def _picker(self, user=None):
        """res.partner as the Citizen field of the counter form asks it: as
        the user, with the field's context and domain."""
        arch = etree.fromstring(self.env.ref(COUNTER_VIEW).arch)
        node = arch.xpath("//field[@name='partner_id']")[0]
        context = safe_eval(node.get("context"))
        self.assertTrue(context.get("citizen_picker"))
        field = self.env["citizen.inquiry"]._fields["partner_id"]
        domain = field._internal_description_domain_raw(self.env)
        Partner = self.env["res.partner"].with_user(user or self.desk)
        return Partner.with_context(**context), domain

    def _search(self, text, user=None):
        Partner, domain = self._picker(user)
        return Partner.web_name_search(text, {"display_name": {}}, domain=domain)

    def _counter_form(self, action="citizen_crm.citizen_inquiry_action_counter"):
        context = safe_eval(self.env.ref(action).context or "{}")
        Inquiry = self.env["citizen.inquiry"].with_user(self.desk)
        return Form(Inquiry.with_context(**context), view=COUNTER_VIEW)


@tagged("post_install", "-at_install")
class TestCitizenPicker(CitizenPickerCommon):
    def test_namesakes_are_told_apart(self):
        found = {r["id"]: r for r in self._search("Kari Nordmann")}
        self.assertIn(self.kari_oslo.id, found)
        self.assertIn(self.kari_bergen.id, found)
        oslo, bergen = found[self.kari_oslo.id], found[self.kari_bergen.id]
        self.assertNotEqual(oslo["display_name"], bergen["display_name"])
        self.assertIn("12", oslo["display_name"])
        self.assertIn("1985", oslo["display_name"])
        # the dropdown's line adds the address
        self.assertIn("Storgata 1, 0150 Oslo", oslo["__formatted_display_name"])
        self.assertIn("Bryggen 4", bergen["__formatted_display_name"])

    def test_the_picked_citizen_keeps_the_birth_date(self):
        form = self._counter_form()
        form.partner_id = self.kari_bergen
        inquiry = form.save()
        name = inquiry.partner_id.with_context(citizen_picker=True).display_name
        self.assertIn("1971", name)
        # elsewhere the partner is named as always
        self.assertEqual(inquiry.partner_id.display_name, "Kari Nordmann")

    def test_protected_citizen_shows_no_address_only_the_restriction(self):
        found = self._search("Kari Skjult")
        self.assertEqual([r["id"] for r in found], [self.protected.id])
        self.assertIn(
            "Contact via privacy officer", found[0]["__formatted_display_name"]
        )
        self.assertNoSecret(found)

    def test_identity_number_finds_its_holder(self):
        found = self._search(self.plain_number)
        self.assertEqual([r["id"] for r in found], [self.plain.id])
        spaced = f"{self.plain_number[:6]} {self.plain_number[6:]}"
        self.assertEqual([r["id"] for r in self._search(spaced)], [self.plain.id])

    def test_attack_identity_number_finds_nobody_for_other_employees(self):
        self.assertFalse(self._search(self.plain_number, user=self.employee))

    def test_staff_and_municipalities_are_not_offered(self):
        ids = {r["id"] for r in self._search(self.caseworker.name)}
        self.assertNotIn(self.caseworker.partner_id.id, ids)
        ids = {r["id"] for r in self._search(self.env.company.partner_id.name)}
        self.assertNotIn(self.env.company.partner_id.id, ids)
        # a citizen with a portal account is still a citizen
        portal = self._new_portal_user(self.plain, "picker_portal")
        ids = {r["id"] for r in self._search("Ola Åpen")}
        self.assertIn(portal.partner_id.id, ids)

    def test_quick_create_refuses_an_identity_number(self):
        Partner, _domain = self._picker()
        with self.assertRaisesRegex(UserError, "identity number is not a name"):
            Partner.name_create("02917917240")
        with self.assertRaises(UserError):
            Partner.name_create("029179 17240")
        self.assertFalse(
            self.env["res.partner"].search([("name", "like", "02917917240")])
        )
        # names stay names
        partner_id, _name = Partner.name_create("Per Hansen")
        self.assertTrue(partner_id)

    def test_the_forms_do_not_quick_create_citizens(self):
        for view in (COUNTER_VIEW, INQUIRY_VIEW):
            arch = etree.fromstring(self.env.ref(view).arch)
            node = arch.xpath("//field[@name='partner_id']")[0]
            options = safe_eval(node.get("options"))
            self.assertTrue(options.get("no_quick_create"), view)
            context = safe_eval(node.get("context"))
            self.assertTrue(context.get("citizen_picker"), view)
            # "Create and edit..." and the link open the citizen form
            Partner = self.env["res.partner"].with_user(self.desk)
            views = Partner.with_context(**context).get_views([(False, "form")])
            self.assertEqual(
                views["views"]["form"]["id"], self.env.ref(CITIZEN_VIEW).id
            )

    def test_create_and_edit_with_a_number_registers_it_as_the_number(self):
        # "Create and edit..." opens the citizen form with what was typed as
        # its default name
        Partner, _domain = self._picker()
        number = synthetic_id(datetime.date(1999, 5, 17))
        form = Form(
            Partner.with_context(default_name=f"{number[:6]} {number[6:]}"),
            view=CITIZEN_VIEW,
        )
        self.assertFalse(form.name)
        self.assertEqual(form.national_id_masked, number)
        form.name = "Nils Ny"
        partner = form.save()
        self.assertEqual(partner.name, "Nils Ny")
        self.assertEqual(partner.sudo().national_id, number)


@tagged("post_install", "-at_install")
class TestCitizenAtTheCounter(CitizenPickerCommon):
    def test_the_form_shows_what_the_desk_needs_about_the_citizen(self):
        form = self._counter_form()
        form.partner_id = self.kari_oslo
        self.assertEqual(form.partner_open_inquiry_count, 1)
        self.assertEqual(form.partner_open_inquiry_ids[0], self.open_inquiry)
        self.assertEqual(form.partner_preferred_channel_id, self.channel_phone)
        self.assertEqual(form.partner_lang, "en_US")
        self.assertFalse(form.partner_contact_restricted)
        form.name = "Nytt spørsmål"
        inquiry = form.save()
        # the inquiry itself is not among the citizen's *other* inquiries
        self.assertEqual(inquiry.partner_open_inquiry_ids, self.open_inquiry)
        action = inquiry.action_open_partner_open_inquiries()
        self.assertEqual(action["domain"], [("partner_id", "=", self.kari_oslo.id)])
        self.assertTrue(action["context"]["search_default_filter_open"])

    def test_protected_citizen_is_flagged_without_the_address(self):
        form = self._counter_form()
        form.partner_id = self.protected
        self.assertTrue(form.partner_contact_restricted)
        form.name = "Spørsmål"
        inquiry = form.save()
        self.assertNoSecret(
            inquiry.with_user(self.desk).web_read(
                {
                    "partner_id": {"fields": {"display_name": {}}},
                    "partner_email": {},
                    "partner_phone": {},
                    "partner_contact_restricted": {},
                }
            )
        )

    def test_attack_confidential_inquiries_of_others_are_not_listed(self):
        child_welfare = self.env["citizen.queue"].create(
            {"name": "Barnevern", "code": "BV", "company_id": self.env.company.id}
        )
        self.env["citizen.inquiry"].create(
            {
                "name": "Barnevern",
                "partner_id": self.kari_oslo.id,
                "queue_id": child_welfare.id,
                "is_confidential": True,
            }
        )
        form = self._counter_form()
        form.partner_id = self.kari_oslo
        self.assertEqual(form.partner_open_inquiry_count, 1)

    def test_subject_is_limited(self):
        form = self._counter_form()
        form.partner_id = self.kari_oslo
        form.name = "x" * 5000
        with self.assertRaisesRegex(ValidationError, "at most 200 characters"):
            form.save()

    def test_counter_and_phone_need_someone(self):
        for action in (
            "citizen_crm.citizen_inquiry_action_counter",
            "citizen_crm.citizen_inquiry_action_phone",
        ):
            with self.subTest(action=action):
                form = self._counter_form(action)
                form.name = "Spørsmål uten navn"
                with self.assertRaisesRegex(ValidationError, "Who is this inquiry"):
                    form.save()
                form.partner_phone = "+47 400 00 001"
                self.assertTrue(form.save())

    def test_a_letter_may_be_anonymous(self):
        form = self._counter_form("citizen_crm.citizen_inquiry_action_letter")
        form.name = "Anonymt brev"
        self.assertTrue(form.save())


@tagged("post_install", "-at_install")
class TestCitizenForm(CitizenPickerCommon):
    def test_citizens_menu_opens_the_citizen_form(self):
        action = self.env.ref("citizen_crm.res_partner_action_citizen")
        forms = action.view_ids.filtered(lambda v: v.view_mode == "form")
        self.assertEqual(forms.view_id, self.env.ref(CITIZEN_VIEW))
        # Odoo's contact form stays the default for other contacts
        self.assertNotEqual(
            self.env["res.partner"].get_views([(False, "form")])["views"]["form"]["id"],
            self.env.ref(CITIZEN_VIEW).id,
        )

    def test_the_citizen_form_is_fit_for_a_municipality(self):
        views = (
            self.env["res.partner"]
            .with_user(self.desk)
            .get_views([(self.env.ref(CITIZEN_VIEW).id, "form")])
        )
        arch = etree.fromstring(views["views"]["form"]["arch"])
        names = {node.get("name") for node in arch.iter("field")}
        self.assertLessEqual(
            {"national_id_masked", "phone", "email", "street", "lang"}, names
        )
        self.assertFalse({"vat", "function", "company_type", "parent_id"} & names)
        self.assertNotIn("national_id", names)
        pages = arch.xpath("//notebook/page")
        self.assertEqual(pages[0].get("name"), "citizen_inquiries")
        self.assertTrue(arch.xpath("//button[@name='action_open_citizen_inquiries']"))

    def test_the_desk_registers_a_citizen_in_it(self):
        action = self.env.ref("citizen_crm.res_partner_action_citizen")
        context = safe_eval(action.context)
        Partner = self.env["res.partner"].with_user(self.desk).with_context(**context)
        form = Form(Partner, view=CITIZEN_VIEW)
        form.name = "Nora Ny"
        number = synthetic_id(datetime.date(1991, 1, 20))
        form.national_id_masked = number
        form.street = "Nyveien 2"
        form.lang = "en_US"
        partner = form.save()
        self.assertTrue(partner.is_citizen)
        self.assertEqual(partner.sudo().national_id, number)
        self.assertEqual(partner.birthdate, datetime.date(1991, 1, 20))
