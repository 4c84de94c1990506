"""Followers of a confidential inquiry are exactly those who may read it.

Odoo notifies followers whatever their read access: a former assignee or a
former member of the handling queue who still follows a confidential inquiry
would keep receiving every new message of it (issue 23, item 3).
"""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged, users

from .common import MAIL_CONTEXT, CitizenPrivacyMailCommon


@tagged("post_install", "-at_install")
class TestConfidentialFollowers(CitizenPrivacyMailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The privacy helpers' queue (servicetorg) has the front desk and the
        # caseworker; health has its own handler.
        cls.handler = new_test_user(
            cls.env,
            "privacy_handler",
            groups="citizen_crm.group_caseworker",
            email="handler@kommune.example",
            context=MAIL_CONTEXT,
        )
        cls.health = cls.env["citizen.queue"].create(
            {"name": "Helse", "code": "HELSE", "member_ids": [(4, cls.handler.id)]}
        )
        cls.basis = cls.env.ref("citizen_crm.screening_basis_offl13_hpl21")

    def _inquiry(self, **vals):
        return self.env["citizen.inquiry"].create(
            {"name": "Rusbehandling", "partner_id": self.plain.id, **vals}
        )

    def _post_as_handler(self, inquiry):
        """A message of the handling queue to the citizen, as "Send message"."""
        return inquiry.with_user(self.handler).message_post(
            body="Vi har mottatt henvendelsen.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def assertNotNotified(self, message, users):
        notified = (
            self.env["mail.notification"]
            .sudo()
            .search([("mail_message_id", "=", message.id)])
            .res_partner_id
        )
        for user in users:
            self.assertNotIn(user.partner_id, notified, f"{user.login} was notified")

    def assertOnlyReadersFollow(self, inquiry):
        inquiry = inquiry.sudo()
        for partner in inquiry.message_partner_ids:
            if partner == inquiry.partner_id:
                continue
            user = partner.user_ids[:1]
            self.assertTrue(user, f"{partner.name} follows without a user")
            self.assertTrue(
                inquiry.with_user(user).has_access("read"),
                f"{user.login} follows a confidential inquiry they may not read",
            )

    # ------------------------------------------------------------
    # Attacks: people who lost access keep following
    # ------------------------------------------------------------

    def test_attack_former_assignee_notified_after_forward(self):
        """Assigned in the servicetorg (and so a follower), the caseworker
        keeps getting every message once the confidential inquiry went to
        health, where they are no member."""
        inquiry = self._inquiry(screening_basis_id=self.basis.id)
        # The citizen follows, as after the web form.
        inquiry.message_subscribe(partner_ids=self.plain.ids)
        inquiry.with_user(self.caseworker).action_assign_to_me()
        self.assertIn(self.caseworker.partner_id, inquiry.message_partner_ids)
        wizard = Form(
            self.env["citizen.inquiry.forward"]
            .with_user(self.caseworker)
            .with_context(active_model="citizen.inquiry", active_ids=inquiry.ids)
        )
        wizard.queue_id = self.health
        wizard.user_id = self.handler
        wizard.save().action_forward()
        inquiry.invalidate_recordset()
        self.assertEqual(inquiry.user_id, self.handler)
        with self.assertRaises(AccessError):
            inquiry.with_user(self.caseworker).check_access("read")

        message = self._post_as_handler(inquiry)

        self.assertNotIn(self.caseworker.partner_id, inquiry.message_partner_ids)
        self.assertNotNotified(message, self.caseworker | self.frontdesk)
        self.assertOnlyReadersFollow(inquiry)
        # The handling queue and the citizen still follow it.
        self.assertIn(self.handler.partner_id, inquiry.message_partner_ids)
        self.assertIn(self.plain, inquiry.message_partner_ids)

    def test_attack_assignee_outside_queue_notified_once_confidential(self):
        """Assigned from outside the queue while the inquiry was open to
        them, the caseworker loses access when it is made confidential, and
        keeps following it."""
        inquiry = self._inquiry(queue_id=self.health.id)
        inquiry.user_id = self.caseworker
        self.assertIn(self.caseworker.partner_id, inquiry.message_partner_ids)
        inquiry.with_user(self.handler).write({"screening_basis_id": self.basis.id})
        with self.assertRaises(AccessError):
            inquiry.with_user(self.caseworker).check_access("read")

        message = self._post_as_handler(inquiry)

        self.assertNotIn(self.caseworker.partner_id, inquiry.message_partner_ids)
        self.assertNotNotified(message, self.caseworker)
        self.assertOnlyReadersFollow(inquiry)

    def test_attack_former_queue_member_notified(self):
        """A member who followed the confidential inquiry (notified of its
        forwarding) is moved out of the queue: no more messages."""
        colleague = new_test_user(
            self.env,
            "privacy_colleague",
            groups="citizen_crm.group_caseworker",
            context=MAIL_CONTEXT,
        )
        self.health.member_ids = [Command.link(colleague.id)]
        inquiry = self._inquiry(screening_basis_id=self.basis.id)
        inquiry.with_user(self.frontdesk)._citizen_forward(self.health)
        self.assertIn(colleague.partner_id, inquiry.message_partner_ids)
        self.health.with_user(self.supervisor).member_ids = [
            Command.unlink(colleague.id)
        ]

        message = self._post_as_handler(inquiry)

        self.assertNotIn(colleague.partner_id, inquiry.message_partner_ids)
        self.assertNotNotified(message, colleague | self.frontdesk)
        self.assertOnlyReadersFollow(inquiry)

    @users("privacy_handler")
    def test_attack_subscribe_or_mention_an_outsider(self):
        """The handler adds a front-desk colleague as a follower, or mentions
        them: neither makes the confidential inquiry reach them."""
        inquiry = self._inquiry(
            screening_basis_id=self.basis.id, queue_id=self.health.id
        ).with_env(self.env)
        inquiry.message_subscribe(partner_ids=self.frontdesk.partner_id.ids)
        self.assertNotIn(self.frontdesk.partner_id, inquiry.message_partner_ids)
        message = inquiry.message_post(
            body="Se på denne",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            partner_ids=self.frontdesk.partner_id.ids,
        )
        self.assertNotNotified(message, self.frontdesk)
        # A reader may still be added.
        inquiry.message_subscribe(partner_ids=self.supervisor.partner_id.ids)
        self.assertIn(self.supervisor.partner_id, inquiry.message_partner_ids)

    def test_attack_user_who_lost_group_is_not_notified(self):
        """A supervisor follows a confidential inquiry and is demoted to the
        front desk: the next message does not reach them."""
        boss = new_test_user(
            self.env,
            "privacy_former_boss",
            groups="citizen_crm.group_supervisor",
            context=MAIL_CONTEXT,
        )
        inquiry = self._inquiry(
            screening_basis_id=self.basis.id, queue_id=self.health.id
        )
        inquiry.message_subscribe(partner_ids=boss.partner_id.ids)
        boss.group_ids = [Command.set(self.env.ref("citizen_crm.group_frontdesk").ids)]

        message = self._post_as_handler(inquiry)

        self.assertNotNotified(message, boss)
        self.assertNotIn(boss.partner_id, inquiry.message_partner_ids)

    # ------------------------------------------------------------
    # What is kept
    # ------------------------------------------------------------

    def test_open_inquiry_followers_untouched(self):
        inquiry = self._inquiry(queue_id=self.health.id)
        inquiry.user_id = self.caseworker
        inquiry.message_subscribe(partner_ids=self.frontdesk.partner_id.ids)
        inquiry.queue_id = self.queue
        self.assertIn(self.caseworker.partner_id, inquiry.message_partner_ids)
        self.assertIn(self.frontdesk.partner_id, inquiry.message_partner_ids)

    def test_third_party_dropped_citizen_kept(self):
        """Outside the staff, only the inquiry's own citizen follows a
        confidential inquiry: not their employer, not another contact."""
        inquiry = self._inquiry(queue_id=self.health.id)
        inquiry.message_subscribe(partner_ids=(self.plain | self.employer).ids)
        inquiry.is_confidential = True
        self.assertIn(self.plain, inquiry.message_partner_ids)
        self.assertNotIn(self.employer, inquiry.message_partner_ids)
