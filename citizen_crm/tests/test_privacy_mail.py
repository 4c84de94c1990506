from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CitizenPrivacyMailCommon


@tagged("post_install", "-at_install")
class TestProtectedMail(CitizenPrivacyMailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inquiry = cls.env["citizen.inquiry"].create(
            {"partner_id": cls.protected.id, "name": "School transport"}
        )
        cls.inquiry.message_subscribe(partner_ids=cls.protected.ids)
        cls.plain_inquiry = cls.env["citizen.inquiry"].create(
            {"partner_id": cls.plain.id, "name": "Snow clearing"}
        )

    def _sent_to(self, needle):
        return [m for m in self._mails if any(needle in to for to in m["email_to"])]

    def test_explicit_mail_by_staff_is_refused(self):
        """Whatever the grading (fortrolig or strengt fortrolig): the desk cannot
        tell them apart, and neither gets mail from anyone but the officer."""
        for user in self.staff:
            for partner in self.protected | self.confidential_citizen:
                with self.subTest(user=user.login, partner=partner.name):
                    with self.mock_mail_gateway():
                        inquiry = self.inquiry.with_user(user)
                        with self.assertRaisesRegex(UserError, "privacy officer"):
                            inquiry.message_post(
                                body="Your answer",
                                partner_ids=partner.ids,
                                message_type="comment",
                                subtype_xmlid="mail.mt_comment",
                            )
                    self.assertFalse(self._mails)

    def test_follower_notification_is_withheld_and_audited(self):
        with self.mock_mail_gateway():
            self.inquiry.with_user(self.frontdesk).message_post(
                body="Internal progress",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertNoSecret(self._mails)
        self.assertFalse(self._sent_to("secret.example"))
        self.assertTrue(
            self.env["citizen.audit.log"].search(
                [
                    ("action", "=", "mail_blocked"),
                    ("partner_id", "=", self.protected.id),
                ]
            )
        )

    def test_template_mail_is_blocked_at_sending(self):
        template = self.env["mail.template"].create(
            {
                "name": "Reminder",
                "model_id": self.env["ir.model"]._get_id("citizen.inquiry"),
                "subject": "Reminder {{ object.number }}",
                "body_html": "<p>Hello</p>",
                "partner_to": "{{ object.partner_id.id }}",
            }
        )
        with self.mock_mail_gateway():
            mail_id = template.with_user(self.frontdesk).send_mail(
                self.inquiry.id, force_send=True
            )
        self.assertFalse(self._sent_to("secret.example"))
        self.assertNoSecret(self._mails)
        mail = self.env["mail.mail"].sudo().browse(mail_id)
        self.assertNotEqual(mail.state, "sent")

    def test_privacy_officer_mail_goes_to_bare_address(self):
        # The privacy officer has no access to inquiries: they write from the
        # citizen's own record.
        with self.mock_mail_gateway():
            self.protected.with_user(self.officer).message_post(
                body="Answer from the privacy officer",
                partner_ids=self.protected.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        sent = self._sent_to("kari.skjult@secret.example")
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["email_to"], ["kari.skjult@secret.example"])
        self.assertNotIn("Kari", sent[0]["email_to"][0])
        # No other mail of that batch carries the address.
        others = [m for m in self._mails if m not in sent]
        self.assertNoSecret(others)

    def test_unprotected_citizen_still_gets_mail(self):
        with self.mock_mail_gateway():
            self.plain_inquiry.with_user(self.frontdesk).message_post(
                body="Answer",
                partner_ids=self.plain.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertTrue(self._sent_to("ola@open.example"))

    def test_message_from_protected_citizen_keeps_no_address(self):
        message = self.inquiry.message_post(
            body="I have moved",
            author_id=self.protected.id,
            email_from='"Kari Skjult" <kari.skjult@secret.example>',
            message_type="email",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertNoSecret(message.email_from)
        self.assertEqual(message.author_id, self.protected)
        # Found by their address for intake, without the address leaving.
        self.assertEqual(
            self.env["res.partner"]._citizen_find_protected_by_email(
                "KARI.skjult@secret.example"
            ),
            self.protected,
        )

    def test_suggested_recipients_hold_no_address(self):
        suggested = self.inquiry.with_user(
            self.frontdesk
        )._message_get_suggested_recipients()
        self.assertNoSecret(suggested)

    # ------------------------------------------------------------
    # Attacks: who may release the vault address, and where a
    # protected citizen's own address may end up
    # ------------------------------------------------------------

    def _evil_post(self, record, **kwargs):
        """The security review's call: a front-desk user posts in the privacy
        officer's name, with a Reply-To of their own."""
        return record.with_user(self.frontdesk).message_post(
            body="Hei Kari, svar meg på denne adressen",
            author_id=self.officer.partner_id.id,
            reply_to="spy@evil.example",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            **kwargs,
        )

    def test_attack_author_spoofing_addressed_is_refused(self):
        with self.mock_mail_gateway():
            with self.assertRaisesRegex(UserError, "privacy officer"):
                self._evil_post(self.protected, partner_ids=self.protected.ids)
        self.assertFalse(self._sent_to("secret.example"))
        self.assertNoSecret(self._mails)

    def test_attack_author_spoofing_to_followers_sends_nowhere(self):
        with self.mock_mail_gateway():
            self._evil_post(self.inquiry)
        self.assertFalse(self._sent_to("secret.example"))
        self.assertNoSecret(self._mails)

    def test_attack_template_in_officers_name_sends_nowhere(self):
        template = self.env["mail.template"].create(
            {
                "name": "Letter",
                "model_id": self.env["ir.model"]._get_id("citizen.inquiry"),
                "subject": "Your inquiry",
                "body_html": "<p>Please answer</p>",
                "partner_to": "{{ object.partner_id.id }}",
                "reply_to": "spy@evil.example",
            }
        )
        with self.mock_mail_gateway():
            mail_id = template.with_user(self.frontdesk).send_mail(
                self.inquiry.id,
                force_send=True,
                email_values={"author_id": self.officer.partner_id.id},
            )
        self.assertFalse(self._sent_to("secret.example"))
        mail = self.env["mail.mail"].sudo().browse(mail_id)
        self.assertFalse(mail.citizen_vault_release)

    def test_attack_vault_release_cannot_be_passed_in(self):
        mail = (
            self.env["mail.mail"]
            .with_user(self.frontdesk)
            .sudo()
            .create(
                {
                    "body_html": "<p>Hello</p>",
                    "recipient_ids": [(4, self.protected.id)],
                    "citizen_vault_release": True,
                }
            )
        )
        self.assertFalse(mail.citizen_vault_release)
        mail.write({"citizen_vault_release": True})
        self.assertFalse(mail.citizen_vault_release)
        with self.mock_mail_gateway():
            mail.send()
        self.assertFalse(self._sent_to("secret.example"))

    def test_attack_officer_with_foreign_reply_to_is_refused(self):
        """Even the officer's mail may not send the citizen's answer elsewhere."""
        with self.mock_mail_gateway():
            with self.assertRaisesRegex(UserError, "spy@evil.example"):
                self.protected.with_user(self.officer).message_post(
                    body="Answer from the privacy officer",
                    partner_ids=self.protected.ids,
                    reply_to="spy@evil.example",
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                )
        self.assertFalse(self._sent_to("secret.example"))

    def test_attack_reply_on_citizen_chatter_keeps_no_address(self):
        """A protected citizen answers the officer's message on their own
        record: Odoo routes it there by its References, not through citizen
        intake. Every employee reads that chatter and its followers get it.
        With the receiving server's pass the citizen is the author; without
        one (the default policy is strict for protected citizens) nobody is,
        and the address is withheld all the same."""
        parent = self.protected.with_user(self.officer).message_post(
            body="A question from the privacy officer",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self.protected.message_subscribe(partner_ids=self.frontdesk.partner_id.ids)
        verdicts = {
            "pass": (
                "Authentication-Results: mx.kommune.example; "
                "dmarc=pass header.from=secret.example\r\n",
                self.protected,
            ),
            "none": ("", self.env["res.partner"]),
        }
        for verdict, (header, author) in verdicts.items():
            with self.subTest(verdict=verdict):
                raw = (
                    f"{header}"
                    "From: Kari Skjult <kari.skjult@secret.example>\r\n"
                    "To: personvern@kommune.example\r\n"
                    "Reply-To: <kari.skjult@secret.example>\r\n"
                    "Subject: Re: A question\r\n"
                    f"Message-Id: <reply-vault-{verdict}@secret.example>\r\n"
                    f"In-Reply-To: {parent.message_id}\r\n"
                    f"References: {parent.message_id}\r\n"
                    "Date: Thu, 03 Dec 2026 10:00:00 +0100\r\n"
                    "Content-Type: text/plain; charset=utf-8\r\n"
                    "\r\n"
                    "Thank you, that is right.\r\n"
                )
                with self.mock_mail_gateway():
                    self.env["mail.thread"].message_process(False, raw.encode())
                message = self.env["mail.message"].search(
                    [("message_id", "=", f"<reply-vault-{verdict}@secret.example>")]
                )
                self.assertEqual(
                    (message.model, message.res_id),
                    ("res.partner", self.protected.id),
                )
                self.assertEqual(message.author_id, author)
                self.assertNoSecret(
                    message.with_user(self.employee).read(["email_from", "reply_to"])
                )
                self.assertNoSecret(self._mails)

    def test_unverified_sender_is_not_attributed(self):
        """The gateway marks a sender it could not verify (a forged From):
        the address is withheld all the same, the citizen is not the author."""
        message = self.protected.with_context(
            citizen_mail_sender_unverified="dmarc=fail"
        ).message_post(
            body="Forged",
            email_from="Kari Skjult <kari.skjult@secret.example>",
            message_type="email",
            subtype_xmlid="mail.mt_note",
        )
        self.assertFalse(message.author_id)
        self.assertNoSecret(message.email_from)
        self.assertNotIn("Kari", message.email_from)

    def test_vault_address_index_follows_changes(self):
        Partner = self.env["res.partner"]
        self.assertEqual(
            Partner._citizen_find_protected_by_email(
                "Kari <KARI.skjult@secret.example>"
            ),
            self.protected,
        )
        self.protected.with_user(
            self.officer
        ).citizen_protected_contact_ids.email = "kari.ny@secret.example"
        self.assertFalse(
            Partner._citizen_find_protected_by_email("kari.skjult@secret.example")
        )
        self.assertEqual(
            Partner._citizen_find_protected_by_email("kari.ny@secret.example"),
            self.protected,
        )
