from lxml import etree

from odoo import Command
from odoo.tests import tagged, warmup
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import PDF_BYTES, CitizenPortalCommon


@tagged("post_install", "-at_install")
class TestCitizenPortal(CitizenPortalCommon):
    # ------------------------------------------------------------
    # /my/inquiries
    # ------------------------------------------------------------

    def test_list_shows_own_inquiries_only(self):
        self.authenticate("portal1", "portal1")
        response = self.url_open("/my/inquiries")
        self.assertEqual(response.status_code, 200)
        html = response.text
        inquiry = self.inquiry1
        for text in (
            inquiry.number,
            inquiry.name,
            inquiry.stage_id.name,
            inquiry.queue_id.name,
            "Kari Saksbehandler",
            f'href="/my/inquiries/{inquiry.id}"',
        ):
            self.assertIn(text, html)
        # Another citizen's inquiry, an anonymous one and a confidential one
        # about this citizen are not listed.
        for hidden in (
            self.inquiry2,
            self.inquiry_anonymous,
            self.inquiry1_confidential,
        ):
            self.assertNotIn(hidden.number, html)
            self.assertNotIn(hidden.name, html)

        self.authenticate("portal2", "portal2")
        html = self.url_open("/my/inquiries").text
        self.assertIn(self.inquiry2.number, html)
        self.assertNotIn(self.inquiry1.number, html)
        self.assertNotIn(self.inquiry1.name, html)

    def test_list_columns_line_up_without_caseworker(self):
        """Every row has a cell under every heading, with a caseworker or
        without one (issue 17: the table shifted left without)."""
        self.env["citizen.inquiry"].create(
            {
                "name": "Nobody assigned yet",
                "partner_id": self.citizen1.id,
                "channel_id": self.channel_web.id,
                "user_id": False,
            }
        )
        self.authenticate("portal1", "portal1")
        html = self.url_open("/my/inquiries").text
        tree = etree.fromstring(html, etree.HTMLParser())
        headings = tree.xpath("//table//thead//th")
        rows = tree.xpath(
            "//table//tbody/tr[contains(@class, 'o_citizen_inquiry_row')]"
        )
        self.assertGreaterEqual(len(rows), 2)
        for row in rows:
            self.assertEqual(len(row.xpath("./td")), len(headings))
        unassigned = [
            row for row in rows if "Nobody assigned yet" in "".join(row.itertext())
        ]
        caseworker_cell = unassigned[0].xpath("./td")[4]
        self.assertTrue("".join(caseworker_cell.itertext()).strip())

    def test_archived_inquiries_are_hidden(self):
        self.inquiry1.active = False
        self.authenticate("portal1", "portal1")
        self.assertNotIn(self.inquiry1.number, self.url_open("/my/inquiries").text)
        response = self.url_open(f"/my/inquiries/{self.inquiry1.id}")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(self.inquiry1.name, response.text)

    def test_list_filters_and_sorting(self):
        self.inquiry1._citizen_close("first_contact")
        self.authenticate("portal1", "portal1")
        html = self.url_open("/my/inquiries?filterby=open").text
        self.assertNotIn(self.inquiry1.number, html)
        html = self.url_open("/my/inquiries?filterby=closed&sortby=number").text
        self.assertIn(self.inquiry1.number, html)
        # Unknown values fall back to the defaults instead of failing.
        response = self.url_open("/my/inquiries?filterby=nope&sortby=nope")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.inquiry1.number, response.text)

    def test_list_needs_login(self):
        self.authenticate(None, None)
        response = self.url_open("/my/inquiries", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    @warmup
    def test_list_query_count(self):
        """The list costs the same few queries for 1 or 11 inquiries: stages,
        queues and caseworkers are read in batch, not per row."""
        self.authenticate("portal1", "portal1")
        self.url_open("/my/inquiries")  # session checks of the first request
        with self.assertQueryCount(12):
            response = self.url_open("/my/inquiries")
        self.assertEqual(response.text.count("o_citizen_inquiry_row"), 1)

        caseworkers = self.caseworker | self.env["res.users"].create(
            [
                {
                    "login": f"portal_list_caseworker{index}",
                    "name": f"Caseworker {index}",
                    "group_ids": [
                        Command.set(self.env.ref("citizen_crm.group_caseworker").ids)
                    ],
                }
                for index in range(3)
            ]
        )
        self.env["citizen.inquiry"].create(
            [
                {
                    "name": f"Question {index}",
                    "partner_id": self.citizen1.id,
                    "queue_id": (self.queue, self.queue_building)[index % 2].id,
                    "user_id": caseworkers[index % len(caseworkers)].id,
                    "service_id": self.service_kindergarten.id,
                }
                for index in range(10)
            ]
        )
        # Creating users clears the registry caches (access rules, groups): the
        # next request refills them, like the first one after a login.
        self.url_open("/my/inquiries")
        with self.assertQueryCount(12):
            response = self.url_open("/my/inquiries")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text.count("o_citizen_inquiry_row"), 11)
        for caseworker in caseworkers:
            self.assertIn(caseworker.name, response.text)

    def test_home_counter(self):
        self.authenticate("portal1", "portal1")
        html = self.url_open("/my").text
        self.assertIn("/my/inquiries", html)
        self.assertIn("inquiry_count", html)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["inquiry_count"]}
        )
        # The confidential inquiry is not counted.
        self.assertEqual(counters["inquiry_count"], 1)
        self.authenticate("portal2", "portal2")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["inquiry_count"]}
        )
        self.assertEqual(counters["inquiry_count"], 1)

    # ------------------------------------------------------------
    # /my/inquiries/<id>
    # ------------------------------------------------------------

    def test_detail_own_inquiry(self):
        self.inquiry1._portal_ensure_token()
        self.authenticate("portal1", "portal1")
        response = self.url_open(f"/my/inquiries/{self.inquiry1.id}")
        self.assertEqual(response.status_code, 200)
        html = response.text
        for text in (
            self.inquiry1.number,
            self.inquiry1.name,
            self.inquiry1.stage_id.name,
            self.inquiry1.queue_id.name,
            "Kari Saksbehandler",
            "Kindergarten place",
            # The portal chatter is set up with the inquiry's token.
            f'data-token="{self.inquiry1.access_token}"',
            'data-res_model="citizen.inquiry"',
        ):
            self.assertIn(text, html)
        self.assertNotIn("do not tell the citizen", html)
        # Registered by phone: the description is the staff's note, not what
        # the citizen wrote (issue 17, item 9).
        self.assertNotIn("Ola asks about a place from August.", html)
        self.assertNotIn("Your inquiry", html)

    def test_detail_guessed_ids_give_nothing(self):
        """Another citizen's inquiry, a confidential one and an unknown id all
        get the same 'not available' page, with none of their data."""
        self.authenticate("portal2", "portal2")
        unknown_id = self.env["citizen.inquiry"].search([], order="id desc", limit=1).id
        for inquiry_id, secrets in (
            (self.inquiry1.id, [self.inquiry1.number, self.inquiry1.name, "August"]),
            (
                self.inquiry1_confidential.id,
                [self.inquiry1_confidential.number, "Confidential report text"],
            ),
            (self.inquiry_anonymous.id, [self.inquiry_anonymous.number, "Storgata"]),
            (unknown_id + 1000, []),
        ):
            response = self.url_open(f"/my/inquiries/{inquiry_id}")
            self.assertEqual(response.status_code, 404)
            self.assertIn("This inquiry is not available", response.text)
            for secret in secrets:
                self.assertNotIn(secret, response.text)

    def test_detail_tokens(self):
        inquiry = self.inquiry_anonymous
        token = inquiry._portal_ensure_token()
        self.authenticate(None, None)
        for url in (
            f"/my/inquiries/{inquiry.id}",
            f"/my/inquiries/{inquiry.id}?access_token=",
            f"/my/inquiries/{inquiry.id}?access_token=wrong-{token}",
            f"/my/inquiries/{inquiry.id}?access_token={token[:-1]}",
            # The token of one inquiry does not open another.
            f"/my/inquiries/{self.inquiry2.id}?access_token={token}",
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 404, url)
            self.assertNotIn("Storgata", response.text)
            self.assertNotIn("double garage", response.text)

        response = self.url_open(f"/my/inquiries/{inquiry.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(inquiry.number, response.text)
        self.assertIn("The street light in Storgata is out.", response.text)

    def test_detail_confidential_with_token(self):
        """The tracking link of a confidential inquiry shows its number, status
        and queue; never its subject, content, caseworker or messages."""
        inquiry = self.inquiry1_confidential
        token = inquiry._portal_ensure_token()
        # Not even its owner reaches it without the link.
        self.authenticate("portal1", "portal1")
        response = self.url_open(f"/my/inquiries/{inquiry.id}")
        self.assertEqual(response.status_code, 404)

        self.authenticate(None, None)
        response = self.url_open(f"/my/inquiries/{inquiry.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn(inquiry.number, html)
        self.assertIn(inquiry.stage_id.name, html)
        self.assertIn(inquiry.queue_id.name, html)
        self.assertIn("handled confidentially", html)
        for secret in (
            inquiry.name,
            "Confidential report text",
            "Kari Saksbehandler",
            "Public answer",
            "o_portal_chatter",
        ):
            self.assertNotIn(secret, html)

    # ------------------------------------------------------------
    # Portal chatter: messages, replies, files
    # ------------------------------------------------------------

    def test_chatter_shows_public_messages_only(self):
        token = self.inquiry1._portal_ensure_token()
        self.authenticate("portal1", "portal1")
        bodies = self._message_bodies(self._chatter_fetch(self.inquiry1, token=token))
        self.assertIn(f"Public answer on {self.inquiry1.number}", bodies)
        self.assertNotIn("Internal note", bodies)

        # Anonymous visitors with the link see the same, nothing more.
        self.authenticate(None, None)
        bodies = self._message_bodies(self._chatter_fetch(self.inquiry1, token=token))
        self.assertIn(f"Public answer on {self.inquiry1.number}", bodies)
        self.assertNotIn("Internal note", bodies)

    @mute_logger("odoo.http")
    def test_chatter_refuses_other_citizens_and_wrong_tokens(self):
        self.authenticate("portal2", "portal2")
        # Without a token, portal2 has no right to read inquiry 1's messages.
        result = self._chatter_fetch(self.inquiry1)
        self.assertFalse(result["messages"])
        token = self.inquiry2._portal_ensure_token()
        for bad_token in ("wrong", token):
            with self.assertRaises(JsonRpcException):
                self._chatter_fetch(self.inquiry1, token=bad_token)
        try:
            result = self.make_jsonrpc_request(
                "/mail/thread/messages",
                {"thread_model": "citizen.inquiry", "thread_id": self.inquiry1.id},
            )
        except JsonRpcException:
            result = None
        self.assertNotIn("Public answer", str(result))

    @mute_logger("odoo.http")
    def test_chatter_closed_for_confidential_inquiries(self):
        """Even with the right token, the messages of a confidential inquiry are
        neither readable nor writable from the portal."""
        inquiry = self.inquiry1_confidential
        token = inquiry._portal_ensure_token()
        message_count = len(inquiry.message_ids)
        self.authenticate(None, None)
        with self.assertRaises(JsonRpcException):
            self._chatter_fetch(inquiry, token=token)
        with self.assertRaises(JsonRpcException):
            self._post_reply(inquiry, "Let me in", token=token)
        self.authenticate("portal1", "portal1")
        with self.assertRaises(JsonRpcException):
            self._post_reply(inquiry, "Let me in", token=token)
        inquiry.invalidate_recordset(["message_ids"])
        self.assertEqual(len(inquiry.message_ids), message_count)

    def test_reply_as_citizen(self):
        token = self.inquiry1._portal_ensure_token()
        self.authenticate("portal1", "portal1")
        result = self._post_reply(
            self.inquiry1, "Thank you, August is fine.", token=token
        )
        message = self.env["mail.message"].browse(result["message_id"])
        self.assertEqual(message.model, "citizen.inquiry")
        self.assertEqual(message.res_id, self.inquiry1.id)
        self.assertEqual(message.author_id, self.citizen1)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertIn("August is fine", message.body)
        # The caseworker following the inquiry is notified.
        self.assertIn(self.caseworker.partner_id, message.notified_partner_ids)

    def test_reply_anonymous_with_tracking_link(self):
        inquiry = self.inquiry_anonymous
        token = inquiry._portal_ensure_token()
        self.authenticate(None, None)
        result = self._post_reply(inquiry, "It is still dark.", token=token)
        message = self.env["mail.message"].browse(result["message_id"])
        self.assertEqual(message.res_id, inquiry.id)
        self.assertFalse(message.author_id, "no partner is made up for the submitter")
        self.assertIn("per.anonym@example.com", message.email_from)
        self.assertIn("Per Anonym", message.email_from)

    @mute_logger("odoo.http")
    def test_reply_refused_without_right_token(self):
        message_count = len(self.inquiry1.message_ids)
        self.authenticate("portal2", "portal2")
        for params in ({}, {"token": "wrong"}):
            with self.assertRaises(JsonRpcException):
                self._post_reply(self.inquiry1, "Hijack", **params)
        self.authenticate(None, None)
        with self.assertRaises(JsonRpcException):
            self._post_reply(self.inquiry1, "Hijack")
        self.inquiry1.invalidate_recordset(["message_ids"])
        self.assertEqual(len(self.inquiry1.message_ids), message_count)

    def test_reply_attachment_limits(self):
        token = self.inquiry1._portal_ensure_token()
        self.authenticate("portal1", "portal1")
        # Any page of the session gives a valid token; the web form has one.
        csrf = self._csrf_token_from(self.url_open("/citizen/inquiry").text)

        def upload(name, content):
            return self._upload_pending(self.inquiry1, name, content, token, csrf)

        result = upload("letter.pdf", PDF_BYTES)
        self.assertIn("attachment_id", result["data"])
        result = upload("virus.pdf", b"MZ\x90\x00" + bytes(200))
        self.assertIn("not of an accepted type", result["error"])
        self.env["ir.config_parameter"].set_param(
            "citizen_crm.web_max_attachment_mb", "0.0001"
        )
        result = upload("big.pdf", PDF_BYTES + b"%" * 500)
        self.assertIn("larger than", result["error"])

    @mute_logger("odoo.http")
    def test_attack_portal_reply_with_too_many_files(self):
        """Files are uploaded one by one, each within the policy; the message
        then carries them all. The number per message is limited like the web
        form's, and the refused message leaves nothing on the inquiry."""
        self.env["ir.config_parameter"].set_param(
            "citizen_crm.web_max_attachments", "2"
        )
        inquiry = self.inquiry1
        token = inquiry._portal_ensure_token()
        message_count = len(inquiry.message_ids)
        self.authenticate("portal1", "portal1")
        csrf = self._csrf_token_from(self.url_open("/citizen/inquiry").text)
        results = [
            self._upload_pending(inquiry, f"page-{index}.pdf", PDF_BYTES, token, csrf)
            for index in range(3)
        ]
        ids, tokens = self._uploaded_ids_and_tokens(results)
        refusal = self._jsonrpc_refusal(
            "/mail/message/post",
            {
                "thread_model": "citizen.inquiry",
                "thread_id": inquiry.id,
                "token": token,
                "post_data": {
                    "body": "Here are all my pages.",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                    "attachment_ids": ids,
                    "attachment_tokens": tokens,
                },
            },
        )
        self.assertEqual(refusal, "Send at most 2 files.")
        inquiry.invalidate_recordset(["message_ids"])
        self.assertEqual(len(inquiry.message_ids), message_count)
        attachments = self.env["ir.attachment"].browse(ids)
        self.assertEqual(set(attachments.mapped("res_model")), {"mail.compose.message"})
        self.assertFalse(any(attachments.mapped("res_id")))

        # Within the limit, the same files are posted.
        result = self._post_reply(
            inquiry,
            "Two pages.",
            token=token,
            post_data={
                "body": "Two pages.",
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_comment",
                "attachment_ids": ids[:2],
                "attachment_tokens": tokens[:2],
            },
        )
        message = self.env["mail.message"].browse(result["message_id"])
        self.assertEqual(set(message.attachment_ids.ids), set(ids[:2]))

    @mute_logger("odoo.http")
    def test_reply_refuses_files_from_other_upload_routes(self):
        """A message is checked whatever route stored its files: one uploaded
        where the policy does not run (another app's thread) is refused when
        it is posted on an inquiry."""
        inquiry = self.inquiry1
        token = inquiry._portal_ensure_token()
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.portal1)
            .sudo()
            .create(
                {
                    "name": "invoice.pdf",
                    "raw": b"<html><script>alert(1)</script></html>",
                    "res_model": "mail.compose.message",
                    "res_id": 0,
                }
            )
        )
        self.authenticate("portal1", "portal1")
        refusal = self._jsonrpc_refusal(
            "/mail/message/post",
            {
                "thread_model": "citizen.inquiry",
                "thread_id": inquiry.id,
                "token": token,
                "post_data": {
                    "body": "My invoice.",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                    "attachment_ids": attachment.ids,
                    "attachment_tokens": [attachment._get_ownership_token()],
                },
            },
        )
        self.assertIn("The file invoice.pdf is not of an accepted type", refusal)
        self.assertFalse(attachment.res_id)

    # ------------------------------------------------------------
    # Tracking link
    # ------------------------------------------------------------

    def test_tracking_link_kept_while_citizen_unchanged(self):
        """Only a new citizen withdraws the link: other edits, the same
        citizen again, or confidentiality (the link then shows the status
        only) keep it."""
        inquiry = self.inquiry1
        token = inquiry._portal_ensure_token()
        inquiry.write({"partner_id": self.citizen1.id, "name": "Kindergarten, Emma"})
        inquiry.is_confidential = True
        self.assertEqual(inquiry.access_token, token)
        anonymous = self.inquiry_anonymous
        self.assertFalse(anonymous.access_token)
        anonymous.partner_id = self.citizen2
        self.assertFalse(anonymous.access_token)
        inquiry.partner_id = self.citizen2
        self.assertFalse(inquiry.access_token)
        self.assertNotEqual(inquiry._portal_ensure_token(), token)
