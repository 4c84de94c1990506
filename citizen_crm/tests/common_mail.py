"""Fixtures for the mail gateway tests: a queue with an alias on the test
alias domain, staff users, citizens, and helpers that feed real RFC 2822 text
to message_process as the fetcher's cron user (OdooBot) does."""

import email.policy
import time
from datetime import UTC
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from random import randint

from odoo import fields
from odoo.addons.mail.tests.common import MailCommon, mail_new_test_user

CORPUS_DIR = Path(__file__).parent / "mail_corpus"
ALIAS = "postmottak"
ALIAS_EMAIL = f"{ALIAS}@test.mycompany.com"


class CitizenMailCase(MailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_admin
        cls.company._citizen_ensure_inquiry_sequence()
        user_values = {
            "company_id": cls.company.id,
            "notification_type": "inbox",
        }
        cls.user_frontdesk = mail_new_test_user(
            cls.env,
            login="intake_frontdesk",
            name="Frida Frontdesk",
            email="frida.frontdesk@test.example.com",
            groups="citizen_crm.group_frontdesk",
            **user_values,
        )
        cls.user_caseworker = mail_new_test_user(
            cls.env,
            login="intake_caseworker",
            name="Carl Caseworker",
            email="carl.caseworker@test.example.com",
            groups="citizen_crm.group_caseworker",
            **user_values,
        )
        cls.user_supervisor = mail_new_test_user(
            cls.env,
            login="intake_supervisor",
            name="Siv Supervisor",
            email="siv.supervisor@test.example.com",
            groups="citizen_crm.group_supervisor",
            **user_values,
        )
        cls.queue = cls.env["citizen.queue"].create(
            {
                "name": "Postmottak",
                "code": "POST",
                "queue_type": "front_line",
                "company_id": cls.company.id,
                "alias_name": ALIAS,
                "alias_domain_id": cls.mail_alias_domain.id,
                "member_ids": [(4, cls.user_frontdesk.id), (4, cls.user_caseworker.id)],
            }
        )
        Partner = cls.env["res.partner"]
        cls.citizen = Partner.create(
            {
                "name": "Kari Nordmann",
                "email": "kari.nordmann@example.no",
                "is_citizen": True,
                "preferred_language": "nb",
            }
        )
        cls.citizen_nn = Partner.create(
            {
                "name": "Ola Vestland",
                "email": "ola.vestland@example.no",
                "is_citizen": True,
                "preferred_language": "nn",
            }
        )
        cls.citizen_en = Partner.create(
            {
                "name": "Jane Expat",
                "email": "jane.expat@example.com",
                "is_citizen": True,
                "preferred_language": "en",
            }
        )
        cls.family = Partner.create(
            [
                {
                    "name": name,
                    "email": "familien.hansen@example.no",
                    "is_citizen": True,
                }
                for name in ("Per Hansen", "Pål Hansen")
            ]
        )
        cls.channel_email = cls.env.ref("citizen_crm.channel_email")
        cls.user_root = cls.env.ref("base.user_root")

    # ------------------------------------------------------------
    # Building and feeding messages
    # ------------------------------------------------------------

    def build_mail(
        self,
        subject="Spørsmål om eiendomsskatt",
        email_from="Kari Nordmann <kari.nordmann@example.no>",
        to=ALIAS_EMAIL,
        body="Hei! Når kommer regningen for eiendomsskatt?",
        date=None,
        headers=None,
        attachments=(),
        html=None,
        msg_id=None,
    ):
        """An RFC 2822 message as text, built with the standard library."""
        message = EmailMessage(policy=email.policy.SMTP)
        message["From"] = email_from
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = msg_id or make_msgid(
            idstring=f"{time.time():.7f}-{randint(0, 99999)}", domain="mail.example.no"
        )
        message["Date"] = date or format_datetime(
            fields.Datetime.now().replace(tzinfo=UTC)
        )
        message.set_content(body)
        if html:
            message.add_alternative(html, subtype="html")
        for filename, content, mimetype in attachments:
            maintype, subtype = mimetype.split("/")
            message.add_attachment(
                content, maintype=maintype, subtype=subtype, filename=filename
            )
        # after the content, which would drop Content-* headers
        for name, value in (headers or {}).items():
            message[name] = value
        return message.as_string()

    def process(self, raw, model=False):
        """Run the mail gateway as the fetcher's cron does (OdooBot)."""
        return (
            self.env["mail.thread"]
            .with_user(self.user_root)
            .message_process(model, raw)
        )

    def corpus(self, name):
        return (CORPUS_DIR / name).read_bytes()

    def last_inquiry(self):
        return self.env["citizen.inquiry"].search([], order="id desc", limit=1)

    def inquiry_count(self):
        return (
            self.env["citizen.inquiry"].with_context(active_test=False).search_count([])
        )

    def dead_letter_count(self):
        return self.env["citizen.mail.dead.letter"].search_count([])

    def sent_mails(self, email_to):
        """mail.mail created during the test for an address."""
        return self._new_mails.filtered(
            lambda mail: (
                email_to in (mail.email_to or "")
                or email_to in mail.recipient_ids.mapped("email_normalized")
            )
        )
