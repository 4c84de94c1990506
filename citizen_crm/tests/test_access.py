from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged, users
from odoo.tools import mute_logger

from .common import MAIL_CONTEXT, CitizenMunicipalitiesCommon

CITIZEN_CRM_MODELS = [
    "citizen.inquiry",
    "citizen.queue",
    "citizen.inquiry.stage",
    "citizen.channel",
    "citizen.service",
    "citizen.los.theme",
    "citizen.case",
    "citizen.inquiry.close",
    "citizen.inquiry.forward",
]


@tagged("post_install", "-at_install")
class TestInquiryAccess(CitizenMunicipalitiesCommon):
    def assertSees(self, expected):
        """The user finds exactly these inquiries, and can read each of them."""
        Inquiry = self.env["citizen.inquiry"].with_context(active_test=False)
        self.assertEqual(Inquiry.search([]), expected)
        self.assertEqual(Inquiry.search_count([]), len(expected))
        expected.with_env(self.env).check_access("read")
        # The same through the web client's grouped list.
        groups = Inquiry.formatted_read_group([], ["queue_id"], ["__count"])
        self.assertEqual(sum(group["__count"] for group in groups), len(expected))

    def assertCannotRead(self, inquiries):
        for inquiry in inquiries:
            with self.assertRaises(AccessError):
                inquiry.with_env(self.env).read(["name"])

    def assertCannotWrite(self, inquiries):
        for inquiry in inquiries:
            with self.assertRaises(AccessError):
                inquiry.with_env(self.env).write({"priority": "1"})

    @users("tst_frontdesk")
    def test_frontdesk(self):
        readable = (
            self.inquiry_front
            | self.inquiry_building
            | self.inquiry_health
            | self.inquiry_health_assigned
        )
        self.assertSees(readable)
        self.assertCannotRead(
            self.inquiry_building_confidential
            | self.inquiry_health_confidential
            | self.inquiry_b
        )
        # Works on the front line's inquiries...
        self.inquiry_front.with_env(self.env).write({"priority": "2"})
        # ...but not on a back-office inquiry it neither created nor holds.
        self.assertCannotWrite(
            self.inquiry_building | self.inquiry_health | self.inquiry_health_assigned
        )
        # Its own registration, even in a back-office queue.
        own = self.env["citizen.inquiry"].create(
            {
                "name": "Registrert i skranken",
                "queue_id": self.queue_building_a.id,
                "partner_id": self.citizen_ola.id,
            }
        )
        own.write({"priority": "1"})
        # Assigned to it.
        self.inquiry_health.sudo().user_id = self.env.user
        self.inquiry_health.with_env(self.env).write({"priority": "1"})
        # Never deletes.
        with self.assertRaises(AccessError):
            own.unlink()

    @users("tst_frontdesk")
    def test_frontdesk_confidential_in_own_queue(self):
        confidential = self.env["citizen.inquiry"].create(
            {"name": "Sensitivt", "is_confidential": True}
        )
        self.assertEqual(confidential.queue_id, self.queue_front_a)
        confidential.write({"priority": "1"})
        # A confidential inquiry can only be registered in one's own queue.
        with self.assertRaises(AccessError):
            self.env["citizen.inquiry"].create(
                {
                    "name": "Sensitivt for helse",
                    "is_confidential": True,
                    "queue_id": self.queue_health_a.id,
                }
            )
        # Forwarded to health, it is out of the front desk's sight.
        confidential._citizen_forward(self.queue_health_a)
        self.assertCannotRead(confidential)
        self.assertNotIn(confidential, self.env["citizen.inquiry"].search([]))
        self.assertIn(
            confidential,
            self.env["citizen.inquiry"]
            .with_user(self.user_caseworker_other)
            .search([]),
        )

    @users("tst_caseworker")
    def test_caseworker(self):
        # Its queue (confidential included) and what is assigned to it.
        mine = (
            self.inquiry_building
            | self.inquiry_building_confidential
            | self.inquiry_health_assigned
        )
        self.assertSees(mine)
        self.assertCannotRead(
            self.inquiry_front
            | self.inquiry_health
            | self.inquiry_health_confidential
            | self.inquiry_b
        )
        for inquiry in mine:
            inquiry.with_env(self.env).write({"priority": "1"})
        self.assertCannotWrite(self.inquiry_front | self.inquiry_health)
        Inquiry = self.env["citizen.inquiry"]
        Inquiry.create({"name": "Internt", "queue_id": self.queue_building_a.id})
        with self.assertRaises(AccessError):
            Inquiry.create({"name": "Skranke", "queue_id": self.queue_front_a.id})
        with self.assertRaises(AccessError):
            self.inquiry_building.with_env(self.env).unlink()

    @users("tst_caseworker_other")
    def test_other_caseworker(self):
        self.assertSees(
            self.inquiry_health
            | self.inquiry_health_assigned
            | self.inquiry_health_confidential
        )
        self.assertCannotRead(
            self.inquiry_front
            | self.inquiry_building
            | self.inquiry_building_confidential
        )

    def test_confidential_only_for_queue_members(self):
        """Being assigned is not enough for a confidential inquiry: the duty of
        confidentiality follows the handling queue."""
        confidential = self.inquiry_health_confidential
        confidential.user_id = self.user_caseworker
        for user in (self.user_caseworker, self.user_frontdesk):
            Inquiry = self.env["citizen.inquiry"].with_user(user)
            self.assertNotIn(confidential, Inquiry.search([]))
            self.assertFalse(
                Inquiry.search([("is_confidential", "=", True)]) & confidential
            )
            with self.assertRaises(AccessError):
                confidential.with_user(user).read(["name"])
        # The queue member and the supervisor see it.
        for user in (self.user_caseworker_other, self.user_supervisor):
            found = (
                self.env["citizen.inquiry"]
                .with_user(user)
                .search([("is_confidential", "=", True)])
            )
            self.assertIn(confidential, found)
        # Made confidential, a visible inquiry disappears for the front desk.
        Inquiry = self.env["citizen.inquiry"].with_user(self.user_frontdesk)
        self.assertIn(self.inquiry_health, Inquiry.search([]))
        self.inquiry_health.is_confidential = True
        self.assertNotIn(self.inquiry_health, Inquiry.search([]))

    @users("tst_supervisor")
    def test_supervisor(self):
        self.assertSees(self.inquiries_a)
        self.assertCannotRead(self.inquiry_b)
        for inquiry in self.inquiries_a:
            inquiry.with_env(self.env).write({"priority": "1"})
        self.inquiry_front.with_env(self.env).unlink()
        # Configures its municipality.
        queue = self.env["citizen.queue"].create({"name": "Skole", "code": "SKOLE"})
        self.assertEqual(queue.company_id, self.company_a)
        queue.member_ids = self.user_caseworker

    @users("tst_supervisor_b")
    def test_supervisor_other_municipality(self):
        self.assertSees(self.inquiry_b)
        self.assertCannotRead(self.inquiries_a)

    @users("tst_supervisor")
    def test_multi_company_isolation(self):
        Queue = self.env["citizen.queue"]
        self.assertEqual(
            Queue.search([]),
            self.queue_front_a | self.queue_building_a | self.queue_health_a,
        )
        self.assertEqual(
            self.env["citizen.case"].search([("name", "like", "2026/")]), self.case_a
        )
        services = self.env["citizen.service"].search([])
        self.assertIn(self.service_building, services)
        self.assertNotIn(self.service_b, services)
        for record in (self.queue_front_b, self.case_b, self.service_b, self.inquiry_b):
            with self.assertRaises(AccessError):
                record.with_env(self.env).read(["display_name"])
        # Nor through an inquiry's relation: a clear company error.
        with self.assertRaisesRegex(UserError, "company"):
            self.env["citizen.inquiry"].create(
                {"name": "Feil kommune", "queue_id": self.queue_front_b.id}
            )

    def test_user_of_two_municipalities(self):
        user = new_test_user(
            self.env,
            login="tst_supervisor_ab",
            groups="base.group_user,citizen_crm.group_supervisor",
            company_id=self.company_a.id,
            company_ids=[Command.set((self.company_a | self.company_b).ids)],
            context=MAIL_CONTEXT,
        )
        Inquiry = self.env["citizen.inquiry"].with_user(user)
        only_a = Inquiry.with_context(allowed_company_ids=self.company_a.ids)
        self.assertEqual(only_a.search([]), self.inquiries_a)
        both = Inquiry.with_context(
            allowed_company_ids=(self.company_a | self.company_b).ids
        )
        self.assertEqual(both.search([]), self.inquiries_a | self.inquiry_b)
        # Registering for the other municipality numbers it there.
        inquiry = both.create({"name": "Prøvdal", "company_id": self.company_b.id})
        self.assertEqual(inquiry.queue_id, self.queue_front_b)

    @users("tst_frontdesk", "tst_caseworker")
    def test_configuration_read_only(self):
        for model, record in (
            ("citizen.queue", self.queue_front_a),
            ("citizen.service", self.service_waste),
            ("citizen.inquiry.stage", self.stage_new),
            ("citizen.channel", self.channel_phone),
            ("citizen.los.theme", self.los_building),
        ):
            with self.subTest(model=model):
                record = record.with_env(self.env)
                record.read(["display_name"])
                with self.assertRaises(AccessError):
                    record.write({"name": "Endret"})
                with self.assertRaises(AccessError):
                    self.env[model].create({"name": "Ny", "code": "NY"})

    def test_queue_counts_follow_rules(self):
        queue = self.queue_health_a
        self.assertEqual(queue.with_user(self.user_supervisor).open_count, 3)
        queue.invalidate_recordset()
        self.assertEqual(queue.with_user(self.user_frontdesk).open_count, 2)


@tagged("post_install", "-at_install")
class TestPortalPublicAccess(CitizenMunicipalitiesCommon):
    @mute_logger("odoo.addons.base.models.ir_model")
    @users("tst_portal", "tst_public")
    def test_no_access_to_citizen_crm_models(self):
        records = {
            "citizen.inquiry": self.inquiry_front,
            "citizen.queue": self.queue_front_a,
            "citizen.inquiry.stage": self.stage_new,
            "citizen.channel": self.channel_phone,
            "citizen.service": self.service_waste,
            "citizen.los.theme": self.los_building,
            "citizen.case": self.case_a,
        }
        for model in CITIZEN_CRM_MODELS:
            with self.subTest(model=model):
                Model = self.env[model]
                with self.assertRaises(AccessError):
                    Model.search([])
                with self.assertRaises(AccessError):
                    Model.create({"name": "Portal"})
                if model in records:
                    with self.assertRaises(AccessError):
                        records[model].with_env(self.env).read(["display_name"])

    @users("tst_portal", "tst_public")
    def test_identity_number_hidden(self):
        Partner = self.env["res.partner"]
        self.assertFalse(Partner.search([("national_id_masked", "=", self.nid_ola)]))
        with self.assertRaises(AccessError):
            self.citizen_ola.with_env(self.env).read(["name"])

    def test_no_acl_for_portal_or_public(self):
        acls = self.env["ir.model.access"].search(
            [
                ("model_id.model", "in", CITIZEN_CRM_MODELS),
                "|",
                ("group_id", "=", False),
                (
                    "group_id",
                    "in",
                    (
                        self.env.ref("base.group_portal")
                        | self.env.ref("base.group_public")
                    ).ids,
                ),
            ]
        )
        self.assertFalse(acls)
        # Every citizen_crm model has an ACL for internal staff.
        for model in CITIZEN_CRM_MODELS:
            self.assertTrue(
                self.env["ir.model.access"].search_count(
                    [("model_id.model", "=", model)]
                ),
                model,
            )
