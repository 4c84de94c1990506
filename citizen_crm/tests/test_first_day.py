"""What a new user trips over on the first day at the desk (issue 17): where
the app opens, the number after registering, the close wizard's default and
the search box."""

from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged, users
from odoo.tools.safe_eval import safe_eval

from .common import CitizenMunicipalitiesCommon

COUNTER_VIEW = "citizen_crm.citizen_inquiry_view_form_counter"


@tagged("post_install", "-at_install")
class TestAppHome(CitizenMunicipalitiesCommon):
    def _home(self):
        menu = self.env.ref("citizen_crm.citizen_crm_menu_root")
        # The app icon runs the root menu's action; without one, the web
        # client opened the first child, the counter dialog.
        self.assertEqual(
            menu.action, self.env.ref("citizen_crm.citizen_inquiry_action_home")
        )
        return menu.action.with_user(self.env.user).run()

    @users("tst_frontdesk")
    def test_front_desk_opens_on_the_servicetorg_inquiries(self):
        action = self._home()
        self.assertEqual(action["res_model"], "citizen.inquiry")
        self.assertNotEqual(action.get("target"), "new")
        context = action["context"]
        self.assertTrue(context.get("search_default_filter_front_line"))
        self.assertTrue(context.get("search_default_filter_open"))
        # The filter it opens with finds the open inquiries of the servicetorg.
        search = etree.fromstring(
            self.env["citizen.inquiry"].get_views([(False, "search")])["views"][
                "search"
            ]["arch"]
        )
        domain = safe_eval(
            search.xpath("//filter[@name='filter_front_line']")[0].get("domain")
        )
        found = self.env["citizen.inquiry"].search([*domain, ("is_closed", "=", False)])
        self.assertIn(self.inquiry_front, found)
        self.assertFalse(
            found.filtered(lambda i: i.queue_id.queue_type != "front_line")
        )

    @users("tst_caseworker")
    def test_caseworker_opens_on_their_queues(self):
        action = self._home()
        self.assertEqual(action["res_model"], "citizen.inquiry")
        self.assertTrue(action["context"].get("search_default_filter_my_queues"))

    @users("tst_supervisor")
    def test_supervisor_opens_on_the_overview(self):
        action = self._home()
        self.assertEqual(action["res_model"], "citizen.queue")
        self.assertTrue(action["view_mode"].startswith("kanban"))


@tagged("post_install", "-at_install")
class TestRegisterGivesTheNumber(CitizenMunicipalitiesCommon):
    def test_counter_button_registers_and_answers_with_the_number(self):
        arch = etree.fromstring(self.env.ref(COUNTER_VIEW).arch)
        button = arch.xpath("//footer/button[@string='Register']")[0]
        # an object button: the form saves, then the method answers
        self.assertEqual(button.get("name"), "action_register")
        self.assertEqual(button.get("type"), "object")

    @users("tst_frontdesk")
    def test_registered_inquiry_number_is_shown_and_opened(self):
        form = Form(
            self.env["citizen.inquiry"].with_context(
                default_channel_id=self.channel_counter.id
            ),
            view=COUNTER_VIEW,
        )
        form.partner_id = self.citizen_ola
        form.name = "Spørsmål om parkering"
        inquiry = form.save()
        result = inquiry.action_register()
        params = result["params"]
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn(inquiry.number, params["title"])
        self.assertIn(inquiry.number, params["message"])
        self.assertEqual(params["next"]["res_id"], inquiry.id)

    @users("tst_frontdesk")
    def test_number_shown_when_routed_out_of_reach(self):
        # Registered by this user, then out of their reach: a confidential
        # inquiry of a back office the front desk is not in.
        inquiry = (
            self.env["citizen.inquiry"]
            .sudo()
            .create(
                {
                    "name": "Bekymringsmelding",
                    "company_id": self.company_a.id,
                    "queue_id": self.queue_health_a.id,
                    "is_confidential": True,
                }
            )
        )
        inquiry.create_uid = self.env.user
        inquiry = inquiry.with_env(self.env)
        self.assertFalse(inquiry.has_access("read"))
        params = inquiry.action_register()["params"]
        self.assertIn(inquiry.sudo().number, params["title"])
        self.assertNotIn("next", params)

    @users("tst_frontdesk")
    def test_attack_number_of_someone_elses_inquiry_is_refused(self):
        inquiry = self.inquiry_health_confidential.with_env(self.env)
        with self.assertRaises(AccessError):
            inquiry.action_register()


@tagged("post_install", "-at_install")
class TestCloseWizardDefault(CitizenMunicipalitiesCommon):
    def _default(self, inquiries):
        return (
            self.env["citizen.inquiry.close"]
            .with_context(active_model="citizen.inquiry", active_ids=inquiries.ids)
            .default_get(["resolution", "inquiry_ids"])
            .get("resolution")
        )

    def test_no_first_contact_by_default(self):
        self.assertFalse(self._default(self.inquiry_front))

    def test_forwarded_inquiry_suggests_forwarded(self):
        self.inquiry_front._citizen_forward(self.queue_building_a)
        self.assertEqual(self._default(self.inquiry_front), "forwarded")
        # Inquiries whose histories differ get no default.
        self.assertFalse(self._default(self.inquiry_front | self.inquiry_health))

    def test_case_linked_suggests_case_opened(self):
        self.inquiry_building.case_id = self.case_a
        self.assertEqual(self._default(self.inquiry_building), "case_opened")


@tagged("post_install", "-at_install")
class TestSearchBox(CitizenMunicipalitiesCommon):
    @users("tst_frontdesk")
    def test_typed_text_finds_number_subject_and_citizen(self):
        search = etree.fromstring(
            self.env["citizen.inquiry"].get_views([(False, "search")])["views"][
                "search"
            ]["arch"]
        )
        first = search.xpath("//field")[0]
        Inquiry = self.env["citizen.inquiry"]
        inquiry = self.inquiry_front.with_env(self.env)
        for typed in (inquiry.number, "eiendomsskatt", "Ola Nordmann"):
            with self.subTest(typed=typed):
                domain = safe_eval(first.get("filter_domain"), {"self": typed})
                self.assertIn(inquiry, Inquiry.search(domain))
