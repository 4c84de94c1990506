"""Issue 17, items 5 and 6: every citizen message reaches whoever handles the
inquiry (the web form's receipt is tested with the form, in test_web_form.py),
and an inquiry that changes queue is forwarded the same way whichever route it
took (the Forward wizard, the Queue field, the service's responsible queue)."""

from odoo import Command
from odoo.tests import Form, tagged

from .common import (
    MAIL_CONTEXT,
    CitizenDeadlineCommon,
    CitizenPortalCommon,
)

COUNTER_VIEW = "citizen_crm.citizen_inquiry_view_form_counter"
FORWARDED = "citizen_crm.mt_inquiry_forwarded"

NEW_MAIL = """\
From: Siri Innbygger <siri@example.com>
To: servicetorg@kommune.example
Subject: Parkeringstillatelse
Message-ID: <{mid}@example.com>
Date: Thu, 03 Dec 2026 09:00:00 +0100
Content-Type: text/plain; charset=utf-8

Hvordan søker jeg om parkeringstillatelse?
"""


@tagged("post_install", "-at_install")
class TestCitizenMessagesReachTheHandler(CitizenPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = cls._new_user(
            "handover_colleague",
            "base.group_user,citizen_crm.group_caseworker",
            name="Per Kollega",
        )
        cls.queue.member_ids = cls.caseworker | cls.colleague
        # Nobody follows it but the citizen: no assignee yet.
        cls.waiting = cls.env["citizen.inquiry"].create(
            {
                "name": "Snow clearing in Storgata",
                "partner_id": cls.citizen1.id,
                "queue_id": cls.queue.id,
                "channel_id": cls.channel_phone.id,
                "user_id": False,
            }
        )
        cls.waiting.message_subscribe(partner_ids=cls.citizen1.ids)

    def _notified(self, result):
        return (
            self.env["mail.message"].browse(result["message_id"]).notified_partner_ids
        )

    def test_portal_follow_up_reaches_the_queue_without_assignee(self):
        self.assertFalse(self.waiting.user_id)
        token = self.waiting._portal_ensure_token()
        self.authenticate("portal1", "portal1")
        notified = self._notified(
            self._post_reply(self.waiting, "It is still not cleared.", token=token)
        )
        self.assertEqual(
            notified & (self.caseworker | self.colleague).partner_id,
            (self.caseworker | self.colleague).partner_id,
        )

    def test_follow_up_reaches_only_the_assignee_when_there_is_one(self):
        self.waiting.with_context(mail_notrack=True).user_id = self.colleague
        token = self.waiting._portal_ensure_token()
        self.authenticate("portal1", "portal1")
        notified = self._notified(
            self._post_reply(self.waiting, "Any news?", token=token)
        )
        self.assertIn(self.colleague.partner_id, notified)
        self.assertNotIn(self.caseworker.partner_id, notified)

    def test_tracking_page_follow_up_reaches_the_queue(self):
        inquiry = self.inquiry_anonymous
        self.assertFalse(inquiry.user_id)
        token = inquiry._portal_ensure_token()
        self.authenticate(None, None)
        notified = self._notified(
            self._post_reply(inquiry, "It is still dark.", token=token)
        )
        self.assertIn(self.caseworker.partner_id, notified)

    def test_staff_notes_and_answers_do_not_ping_the_queue(self):
        message = self.waiting.with_user(self.caseworker).message_post(
            body="We will send a truck tomorrow.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertNotIn(self.colleague.partner_id, message.notified_partner_ids)

    def test_the_mail_that_opens_an_inquiry_is_not_a_follow_up(self):
        inquiry_id = self.env["mail.thread"].message_process(
            "citizen.inquiry", NEW_MAIL.format(mid="handover-new")
        )
        inquiry = self.env["citizen.inquiry"].browse(inquiry_id)
        first = inquiry.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertTrue(first)
        self.assertFalse(
            first.notified_partner_ids & (self.caseworker | self.colleague).partner_id
        )
        # The citizen's reply to it is one.
        reply = self.env["mail.thread"].message_process(
            "citizen.inquiry",
            NEW_MAIL.format(mid="handover-reply").replace(
                "Subject: Parkeringstillatelse",
                f"Subject: Re: {inquiry.number} Parkeringstillatelse\n"
                "In-Reply-To: <handover-new@example.com>",
            ),
        )
        self.assertEqual(reply, inquiry.id)
        follow_up = inquiry.message_ids.filtered(
            lambda m: m.message_type == "email" and m != first
        )
        self.assertIn(self.caseworker.partner_id, follow_up.notified_partner_ids)


@tagged("post_install", "-at_install")
class TestOneWayToTheBackOffice(CitizenDeadlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **MAIL_CONTEXT))
        cls.building.assignment_method = "none"
        cls.channel_phone = cls.env.ref("citizen_crm.channel_phone")

    def _counter_form(self):
        Inquiry = (
            self.env["citizen.inquiry"]
            .with_user(self.frontdesk)
            .with_context(
                default_channel_id=self.channel_phone.id,
                citizen_counter_registration=True,
            )
        )
        return Form(Inquiry, view=COUNTER_VIEW)

    def _forward_messages(self, inquiry):
        return inquiry.sudo().message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref(FORWARDED)
        )

    def test_choosing_a_service_proposes_its_queue(self):
        form = self._counter_form()
        self.assertEqual(form.queue_id, self.servicetorg)
        form.partner_id = self.citizen
        form.service_id = self.service_permit
        self.assertEqual(form.queue_id, self.building)
        # answered there and then: it stays with the front line
        form.answered_directly = True
        self.assertEqual(form.queue_id, self.servicetorg)
        form.answered_directly = False
        self.assertEqual(form.queue_id, self.building)
        form.service_id = self.service_other
        self.assertEqual(form.queue_id, self.servicetorg)

    def test_registered_to_a_back_office_queue_is_forwarded(self):
        form = self._counter_form()
        form.partner_id = self.citizen
        form.service_id = self.service_permit
        form.name = "Garasje uten søknad?"
        inquiry = form.save()
        self.assertEqual(inquiry.sudo().queue_id, self.building)
        forwarded = self._forward_messages(inquiry)
        self.assertEqual(len(forwarded), 1)
        self.assertIn("Servicetorget", forwarded.body)
        self.assertIn("Byggesak", forwarded.body)
        self.assertEqual(
            forwarded.notified_partner_ids & self.caseworkers.partner_id,
            self.caseworkers.partner_id,
        )

    def test_setting_the_queue_field_is_a_forward(self):
        inquiry = self._inquiry(partner_id=self.citizen.id, user_id=self.frontdesk.id)
        self.assertEqual(inquiry.queue_id, self.servicetorg)
        with Form(inquiry.with_user(self.frontdesk)) as form:
            form.queue_id = self.building
        by_field = self._forward_messages(inquiry)
        self.assertEqual(len(by_field), 1)
        self.assertEqual(
            by_field.notified_partner_ids & self.caseworkers.partner_id,
            self.caseworkers.partner_id,
        )
        # the front desk's assignment does not follow it into the back office
        self.assertFalse(inquiry.user_id)

        # the Forward wizard: the same message, the same people
        other = self._inquiry(partner_id=self.citizen.id, user_id=self.frontdesk.id)
        wizard = Form(
            self.env["citizen.inquiry.forward"]
            .with_user(self.frontdesk)
            .with_context(active_model="citizen.inquiry", active_ids=other.ids)
        )
        wizard.queue_id = self.building
        wizard.save().action_forward()
        by_wizard = self._forward_messages(other)
        self.assertEqual(len(by_wizard), 1)
        self.assertEqual(by_wizard.body, by_field.body)
        self.assertEqual(by_wizard.notified_partner_ids, by_field.notified_partner_ids)
        self.assertFalse(other.user_id)

    def test_a_queue_change_reopens_a_closed_inquiry(self):
        inquiry = self._inquiry(partner_id=self.citizen.id)
        inquiry._citizen_close("first_contact")
        self.assertTrue(inquiry.is_closed)
        inquiry.write({"queue_id": self.building.id})
        self.assertFalse(inquiry.is_closed)
        self.assertEqual(len(self._forward_messages(inquiry)), 1)

    def test_back_office_service_change_does_not_move_the_inquiry(self):
        inquiry = self._inquiry(queue_id=self.health.id, tag_ids=[Command.clear()])
        with Form(inquiry) as form:
            form.service_id = self.service_permit
            self.assertEqual(form.queue_id, self.health)
