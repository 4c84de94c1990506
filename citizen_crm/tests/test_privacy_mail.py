from odoo.addons.mail.tests.common import MailCase
from odoo.exceptions import UserError
from odoo.tests import tagged

from .privacy_common import PrivacyCase


@tagged("post_install", "-at_install")
class TestProtectedMail(PrivacyCase, MailCase):
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
