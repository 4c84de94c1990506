from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import CitizenDeadlineCommon

MAIL = """From: {sender}
To: {to}
Subject: {subject}
Message-ID: <{message_id}@mail.example.no>
Date: Mon, 2 Mar 2026 09:00:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
"""


@tagged("post_install", "-at_install")
class TestRouting(CitizenDeadlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        alias_domain = cls.env["mail.alias.domain"].create(
            {"name": "testkommune.example", "company_ids": [(4, cls.company.id)]}
        )
        cls.company.alias_domain_id = alias_domain
        cls.servicetorg.write(
            {"alias_name": "servicetorg-test", "alias_domain_id": alias_domain.id}
        )
        cls.building.write(
            {"alias_name": "byggesak-test", "alias_domain_id": alias_domain.id}
        )
        cls.tag_building = cls.env["citizen.inquiry.tag"].create({"name": "Bygg"})
        cls.tag_urgent = cls.env["citizen.inquiry.tag"].create({"name": "Haster"})
        cls.Rule = cls.env["citizen.routing.rule"]
        cls.Inquiry = cls.env["citizen.inquiry"]
        cls.mail_count = 0

    def _rule(self, name, **vals):
        return self.Rule.create({"name": name, "company_id": self.company.id, **vals})

    def _mail(self, subject, body="", sender="Ola <ola@example.no>", to=None):
        type(self).mail_count += 1
        raw = MAIL.format(
            sender=sender,
            to=to or self.servicetorg.alias_email,
            subject=subject,
            body=body,
            message_id=f"routing-test-{self.mail_count}",
        )
        inquiry_id = self.env["mail.thread"].message_process(None, raw.encode())
        return self.Inquiry.browse(inquiry_id)

    def _routing_notes(self, inquiry):
        return inquiry.message_ids.filtered(lambda m: "rule" in (m.body or ""))

    def test_first_matching_rule_wins(self):
        by_keyword = self._rule(
            "Building by keyword",
            sequence=10,
            keywords="byggesak",
            queue_id=self.building.id,
            tag_ids=[(6, 0, self.tag_building.ids)],
        )
        self._rule(
            "Health by channel",
            sequence=20,
            channel_ids=[(6, 0, self.channel_counter.ids)],
            queue_id=self.health.id,
            priority="2",
        )
        Inquiry = self.Inquiry.with_user(self.frontdesk)
        inquiry = Inquiry.create({"name": "Spørsmål om byggesak"})
        self.assertEqual(inquiry.queue_id, self.building)
        self.assertEqual(inquiry.routing_rule_id, by_keyword)
        self.assertEqual(inquiry.tag_ids, self.tag_building)
        self.assertEqual(inquiry.priority, "0")
        self.assertIn("Building by keyword", str(self._routing_notes(inquiry).body))
        # Reordered: the channel rule now comes first.
        by_keyword.sequence = 30
        other = Inquiry.create({"name": "Spørsmål om byggesak"})
        self.assertEqual(other.queue_id, self.health)
        self.assertEqual(other.priority, "2")
        self.assertFalse(other.tag_ids)

    def test_no_rule_matches_stays_in_the_servicetorg(self):
        self._rule("Building", keywords="byggesak", queue_id=self.building.id)
        inquiry = self.Inquiry.with_user(self.frontdesk).create(
            {"name": "Hvor er biblioteket?"}
        )
        self.assertEqual(inquiry.queue_id, self.servicetorg)
        self.assertFalse(inquiry.routing_rule_id)
        self.assertFalse(self._routing_notes(inquiry))

    def test_every_condition_must_hold(self):
        rule = self._rule(
            "E-mail about building",
            channel_ids=[(6, 0, self.channel_email.ids)],
            los_theme_ids=[(6, 0, self.theme_building.ids)],
            keywords="garasje",
            queue_id=self.building.id,
        )
        counter = self._inquiry(name="Garasje", service_id=self.service_permit.id)
        self.assertFalse(counter.routing_rule_id)
        wrong_theme = self._inquiry(
            name="Garasje",
            channel_id=self.channel_email.id,
            service_id=self.service_other.id,
        )
        self.assertFalse(wrong_theme.routing_rule_id)
        no_keyword = self._inquiry(
            name="Tilbygg",
            channel_id=self.channel_email.id,
            service_id=self.service_permit.id,
        )
        self.assertFalse(no_keyword.routing_rule_id)
        routed = self._inquiry(
            name="Tilbygg",
            description="<p>Kan jeg bygge en <b>GARASJE</b>?</p>",
            channel_id=self.channel_email.id,
            service_id=self.service_permit.id,
        )
        self.assertEqual(routed.routing_rule_id, rule)
        self.assertEqual(routed.queue_id, self.building)

    def test_keywords_are_whole_words_in_any_case(self):
        self._rule(
            "Building",
            keywords="byggesak\nbuilding permit; rammetillatelse",
            queue_id=self.building.id,
        )
        matches = {
            "BYGGESAK om garasje": True,
            "Spørsmål om byggesak.": True,
            "A  Building\tPermit question": True,
            "(rammetillatelse)": True,
            "Mine byggesaker": False,
            "Ombyggesak": False,
            "building permits": False,
        }
        for subject, expected in matches.items():
            with self.subTest(subject=subject):
                inquiry = self._inquiry(name=subject)
                self.assertEqual(bool(inquiry.routing_rule_id), expected)

    def test_mail_intake_by_sender_domain_and_body(self):
        nav = self._rule(
            "NAV",
            sender_domains="@nav.no",
            queue_id=self.health.id,
            priority="2",
            tag_ids=[(6, 0, self.tag_urgent.ids)],
        )
        access = self._rule(
            "Access requests",
            sequence=20,
            keywords="innsynskrav",
            queue_id=self.building.id,
        )
        inquiry = self._mail(
            "Bruker trenger hjelp", "Hei", sender="Saksbehandler <sb@arbeid.nav.no>"
        )
        self.assertEqual(inquiry.queue_id, self.health)
        self.assertEqual(inquiry.routing_rule_id, nav)
        self.assertEqual(inquiry.priority, "2")
        self.assertEqual(inquiry.tag_ids, self.tag_urgent)
        self.assertIn("NAV", str(self._routing_notes(inquiry).body))
        # The word is only in the body of the mail.
        by_body = self._mail("Dokumenter", "Dette er et innsynskrav i sak 2026/12.")
        self.assertEqual(by_body.routing_rule_id, access)
        self.assertEqual(by_body.queue_id, self.building)
        # A look-alike domain does not match.
        other = self._mail("Hjelp", "Hei", sender="x@notnav.no")
        self.assertFalse(other.routing_rule_id)
        self.assertEqual(other.queue_id, self.servicetorg)

    def test_a_department_mailbox_keeps_its_mail(self):
        self._rule(
            "Health words",
            keywords="legevakt",
            queue_id=self.health.id,
            tag_ids=[(6, 0, self.tag_urgent.ids)],
        )
        inquiry = self._mail(
            "Legevakt og byggesak", "Hei", to=self.building.alias_email
        )
        self.assertEqual(inquiry.queue_id, self.building)
        self.assertEqual(inquiry.tag_ids, self.tag_urgent)
        self.assertIn("stays in", str(self._routing_notes(inquiry).body))
        # So does an inquiry registered in a department on purpose.
        registered = self._inquiry(name="Legevakt", queue_id=self.building.id)
        self.assertEqual(registered.queue_id, self.building)

    def test_counter_form_is_routed(self):
        self._rule(
            "Permits",
            service_ids=[(6, 0, self.service_permit.ids)],
            queue_id=self.building.id,
        )
        form = Form(
            self.Inquiry.with_user(self.frontdesk).with_context(
                default_channel_id=self.channel_counter.id
            ),
            view="citizen_crm.citizen_inquiry_view_form_counter",
        )
        form.partner_id = self.citizen
        form.service_id = self.service_permit
        # the service's responsible queue is proposed; the rule agrees at save
        self.assertEqual(form.queue_id, self.building)
        form.queue_id = self.servicetorg
        inquiry = form.save()
        self.assertEqual(inquiry.queue_id, self.building)

    def test_rule_to_an_archived_queue_is_refused_at_save(self):
        self.health.active = False
        form = Form(self.Rule.with_user(self.supervisor))
        form.name = "To the archive"
        form.keywords = "arkiv"
        form.queue_id = self.health
        with self.assertRaisesRegex(ValidationError, "archived queue"):
            form.save()
        rule = self._rule("Building", keywords="bygg", queue_id=self.building.id)
        with self.assertRaisesRegex(ValidationError, "archived queue"):
            rule.queue_id = self.health

    def test_queue_archived_after_the_rule_is_skipped(self):
        self._rule("Health", sequence=1, keywords="legevakt", queue_id=self.health.id)
        fallback = self._rule(
            "Everything else", sequence=2, priority="1", queue_id=self.building.id
        )
        self.health.active = False
        with self.assertLogs(
            "odoo.addons.citizen_crm.models.citizen_routing_rule", "WARNING"
        ) as logs:
            inquiry = self._inquiry(name="Legevakt")
        self.assertIn("archived queue", logs.output[0])
        self.assertEqual(inquiry.routing_rule_id, fallback)
        self.assertEqual(inquiry.queue_id, self.building)

    def test_rule_must_do_something(self):
        with self.assertRaises(ValidationError):
            self._rule("Nothing", keywords="x")
        with self.assertRaises(ValidationError):
            self._rule("Punctuation", keywords="!!", priority="1")

    def test_apply_routing_on_demand(self):
        first = self._inquiry(name="Søknad om byggesak")
        second = self._inquiry(name="Byggesak igjen")
        unrelated = self._inquiry(name="Bibliotek")
        rule = self._rule("Building", keywords="byggesak", queue_id=self.building.id)
        result = first.with_user(self.frontdesk).action_apply_routing()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(first.queue_id, self.building)
        self.assertEqual(first.routing_rule_id, rule)
        self.assertIn("Building", str(self._routing_notes(first).body))
        # The list action runs on a selection.
        action = self.env.ref("citizen_crm.citizen_inquiry_action_apply_routing")
        action.with_context(
            active_model="citizen.inquiry", active_ids=(second | unrelated).ids
        ).run()
        self.assertEqual(second.queue_id, self.building)
        self.assertEqual(unrelated.queue_id, self.servicetorg)
        self.assertFalse(unrelated.routing_rule_id)

    def test_rules_are_evaluated_without_a_query_each(self):
        def queries_for_one_inquiry(name):
            # Caches (routing table, xmlids) are filled by a first inquiry.
            self._inquiry(name=name)
            before = self.env.cr.sql_log_count
            inquiry = self._inquiry(name=name)
            count = self.env.cr.sql_log_count - before
            return inquiry, count

        self._rule("Rule 0", keywords="word0", queue_id=self.building.id)
        inquiry, with_one_rule = queries_for_one_inquiry("word0")
        self.assertEqual(inquiry.queue_id, self.building)
        for index in range(1, 40):
            self._rule(
                f"Rule {index}",
                sequence=index + 10,
                keywords=f"word{index}",
                channel_ids=[(6, 0, self.channel_counter.ids)],
                queue_id=self.building.id,
            )
        inquiry, with_forty_rules = queries_for_one_inquiry("word39")
        self.assertEqual(inquiry.routing_rule_id.name, "Rule 39")
        self.assertEqual(with_forty_rules, with_one_rule)
