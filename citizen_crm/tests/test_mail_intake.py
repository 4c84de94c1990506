from datetime import date, datetime, timedelta

from odoo.addons.citizen_crm.models import national_id as nid
from odoo.tests import tagged
from odoo.tests.common import freeze_time
from odoo.tools import mute_logger

from .common import ALIAS_EMAIL, CitizenMailCommon

NOW = "2026-03-02 10:00:00"
DATE_HEADER = "Mon, 02 Mar 2026 09:15:00 +0100"
EN_DASH = "\u2013"


@tagged("post_install", "-at_install", "citizen_mail")
@freeze_time(NOW)
class TestMailIntake(CitizenMailCommon):
    """New mail to a queue alias becomes an inquiry of that queue."""

    def test_new_mail_from_unknown_sender(self):
        partners_before = self.env["res.partner"].search_count([])
        raw = self.build_mail(
            subject="Byggesøknad for garasje",
            email_from='"Ukjent Person" <Ukjent.Person@Example.org>',
            body="Trenger jeg å søke om å bygge en garasje på 40 m2?",
            date=DATE_HEADER,
            attachments=[("situasjonskart.pdf", b"%PDF-1.4 kart", "application/pdf")],
        )
        with self.mock_mail_gateway():
            thread_id = self.process(raw)

        inquiry = self.env["citizen.inquiry"].browse(thread_id)
        self.assertEqual(inquiry, self.last_inquiry())
        self.assertEqual(inquiry.queue_id, self.queue)
        self.assertEqual(inquiry.company_id, self.company)
        self.assertEqual(inquiry.channel_id, self.channel_email)
        self.assertEqual(inquiry.name, "Byggesøknad for garasje")
        self.assertIn("garasje på 40 m2", inquiry.description)
        self.assertEqual(inquiry.date_received, datetime(2026, 3, 2, 8, 15))
        self.assertEqual(inquiry.date_deadline, datetime(2026, 3, 16, 8, 15))
        self.assertTrue(inquiry.number.startswith("HEN-2026-"))
        self.assertFalse(inquiry.user_id, "the gateway user is not the assignee")
        # privacy: no partner is created from an unknown address
        self.assertFalse(inquiry.partner_id)
        self.assertFalse(inquiry.needs_partner_match)
        self.assertEqual(inquiry.partner_name, "Ukjent Person")
        self.assertEqual(inquiry.partner_email, "ukjent.person@example.org")
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)
        # the mail itself, with its attachment, is in the history
        incoming = inquiry.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(incoming), 1)
        self.assertFalse(incoming.author_id)
        self.assertEqual(incoming.attachment_ids.mapped("name"), ["situasjonskart.pdf"])
        self.assertEqual(incoming.attachment_ids.res_id, inquiry.id)

    def test_cc_kept_on_the_inquiry(self):
        # as mail.thread.cc does: the inquiry's own message_new replaces it
        raw = self.build_mail(
            headers={"Cc": "Advokat Berg <berg@advokat.example.no>, ola@example.no"}
        )
        with self.mock_mail_gateway():
            inquiry = self.env["citizen.inquiry"].browse(self.process(raw))
        self.assertEqual(
            inquiry.email_cc,
            '"Advokat Berg" <berg@advokat.example.no>, ola@example.no',
        )

    def test_sender_matched_case_insensitive(self):
        raw = self.build_mail(email_from="KARI.Nordmann@EXAMPLE.no")
        with self.mock_mail_gateway():
            inquiry = self.env["citizen.inquiry"].browse(self.process(raw))
        self.assertEqual(inquiry.partner_id, self.citizen)
        self.assertFalse(inquiry.needs_partner_match)
        self.assertEqual(inquiry.partner_name, "Kari Nordmann")
        incoming = inquiry.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(incoming.author_id, self.citizen)

    def test_sender_match_is_exact_and_limited_to_citizens(self):
        Partner = self.env["res.partner"]
        Partner.create({"name": "Not a citizen", "email": "firma@example.no"})
        other_company = Partner.create(
            {
                "name": "Citizen elsewhere",
                "email": "annen.kommune@example.no",
                "is_citizen": True,
                "company_id": self.company_2.id,
            }
        )
        with self.mock_mail_gateway():
            firm = self.env["citizen.inquiry"].browse(
                self.process(self.build_mail(email_from="firma@example.no"))
            )
            elsewhere = self.env["citizen.inquiry"].browse(
                self.process(self.build_mail(email_from=other_company.email))
            )
            prefix = self.env["citizen.inquiry"].browse(
                self.process(self.build_mail(email_from="nordmann@example.no"))
            )
        self.assertFalse(firm.partner_id)
        self.assertFalse(elsewhere.partner_id)
        self.assertFalse(prefix.partner_id, "a partial address matches nobody")
        self.assertFalse(any((firm | elsewhere | prefix).mapped("needs_partner_match")))

    def test_shared_address_flags_manual_match(self):
        raw = self.build_mail(email_from="Familien Hansen <familien.hansen@example.no>")
        with self.mock_mail_gateway():
            inquiry = self.env["citizen.inquiry"].browse(self.process(raw))
        self.assertFalse(inquiry.partner_id, "no citizen is chosen among several")
        self.assertTrue(inquiry.needs_partner_match)
        self.assertEqual(inquiry.partner_email, "familien.hansen@example.no")
        incoming = inquiry.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertFalse(incoming.author_id, "nor as author of the message")
        self.assertIn(
            inquiry,
            self.env["citizen.inquiry"].search([("needs_partner_match", "=", True)]),
        )
        # replying from the inquiry proposes the address, not one of the family
        suggested = inquiry.with_user(
            self.user_frontdesk
        )._message_get_suggested_recipients()
        suggested_family = [
            s for s in suggested if s["email"] == "familien.hansen@example.no"
        ]
        self.assertEqual(len(suggested_family), 1)
        self.assertFalse(suggested_family[0]["partner_id"])
        # staff link the right citizen: the flag goes
        inquiry.with_user(self.user_frontdesk).partner_id = self.family[1]
        self.assertFalse(inquiry.needs_partner_match)

    def test_long_subject_is_truncated_on_the_inquiry_only(self):
        subject = "Klage " + "veldig " * 400 + "lang"
        raw = self.build_mail(subject=subject)
        with self.mock_mail_gateway():
            inquiry = self.env["citizen.inquiry"].browse(self.process(raw))
        self.assertLessEqual(len(inquiry.name), 200)
        self.assertTrue(inquiry.name.endswith("…"))
        incoming = inquiry.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(incoming.subject, subject)

    def test_lying_date_header_does_not_move_the_received_date(self):
        for header in (
            "Fri, 31 Dec 2099 23:59:59 +0000",
            "Thu, 01 Jan 1970 00:00:00 +0000",
        ):
            with self.subTest(date=header), self.mock_mail_gateway():
                inquiry = self.env["citizen.inquiry"].browse(
                    self.process(self.build_mail(date=header))
                )
                self.assertEqual(inquiry.date_received, datetime(2026, 3, 2, 10, 0))
                self.assertTrue(inquiry.number.startswith("HEN-2026-"))

    def test_mail_to_another_queue(self):
        other = self.env["citizen.queue"].create(
            {
                "name": "Byggesak",
                "code": "BYGG",
                "company_id": self.company.id,
                "alias_name": "byggesak",
                "alias_domain_id": self.mail_alias_domain.id,
            }
        )
        raw = self.build_mail(to="byggesak@test.mycompany.com")
        with self.mock_mail_gateway():
            inquiry = self.env["citizen.inquiry"].browse(self.process(raw))
        self.assertEqual(inquiry.queue_id, other)


@tagged("post_install", "-at_install", "citizen_mail")
@freeze_time(NOW)
class TestMailReplies(CitizenMailCommon):
    """Replies land in the inquiry they answer."""

    def _new_inquiry(self):
        raw = self.build_mail(subject="Søppeltømming", msg_id="<first@mail.example.no>")
        with self.mock_mail_gateway():
            inquiry = self.env["citizen.inquiry"].browse(self.process(raw))
        ack = inquiry.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        self.assertEqual(len(ack), 1)
        return inquiry, ack

    def test_reply_to_acknowledgement_by_in_reply_to(self):
        inquiry, ack = self._new_inquiry()
        count = self.inquiry_count()
        reply = self.build_mail(
            subject=f"Re: {ack.subject}",
            body="Jeg glemte å si at det gjelder hytta.",
            headers={"In-Reply-To": ack.message_id},
        )
        with self.mock_mail_gateway():
            thread_id = self.process(reply)
        self.assertEqual(thread_id, inquiry.id)
        self.assertEqual(self.inquiry_count(), count)
        self.assertIn("gjelder hytta", inquiry.message_ids[0].body)
        self.assertFalse(self._new_mails, "no second acknowledgement")

    def test_reply_by_references(self):
        inquiry, ack = self._new_inquiry()
        reply = self.build_mail(
            subject="Re: noe helt annet",
            headers={"References": f"<unknown@elsewhere.example> {ack.message_id}"},
        )
        with self.mock_mail_gateway():
            self.assertEqual(self.process(reply), inquiry.id)

    def test_reply_by_number_in_subject(self):
        inquiry, _ack = self._new_inquiry()
        count = self.inquiry_count()
        # a client that drops the headers but keeps the number in the subject
        reply = self.build_mail(
            subject=f"SV: Vi har mottatt henvendelsen din - {inquiry.number}"
        )
        with self.mock_mail_gateway():
            self.assertEqual(self.process(reply), inquiry.id)
        self.assertEqual(self.inquiry_count(), count)
        self.assertFalse(self._new_mails)

    def test_number_in_subject_from_another_sender_is_a_new_inquiry(self):
        inquiry, _ack = self._new_inquiry()
        raw = self.build_mail(
            subject=f"Re: {inquiry.number}", email_from="inntrenger@example.com"
        )
        with self.mock_mail_gateway():
            thread_id = self.process(raw)
        self.assertNotEqual(thread_id, inquiry.id, "numbers are guessable")
        self.assertEqual(
            self.env["citizen.inquiry"].browse(thread_id).partner_email,
            "inntrenger@example.com",
        )

    def test_reply_reopens_closed_inquiry_and_notifies_assignee(self):
        inquiry, ack = self._new_inquiry()
        inquiry.user_id = self.user_caseworker
        inquiry._citizen_close("first_contact")
        self.assertTrue(inquiry.is_closed)
        reply = self.build_mail(
            subject=f"Re: {ack.subject}", headers={"In-Reply-To": ack.message_id}
        )
        with self.mock_mail_gateway():
            self.process(reply)
        self.assertFalse(inquiry.is_closed)
        self.assertFalse(inquiry.resolution)
        self.assertEqual(inquiry.stage_id, self.env.ref("citizen_crm.stage_new"))
        reopened = inquiry.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("citizen_crm.mt_inquiry_reopened")
        )
        self.assertEqual(len(reopened), 1)
        self.assertIn(
            self.user_caseworker.partner_id,
            reopened.notification_ids.res_partner_id,
            "the assignee is notified",
        )

    def test_auto_reply_does_not_reopen(self):
        inquiry, ack = self._new_inquiry()
        inquiry._citizen_close("first_contact")
        reply = self.build_mail(
            subject=f"Fraværsmelding: {ack.subject}",
            headers={"In-Reply-To": ack.message_id, "Auto-Submitted": "auto-replied"},
        )
        with self.mock_mail_gateway():
            self.assertEqual(self.process(reply), inquiry.id)
        self.assertTrue(inquiry.is_closed, "an out-of-office reply is only logged")
        self.assertFalse(self._new_mails)


@tagged("post_install", "-at_install", "citizen_mail")
@freeze_time(NOW)
class TestMailAcknowledgement(CitizenMailCommon):
    """One acknowledgement per new inquiry, never to automated mail."""

    def _ack_for(self, raw, email_to):
        with self.mock_mail_gateway():
            inquiry = self.env["citizen.inquiry"].browse(self.process(raw))
        return inquiry, self.sent_mails(email_to)

    def test_acknowledgement_in_the_citizens_language(self):
        cases = [
            (self.citizen, "Vi har mottatt henvendelsen din", "regne med svar innen"),
            (self.citizen_nn, "Vi har motteke henvendinga di", "rekne med svar innan"),
            (self.citizen_en, "We have received your inquiry", "expect an answer by"),
        ]
        for citizen, subject, sentence in cases:
            with self.subTest(language=citizen.lang):
                inquiry, mails = self._ack_for(
                    self.build_mail(email_from=citizen.email), citizen.email
                )
                self.assertEqual(len(mails), 1)
                self.assertEqual(mails.subject, f"{subject} {EN_DASH} {inquiry.number}")
                self.assertIn(sentence, mails.body_html)
                self.assertIn(inquiry.number, mails.body_html)
                self.assertEqual(mails.recipient_ids, citizen)
                self.assertEqual(inquiry.date_acknowledged, datetime(2026, 3, 2, 10, 0))

    def test_acknowledgement_date_and_headers(self):
        inquiry, mail = self._ack_for(self.build_mail(), self.citizen.email)
        self.assertEqual(inquiry.date_deadline, datetime(2026, 3, 16, 10, 0))
        self.assertIn("16. mars 2026", mail.body_html)
        headers = mail.headers
        self.assertIn("'Auto-Submitted': 'auto-replied'", headers)
        self.assertIn(ALIAS_EMAIL, mail.reply_to)
        self.assertIn("citizen-inquiry-ack", mail.message_id)

    def test_acknowledgement_in_the_chatter_with_delivery_status(self):
        raw = self.build_mail(msg_id="<original@mail.example.no>")
        inquiry, mail = self._ack_for(raw, self.citizen.email)
        message = mail.mail_message_id
        self.assertIn(message, inquiry.message_ids)
        self.assertEqual(message.message_type, "auto_comment")
        self.assertFalse(message.author_id)
        self.assertIn("regne med svar innen", message.body)
        self.assertNotIn("<html", message.body, "the chatter shows the text only")
        self.assertIn(inquiry.number, mail.body_html, "sent in Odoo's light layout")
        self.assertEqual(
            message.notification_ids.mapped(
                lambda n: (n.res_partner_id, n.notification_type, n.mail_mail_id)
            ),
            [(self.citizen, "email", mail)],
        )
        self.assertEqual(mail.references, "<original@mail.example.no>")
        self.assertIn(f"'X-Odoo-Objects': 'citizen.inquiry-{inquiry.id}'", mail.headers)

    def test_acknowledgement_of_unknown_sender_language_from_header(self):
        for language, subject in (
            ("en-GB", "We have received your inquiry"),
            ("nn-NO", "Vi har motteke henvendinga di"),
            ("de", "Vi har mottatt henvendelsen din"),
        ):
            with self.subTest(language=language):
                address = f"ukjent.{language.lower()}@example.org"
                inquiry, mail = self._ack_for(
                    self.build_mail(
                        email_from=address, headers={"Content-Language": language}
                    ),
                    address,
                )
                self.assertEqual(mail.subject, f"{subject} {EN_DASH} {inquiry.number}")
                self.assertIn(address, mail.email_to)
                self.assertFalse(mail.recipient_ids)

    def test_acknowledgement_holds_no_identity_number_or_address(self):
        national_id = next(
            number
            for individual in range(100, 200)
            if (number := nid.generate(date(1970, 1, 1), individual))
        )
        self.env["res.partner"].sudo().browse(self.citizen.id).write(
            {
                "national_id": national_id,
                "street": "Storgata 12",
                "zip": "0155",
                "city": "Oslo",
            }
        )
        raw = self.build_mail(
            subject=f"Søknad for {national_id}, Storgata 12",
            body=f"Fødselsnummeret mitt er {national_id}, jeg bor i Storgata 12.",
        )
        inquiry, mail = self._ack_for(raw, self.citizen.email)
        self.assertEqual(len(mail), 1)
        for secret in (national_id, national_id[:6], "Storgata", "0155"):
            self.assertNotIn(secret, mail.subject)
            self.assertNotIn(secret, mail.body_html)
            self.assertNotIn(secret, mail.headers)
        self.assertIn(inquiry.number, mail.subject)

    def test_no_acknowledgement_for_automated_mail(self):
        cases = {
            "auto-replied": {"Auto-Submitted": "auto-replied"},
            "auto-generated": {"Auto-Submitted": "auto-generated; owner=x"},
            "bulk": {"Precedence": "bulk"},
            "list": {"Precedence": "list"},
            "junk": {"Precedence": "junk"},
            "list-id": {"List-Id": "<nyhetsbrev.example.org>"},
            "list-unsubscribe": {"List-Unsubscribe": "<mailto:unsub@example.org>"},
            "suppress": {"X-Auto-Response-Suppress": "OOF, AutoReply"},
            "null return path": {"Return-Path": "<>"},
            "reply to ack": {
                "In-Reply-To": "<0.1-openerp-citizen-inquiry-ack@old.host>",
            },
        }
        for name, headers in cases.items():
            with self.subTest(case=name):
                address = f"auto.{name.replace(' ', '-')}@example.org"
                inquiry, mails = self._ack_for(
                    self.build_mail(email_from=address, headers=headers), address
                )
                self.assertTrue(inquiry, "the mail still becomes an inquiry")
                self.assertFalse(mails)
                self.assertFalse(inquiry.date_acknowledged)

    def test_no_acknowledgement_for_no_reply_senders(self):
        for address in (
            "noreply@nav.no",
            "no-reply@digipost.no",
            "do_not_reply@example.com",
            "ikke-svar@skatteetaten.no",
            "noreply+1234@bank.example",
            f"{self.alias_catchall}@{self.alias_domain}",
        ):
            with self.subTest(address=address):
                inquiry, mails = self._ack_for(
                    self.build_mail(email_from=address), address
                )
                self.assertFalse(mails)
                self.assertFalse(inquiry.date_acknowledged)

    def test_same_acknowledgement_to_a_citizen_under_contact_restriction(self):
        # the address moves to the privacy vault
        self.citizen.sudo().citizen_contact_via_officer = True
        self.assertFalse(self.citizen.email)
        # a protected citizen is matched only when the sender is verified
        raw = (
            "Authentication-Results: mx.kommune.example; dmarc=pass "
            "header.from=example.no\n" + self.build_mail()
        )
        inquiry, mails = self._ack_for(raw, "kari.nordmann@example.no")
        self.assertEqual(inquiry.partner_id, self.citizen, "matched in the vault")
        self.assertFalse(inquiry.partner_email)
        # A missing acknowledgement would tell whoever reads the mailbox that
        # the citizen is protected: they get the one anyone gets, at the
        # address they wrote from, and the chatter names them, not it.
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.email_to, "kari.nordmann@example.no")
        self.assertEqual(
            mails.subject, f"Vi har mottatt henvendelsen din {EN_DASH} {inquiry.number}"
        )
        self.assertEqual(inquiry.date_acknowledged, datetime(2026, 3, 2, 10, 0))
        self.assertEqual(
            mails.mail_message_id.notification_ids.res_partner_id, self.citizen
        )
        self.assertFalse(mails.mail_message_id.notification_ids.mail_email_address)
        self.assertFalse(
            self.env["citizen.audit.log"]
            .sudo()
            .search([("action", "=", "mail_blocked")])
        )

    def test_auto_submitted_no_is_answered(self):
        _inquiry, mails = self._ack_for(
            self.build_mail(headers={"Auto-Submitted": "no"}), self.citizen.email
        )
        self.assertEqual(len(mails), 1)

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_delivery_report_creates_nothing(self):
        count = self.inquiry_count()
        raw = self.build_mail(
            email_from="MAILER-DAEMON@mx.example.no",
            subject="Undelivered Mail Returned to Sender",
        )
        with self.mock_mail_gateway():
            self.process(raw)
        self.assertEqual(self.inquiry_count(), count)
        self.assertFalse(self._new_mails)


@tagged("post_install", "-at_install", "citizen_mail")
@freeze_time(NOW)
class TestMailAnswers(CitizenMailCommon):
    """Answers written from the inquiry."""

    def test_answer_reply_to_queue_and_first_response(self):
        with self.mock_mail_gateway():
            inquiry = self.env["citizen.inquiry"].browse(
                self.process(self.build_mail())
            )
        self.assertFalse(
            inquiry.date_first_response, "the acknowledgement is no answer"
        )
        inquiry_fd = inquiry.with_user(self.user_frontdesk)
        with freeze_time("2026-03-02 11:00:00"):
            inquiry_fd.message_post(
                body="Et internt notat.",
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        self.assertFalse(inquiry.date_first_response, "an internal note is no answer")
        with freeze_time("2026-03-02 12:30:00"), self.mock_mail_gateway():
            inquiry_fd.message_post(
                body="Regningen kommer i april.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.citizen.ids,
            )
        self.assertEqual(inquiry.date_first_response, datetime(2026, 3, 2, 12, 30))
        mail = self.sent_mails(self.citizen.email)
        self.assertEqual(len(mail), 1)
        self.assertIn(ALIAS_EMAIL, mail.reply_to)
        # a later answer keeps the first response date
        with freeze_time("2026-03-03 09:00:00"), self.mock_mail_gateway():
            inquiry_fd.message_post(
                body="Og en til.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.citizen.ids,
            )
        self.assertEqual(inquiry.date_first_response, datetime(2026, 3, 2, 12, 30))


@tagged("post_install", "-at_install", "citizen_mail")
class TestMailLoopGuard(CitizenMailCommon):
    """Odoo's per-sender loop guard works on inquiries, on an index."""

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_loop_guard_stops_a_flooding_sender(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "mail.gateway.loop.threshold", 3
        )
        count = self.inquiry_count()
        with self.mock_mail_gateway():
            for index in range(5):
                self.process(
                    self.build_mail(
                        subject=f"Autosvar {index}", email_from="Robot@Loop.example.org"
                    )
                )
        self.assertEqual(self.inquiry_count(), count + 3)
        # another sender is not affected
        with self.mock_mail_gateway():
            self.process(self.build_mail(email_from="annen@example.org"))
        self.assertEqual(self.inquiry_count(), count + 4)

    def test_loop_guard_domain_uses_the_indexed_column(self):
        Inquiry = self.env["citizen.inquiry"]
        self.assertEqual(
            Inquiry._detect_loop_sender_domain("robot@loop.example.org"),
            [("partner_email_normalized", "=", "robot@loop.example.org")],
        )
        self.assertEqual(Inquiry._detect_loop_sender_domain(False), [])
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'citizen_inquiry' "
            "AND indexdef LIKE %s",
            ["%(partner_email_normalized, create_date)%"],
        )
        self.assertEqual(len(self.env.cr.fetchall()), 1)
        since = datetime.now() - timedelta(hours=2)
        query = Inquiry.sudo()._search(
            [
                ("create_date", ">=", since),
                *Inquiry._detect_loop_sender_domain("robot@loop.example.org"),
            ]
        )
        sql = query.select().code
        self.assertIn('"citizen_inquiry"."partner_email_normalized" IN', sql)
        self.assertNotIn("ILIKE", sql)
