import ast

from psycopg2 import IntegrityError

from odoo.tests import tagged, users
from odoo.tools import mute_logger

from .common import CitizenMunicipalitiesCommon


@tagged("post_install", "-at_install")
class TestQueue(CitizenMunicipalitiesCommon):
    def test_each_queue_has_its_alias(self):
        inquiry_model = self.env["ir.model"]._get("citizen.inquiry")
        queues = self.env["citizen.queue"].search([])
        self.assertGreaterEqual(len(queues), 6)
        for queue in queues:
            with self.subTest(queue=queue.name):
                alias = queue.alias_id
                self.assertEqual(len(alias), 1)
                self.assertEqual(alias.alias_model_id, inquiry_model)
                self.assertEqual(alias.alias_parent_model_id.model, "citizen.queue")
                self.assertEqual(alias.alias_parent_thread_id, queue.id)
                defaults = ast.literal_eval(alias.alias_defaults)
                self.assertEqual(defaults["queue_id"], queue.id)
                self.assertEqual(defaults["company_id"], queue.company_id.id)
        # One alias per queue, never shared.
        self.assertEqual(len(queues.alias_id), len(queues))
        self.assertEqual(self.queue_front_a.alias_name, "tst-servicetorg-a")
        self.assertEqual(self.queue_building_a.alias_name, "tst-byggesak-a")

    @users("tst_supervisor")
    def test_new_queue_alias(self):
        queue = self.env["citizen.queue"].create(
            {"name": "Skole", "code": "SKOLE", "alias_name": "tst-skole"}
        )
        alias = queue.sudo().alias_id
        self.assertEqual(alias.alias_name, "tst-skole")
        self.assertEqual(alias.alias_model_id.model, "citizen.inquiry")
        defaults = ast.literal_eval(alias.alias_defaults)
        self.assertEqual(
            defaults, {"queue_id": queue.id, "company_id": self.company_a.id}
        )
        # Renaming the address keeps the same alias and defaults.
        queue.alias_name = "tst-skole-2"
        self.assertEqual(queue.sudo().alias_id, alias)
        self.assertEqual(ast.literal_eval(alias.alias_defaults)["queue_id"], queue.id)

    def test_alias_defaults_create_inquiry_in_queue(self):
        """The alias's defaults are what the mail gateway gives to create."""
        defaults = ast.literal_eval(self.queue_building_a.alias_id.alias_defaults)
        inquiry = self.env["citizen.inquiry"].create({"name": "Via e-post", **defaults})
        self.assertEqual(inquiry.queue_id, self.queue_building_a)
        self.assertEqual(inquiry.company_id, self.company_a)

    @users("tst_caseworker")
    def test_is_member(self):
        Queue = self.env["citizen.queue"]
        self.assertEqual(
            Queue.search([("is_member", "=", True)]), self.queue_building_a
        )
        self.assertEqual(
            Queue.search([("is_member", "=", False)]),
            self.queue_front_a | self.queue_health_a,
        )
        self.assertTrue(self.queue_building_a.with_env(self.env).is_member)
        self.assertFalse(self.queue_front_a.with_env(self.env).is_member)

    def test_queue_actions(self):
        queue = self.queue_building_a.with_user(self.user_caseworker)
        action = queue.action_open_inquiries()
        self.assertEqual(action["domain"], [("queue_id", "=", queue.id)])
        self.assertEqual(action["context"]["default_queue_id"], queue.id)
        self.assertEqual(
            self.env["citizen.inquiry"]
            .with_user(self.user_caseworker)
            .search(action["domain"]),
            self.inquiry_building | self.inquiry_building_confidential,
        )
        self.assertTrue(
            queue.action_open_overdue()["context"]["search_default_filter_overdue"]
        )
        self.assertTrue(
            queue.action_open_unassigned()["context"][
                "search_default_filter_unassigned"
            ]
        )

    def test_queue_code_unique_per_company(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["citizen.queue"].create(
                {"name": "Dublett", "code": "BYGG", "company_id": self.company_a.id}
            )
            self.env.flush_all()
