import ast
from datetime import datetime

from lxml import etree

from odoo.tests import tagged

from .common import CitizenMunicipalitiesCommon

STAFF_LOGINS = (
    "tst_frontdesk",
    "tst_caseworker",
    "tst_caseworker_other",
    "tst_supervisor",
    "tst_supervisor_b",
)


@tagged("post_install", "-at_install")
class TestViews(CitizenMunicipalitiesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = (
            cls.user_frontdesk
            | cls.user_caseworker
            | cls.user_caseworker_other
            | cls.user_supervisor
            | cls.user_supervisor_b
        )
        cls.module_views = cls.env["ir.ui.view"].browse(
            cls.env["ir.model.data"]
            .search([("module", "=", "citizen_crm"), ("model", "=", "ir.ui.view")])
            .mapped("res_id")
        )
        cls.actions = cls.env["ir.actions.act_window"].browse(
            cls.env["ir.model.data"]
            .search(
                [
                    ("module", "=", "citizen_crm"),
                    ("model", "=", "ir.actions.act_window"),
                ]
            )
            .mapped("res_id")
        )

    def _get_views(self, user, model, views):
        Model = self.env[model].with_user(user)
        result = Model.get_views(views, {"toolbar": True, "load_filters": True})
        for view_type, view in result["views"].items():
            arch = etree.fromstring(view["arch"])
            self.assertTrue(len(arch) or arch.attrib, f"{model} {view_type} is empty")
            # Every field left in the arch is described for this user.
            described = result["models"][model]["fields"]
            for node in arch.iter("field"):
                if not any(p.tag in ("field",) for p in node.iterancestors()):
                    self.assertIn(node.get("name"), described, (model, view_type))
        return result

    def test_every_view_renders_for_every_role(self):
        primary = self.module_views.filtered(
            lambda v: v.mode == "primary" and v.model and v.type != "qweb"
        )
        self.assertGreater(len(primary), 25)
        for user in self.staff | self.user_privacy | self.user_employee:
            for view in primary:
                model = self.env[view.model].with_user(user)
                if not model.has_access("read"):
                    continue
                with self.subTest(login=user.login, view=view.xml_id):
                    self._get_views(user, view.model, [(view.id, view.type)])

    def test_actions_render_for_every_role(self):
        """What the web client loads when a menu entry is clicked."""
        self.assertGreater(len(self.actions), 10)
        for user in self.staff:
            for action in self.actions:
                if action.group_ids and not (action.group_ids & user.all_group_ids):
                    continue
                if not self.env[action.res_model].with_user(user).has_access("read"):
                    continue
                with self.subTest(login=user.login, action=action.xml_id):
                    data = (
                        self.env["ir.actions.act_window"]
                        .with_user(user)
                        ._for_xml_id(action.xml_id)
                    )
                    views = [
                        (view_id, view_type) for view_id, view_type in data["views"]
                    ]
                    if data.get("search_view_id"):
                        views.append((data["search_view_id"][0], "search"))
                    else:
                        views.append((False, "search"))
                    self._get_views(user, data["res_model"], views)
                    ast.literal_eval(data.get("context") or "{}")

    def test_inquiry_form_per_role(self):
        for user in self.staff:
            with self.subTest(login=user.login):
                result = self._get_views(
                    user, "citizen.inquiry", [(False, "form"), (False, "kanban")]
                )
                form = etree.fromstring(result["views"]["form"]["arch"])
                self.assertTrue(form.xpath("//field[@name='partner_id']"))
                self.assertTrue(
                    form.xpath("//button[@name='action_open_forward_wizard']")
                )
                self.assertTrue(form.xpath("//chatter"))

    def test_partner_form_per_role(self):
        """The identity number: full for the privacy officer, masked for
        everybody else; the inquiry history only for citizen_crm staff."""
        for user in self.staff | self.user_privacy | self.user_employee:
            with self.subTest(login=user.login):
                result = self._get_views(
                    user, "res.partner", [(False, "form"), (False, "list")]
                )
                form = etree.fromstring(result["views"]["form"]["arch"])
                names = {node.get("name") for node in form.iter("field")}
                fields = result["models"]["res.partner"]["fields"]
                if user == self.user_privacy:
                    self.assertIn("national_id", names)
                    self.assertNotIn("national_id_masked", names)
                else:
                    self.assertIn("national_id_masked", names)
                    self.assertNotIn("national_id", names)
                    self.assertNotIn("national_id", fields)
                is_staff = user in self.staff
                self.assertEqual("citizen_inquiry_ids" in names, is_staff)
                self.assertEqual(
                    bool(form.xpath("//button[@name='action_open_citizen_inquiries']")),
                    is_staff,
                )
                # The citizen can be opened in this form: its fields are read.
                spec = {
                    name: {}
                    for name in names
                    if name in fields and not fields[name]["type"].endswith("2many")
                }
                values = self.citizen_ola.with_user(user).web_read(spec)[0]
                if user == self.user_privacy:
                    self.assertEqual(values["national_id"], self.nid_ola)
                else:
                    self.assertEqual(
                        values["national_id_masked"], self.nid_ola[:6] + "*****"
                    )
                    self.assertNotIn(self.nid_ola[6:], str(values))

    def test_queue_kanban_counts(self):
        result = self._get_views(
            self.user_frontdesk, "citizen.queue", [(False, "kanban")]
        )
        self.assertIn("open_count", result["models"]["citizen.queue"]["fields"])
        queues = self.env["citizen.queue"].with_user(self.user_supervisor).search([])
        values = {
            queue.code: (queue.open_count, queue.unassigned_count) for queue in queues
        }
        self.assertEqual(values["STORG"], (1, 1))
        self.assertEqual(values["BYGG"], (2, 2))
        self.assertEqual(values["HELSE"], (3, 2))

    def _visible_menus(self, user):
        Menu = self.env["ir.ui.menu"].with_user(user)
        visible = Menu._visible_menu_ids()
        return {
            xmlid
            for xmlid in (
                "citizen_crm_menu_root",
                "citizen_inquiry_menu_counter",
                "citizen_inquiry_menu_phone",
                "citizen_inquiry_menu_letter",
                "citizen_inquiry_menu_mine",
                "citizen_inquiry_menu",
                "citizen_queue_menu_overview",
                "citizen_case_menu",
                "citizen_partner_menu",
                "citizen_crm_menu_reporting",
                "citizen_inquiry_menu_report",
                "citizen_crm_menu_config",
                "citizen_crm_menu_settings",
                "citizen_queue_menu",
                "citizen_service_menu",
            )
            if self._reachable(self.env.ref(f"citizen_crm.{xmlid}"), visible)
        }

    @staticmethod
    def _reachable(menu, visible):
        """Shown in the web client: the menu and all its parents are visible."""
        while menu:
            if menu.id not in visible:
                return False
            menu = menu.parent_id
        return True

    def test_menus_per_group(self):
        daily = {
            "citizen_crm_menu_root",
            "citizen_inquiry_menu_counter",
            "citizen_inquiry_menu_phone",
            "citizen_inquiry_menu_letter",
            "citizen_inquiry_menu_mine",
            "citizen_inquiry_menu",
            "citizen_queue_menu_overview",
            "citizen_case_menu",
            "citizen_partner_menu",
        }
        management = {
            "citizen_crm_menu_reporting",
            "citizen_inquiry_menu_report",
            "citizen_crm_menu_config",
            "citizen_queue_menu",
            "citizen_service_menu",
        }
        self.assertEqual(self._visible_menus(self.user_frontdesk), daily)
        self.assertEqual(self._visible_menus(self.user_caseworker), daily)
        self.assertEqual(self._visible_menus(self.user_supervisor), daily | management)
        # Privacy officers reach the citizens and the Privacy submenu only.
        self.assertEqual(
            self._visible_menus(self.user_privacy),
            {"citizen_crm_menu_root", "citizen_partner_menu"},
        )
        self.assertEqual(self._visible_menus(self.user_employee), set())
        # Portal and public users have no backend menus at all.
        for user in (self.user_portal, self.user_public):
            self.assertFalse(self.env["ir.ui.menu"].with_user(user).has_access("read"))
        admin = self.env.ref("base.user_admin")
        self.assertIn("citizen_crm_menu_settings", self._visible_menus(admin))


@tagged("post_install", "-at_install")
class TestInquiryAnalysis(CitizenMunicipalitiesCommon):
    """The figures of the pivot view (Reporting > Inquiry Analysis)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inquiry_front._citizen_close("first_contact")
        cls.inquiry_health._citizen_close("first_contact")
        cls.inquiry_health_assigned._citizen_close("referred")
        january = datetime(2026, 1, 15, 10, 0)
        february = datetime(2026, 2, 10, 10, 0)
        (cls.inquiry_front | cls.inquiry_building).date_received = january
        (
            cls.inquiry_health
            | cls.inquiry_health_assigned
            | cls.inquiry_building_confidential
            | cls.inquiry_health_confidential
        ).date_received = february

    def _pivot(self, user, groupby):
        Inquiry = (
            self.env["citizen.inquiry"].with_user(user).with_context(active_test=False)
        )
        groups = Inquiry.formatted_read_group(
            [], [groupby], ["first_contact_rate:avg", "__count"]
        )
        result = {}
        for group in groups:
            key = group[groupby]
            key = key[1] if isinstance(key, tuple) else key
            result[key] = (round(group["first_contact_rate:avg"], 2), group["__count"])
        return result

    def test_first_contact_rate_by_channel(self):
        self.assertEqual(
            self._pivot(self.user_supervisor, "channel_id"),
            {
                "Phone": (50.0, 2),  # front (yes), health_confidential (no)
                "E-mail": (0.0, 1),
                "Letter": (33.33, 3),  # health (yes), two others (no)
            },
        )
        # The front desk's figures leave out what it may not see.
        self.assertEqual(
            self._pivot(self.user_frontdesk, "channel_id"),
            {"Phone": (100.0, 1), "E-mail": (0.0, 1), "Letter": (50.0, 2)},
        )

    def test_first_contact_rate_by_queue_service_month(self):
        self.assertEqual(
            self._pivot(self.user_supervisor, "queue_id"),
            {
                "Servicetorg Testvik": (100.0, 1),
                "Byggesak Testvik": (0.0, 2),
                "Helse Testvik": (33.33, 3),
            },
        )
        self.assertEqual(
            self._pivot(self.user_supervisor, "service_id"),
            {"Byggesøknad": (0.0, 1), False: (40.0, 5)},
        )
        self.assertEqual(
            self._pivot(self.user_supervisor, "date_received:month"),
            {"January 2026": (50.0, 2), "February 2026": (25.0, 4)},
        )
        self.assertEqual(
            self._pivot(self.user_supervisor, "resolution"),
            {"first_contact": (100.0, 2), "referred": (0.0, 1), False: (0.0, 3)},
        )

    def test_pivot_view_measures(self):
        view = self.env["citizen.inquiry"].get_views([(False, "pivot")])
        arch = etree.fromstring(view["views"]["pivot"]["arch"])
        self.assertEqual(
            arch.xpath("//field[@type='measure']/@name"),
            ["first_contact_rate", "first_response_hours", "resolution_hours"],
        )
        field = view["models"]["citizen.inquiry"]["fields"]["first_contact_rate"]
        self.assertEqual(field["aggregator"], "avg")
