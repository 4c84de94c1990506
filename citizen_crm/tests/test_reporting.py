"""Reporting and overviews tell the truth at first sight (issue 17, item 10):
the queue board counts the queue, the analysis opens on a readable table with
its counts and average times, and no technical number poses as a measure."""

from datetime import datetime, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged

from .common import CASEWORKER, CitizenMunicipalitiesCommon

COUNTS = ("open_count", "overdue_count", "unassigned_count")


@tagged("post_install", "-at_install")
class TestQueueOverviewCounts(CitizenMunicipalitiesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The servicetorg's one open inquiry is overdue.
        cls.inquiry_front.date_deadline = datetime(2020, 1, 6, 12, 0)
        # A caseworker of no queue at all, on their first day.
        cls.user_newcomer = cls._new_user(
            "tst_caseworker_newcomer",
            f"base.group_user,{CASEWORKER}",
            company=cls.company_a,
        )

    def _overview(self, user):
        """What the queue kanban (the overview) reads, as ``user``."""
        result = (
            self.env["citizen.queue"]
            .with_user(user)
            .web_search_read([], {"code": {}, **{name: {} for name in COUNTS}})
        )
        return {
            row["code"]: tuple(row[name] for name in COUNTS)
            for row in result["records"]
        }

    def test_non_member_caseworker_sees_the_queues_workload(self):
        # (open, overdue, unassigned); a caseworker of Byggesak only. The
        # servicetorg showed 0/0/0 while it had an open, overdue inquiry.
        self.assertEqual(
            self._overview(self.user_caseworker),
            {
                "STORG": (1, 1, 1),
                "BYGG": (2, 0, 2),
                # the confidential inquiry of Helse is not the caseworker's
                # to know of: two of its three open inquiries
                "HELSE": (2, 0, 1),
            },
        )
        self.assertEqual(
            self._overview(self.user_newcomer),
            {"STORG": (1, 1, 1), "BYGG": (1, 0, 1), "HELSE": (2, 0, 1)},
        )

    def test_member_caseworker_sees_confidential_inquiries_of_the_queue(self):
        self.assertEqual(
            self._overview(self.user_caseworker_other),
            {"STORG": (1, 1, 1), "BYGG": (1, 0, 1), "HELSE": (3, 0, 2)},
        )
        # the supervisor sees everything
        self.assertEqual(
            self._overview(self.user_supervisor),
            {"STORG": (1, 1, 1), "BYGG": (2, 0, 2), "HELSE": (3, 0, 2)},
        )

    def test_counts_stay_in_the_municipality(self):
        self.assertEqual(self._overview(self.user_frontdesk_b)["BYGG"], (1, 0, 1))
        self.assertNotIn("HELSE", self._overview(self.user_frontdesk_b))


@tagged("post_install", "-at_install")
class TestInquiryDurations(CitizenMunicipalitiesCommon):
    def _inquiry(self, name):
        return self.env["citizen.inquiry"].create(
            {
                "name": name,
                "company_id": self.company_a.id,
                "queue_id": self.queue_building_a.id,
                "channel_id": self.channel_letter.id,
            }
        )

    def test_first_response_and_handling_time(self):
        start = datetime(2026, 3, 2, 8, 0)
        with freeze_time(start):
            answered_closed = self._inquiry("Svart og lukket")
            answered_open = self._inquiry("Svart, åpen")
            untouched = self._inquiry("Ubesvart")
        self.assertEqual(answered_closed.date_received, start)
        with freeze_time(start + timedelta(hours=2)):
            answered_closed._citizen_mark_first_response()
        with freeze_time(start + timedelta(hours=4, minutes=30)):
            answered_open._citizen_mark_first_response()
        with freeze_time(start + timedelta(hours=26)):
            answered_closed._citizen_close("forwarded")
        self.assertEqual(
            (answered_closed.first_response_hours, answered_closed.resolution_hours),
            (2.0, 26.0),
        )
        self.assertEqual(answered_open.first_response_hours, 4.5)
        # Averages over those answered, and over those closed: the open ones
        # store no handling time, they are not a handling time of 0.
        groups = (
            self.env["citizen.inquiry"]
            .with_user(self.user_caseworker)
            .formatted_read_group(
                [("id", "in", (answered_closed | answered_open | untouched).ids)],
                ["queue_id"],
                ["__count", "first_response_hours:avg", "resolution_hours:avg"],
            )
        )
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]["__count"], 3)
        self.assertEqual(groups[0]["first_response_hours:avg"], 3.25)
        self.assertEqual(groups[0]["resolution_hours:avg"], 26.0)
        # Reopening clears the closing date, and with it the handling time.
        answered_closed.action_reopen()
        self.assertEqual(answered_closed.resolution_hours, 0.0)
        self.assertEqual(answered_closed.first_response_hours, 2.0)

    def test_durations_are_computed_from_the_dates_only(self):
        # One writer per fact: the measures follow the dates their writers
        # set, nothing else writes them.
        for fname, depends in (
            ("first_response_hours", "date_first_response"),
            ("resolution_hours", "date_closed"),
        ):
            field = self.env["citizen.inquiry"]._fields[fname]
            self.assertTrue(field.store and field.compute and field.readonly)
            triggers = self.registry.field_depends[field]
            self.assertIn(depends, triggers)
            self.assertIn("date_received", triggers)
        described = self.env["citizen.inquiry"].fields_get(
            ["first_response_hours", "resolution_hours"], ["aggregator", "store"]
        )
        for values in described.values():
            self.assertEqual(values, {"aggregator": "avg", "store": True})


@tagged("post_install", "-at_install")
class TestReportViews(CitizenMunicipalitiesCommon):
    def _arch(self, model, view_type, view=None):
        views = (
            self.env[model]
            .with_user(self.user_supervisor)
            .get_views([(view, view_type)])
        )
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_analysis_opens_on_queues_with_counts_and_times(self):
        action = self.env.ref("citizen_crm.citizen_inquiry_action_report")
        pivot = action.view_ids.filtered(lambda v: v.view_mode == "pivot")
        self.assertEqual(
            pivot.view_id, self.env.ref("citizen_crm.citizen_inquiry_view_pivot")
        )
        arch = self._arch("citizen.inquiry", "pivot", pivot.view_id.id)
        # the count first, then the share and the average times
        self.assertEqual(arch.get("display_quantity"), "1")
        self.assertEqual(arch.xpath("//field[@type='row']/@name"), ["queue_id"])
        columns = arch.xpath("//field[@type='col']")
        self.assertEqual([col.get("name") for col in columns], ["is_closed"])
        self.assertFalse(arch.xpath("//field[@interval]"), "no month per column")
        self.assertEqual(
            arch.xpath("//field[@type='measure']/@name"),
            ["first_contact_rate", "first_response_hours", "resolution_hours"],
        )
        for name in ("first_response_hours", "resolution_hours"):
            self.assertEqual(
                arch.xpath(f"//field[@name='{name}']/@widget"), ["float_time"]
            )
        graph = self._arch("citizen.inquiry", "graph")
        self.assertFalse(graph.xpath("//field[@interval]"))

    def test_shares_come_with_their_counts(self):
        # Every pivot showing a share (%) shows the count beside it.
        for model in ("citizen.inquiry", "citizen.inquiry.deadline.report"):
            with self.subTest(model=model):
                arch = self._arch(model, "pivot")
                described = self.env[model].fields_get(
                    arch.xpath("//field[@type='measure']/@name"), ["string"]
                )
                if any("%" in field["string"] for field in described.values()):
                    self.assertEqual(arch.get("display_quantity"), "1")

    def test_technical_numbers_are_not_measures(self):
        # In Odoo 19 a stored number with an aggregator is offered as a
        # measure in pivot and graph views, and summed in grouped lists.
        expected = {
            "citizen.inquiry": {
                "first_contact_rate": "avg",
                "first_response_hours": "avg",
                "resolution_hours": "avg",
                "sla_paused_hours": "avg",
            },
            "citizen.queue": {},
            "citizen.service": {},
            "citizen.inquiry.tag": {},
            "citizen.inquiry.stage": {},
        }
        for model, measures in expected.items():
            with self.subTest(model=model):
                described = self.env[model].fields_get(
                    attributes=["type", "store", "aggregator"]
                )
                offered = {
                    name: field["aggregator"]
                    for name, field in described.items()
                    if field["type"] in ("integer", "float", "monetary")
                    and field["store"]
                    and field.get("aggregator")
                }
                self.assertEqual(offered, measures)

    def test_inquiry_list_leaves_room_for_the_subject(self):
        arch = self._arch("citizen.inquiry", "list")
        shown = [
            node.get("name")
            for node in arch.xpath("/list/field")
            if node.get("optional") != "hide"
            and node.get("column_invisible") not in ("1", "True")
        ]
        self.assertEqual(
            shown,
            [
                "priority",
                "number",
                "name",
                "partner_id",
                "queue_id",
                "user_id",
                "date_deadline",
                "sla_status",
                "stage_id",
            ],
        )
        self.assertIsNone(arch.xpath("/list/field[@name='name']")[0].get("optional"))

    def test_kanban_deadline_is_a_date(self):
        arch = self._arch("citizen.inquiry", "kanban")
        self.assertFalse(arch.xpath("//field[@widget='remaining_days']"))
        self.assertEqual(arch.xpath("//field[@name='date_deadline']/@widget"), ["date"])

    def test_targets_read_as_durations(self):
        for model, view_type in (
            ("citizen.service", "list"),
            ("citizen.service", "form"),
            ("citizen.queue", "form"),
        ):
            with self.subTest(model=model, view_type=view_type):
                arch = self._arch(model, view_type)
                for name in ("sla_first_response_hours", "sla_resolution_hours"):
                    self.assertEqual(
                        arch.xpath(f"//field[@name='{name}']/@widget"),
                        ["float_time"],
                    )

    def test_one_name_in_the_menu_and_in_settings(self):
        menu = self.env.ref("citizen_crm.citizen_crm_menu_root").name
        self.assertEqual(menu, "Servicetorg")
        settings = etree.fromstring(
            self.env.ref("citizen_crm.res_config_settings_view_form").arch
        )
        app = settings.xpath("//app[@name='citizen_crm']")[0]
        self.assertEqual((app.get("string"), app.get("data-string")), (menu, menu))
        # the block of access rights on the user form, in Settings > Users
        privilege = self.env.ref("citizen_crm.res_groups_privilege_citizen_crm")
        self.assertEqual(privilege.name, menu)
