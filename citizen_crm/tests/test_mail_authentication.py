"""The From address is a claim: the mail gateway believes it only as far as
the receiving server's Authentication-Results and the sender policy allow,
and never runs as the staff member it names."""

import email
import email.policy
import time

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import TransactionCase, tagged
from odoo.tests.common import freeze_time

from ..models.mail_authentication import (
    FAIL,
    MAX_HEADER_CHARS,
    NONE,
    PASS,
    parse_header,
    sender_verdict,
)
from .common import CitizenMailCommon

NOW = "2026-03-02 10:00:00"
MX = "mx.kommune.example"
DMARC_FAIL = f"{MX}; dmarc=fail (p=reject dis=none) header.from=example.no"
DMARC_PASS = (
    f"{MX}; dkim=pass header.d=example.no header.s=s1; "
    "spf=pass smtp.mailfrom=example.no; dmarc=pass header.from=example.no"
)
PROTECTED_EMAIL = "tone.skjult@example.no"
POLICY_PARAM = "citizen_crm.mail_sender_policy"
SERVERS_PARAM = "citizen_crm.mail_auth_servers"


def with_results(raw, *values):
    """``raw`` with Authentication-Results headers on top, as MTAs add them
    (the first value topmost)."""
    lines = "".join(f"Authentication-Results: {value}\n" for value in values)
    return lines + raw


@tagged("post_install", "-at_install", "citizen_mail")
class TestAuthenticationResults(TransactionCase):
    """RFC 8601 parsing and the verdict, without a database."""

    def test_parse_comments_quotes_folding_and_versions(self):
        authserv_id, results = parse_header(
            "MX.Kommune.Example 1;\r\n\tdkim = pass (good (nested) sig) "
            'header.d="example.no" header.s=s1;\r\n spf=softfail '
            "smtp.mailfrom=bounce@evil.example (sender; not permitted); "
            "dmarc/1=none"
        )
        self.assertEqual(authserv_id, "mx.kommune.example")
        self.assertEqual(
            results,
            [
                ("dkim", "pass", {"header.d": "example.no", "header.s": "s1"}),
                ("spf", "softfail", {"smtp.mailfrom": "bounce@evil.example"}),
                ("dmarc", "none", {}),
            ],
        )

    def test_verdicts(self):
        cases = [
            (DMARC_PASS, PASS),
            (DMARC_FAIL, FAIL),
            # DMARC weighed DKIM and SPF already
            (f"{MX}; dkim=pass header.d=example.no; dmarc=fail", FAIL),
            (f"{MX}; dmarc=temperror", FAIL),
            (f"{MX}; dmarc=pass header.from=evil.example", FAIL),
            # no DMARC policy: an aligned DKIM or SPF pass
            (f"{MX}; dkim=pass header.d=example.no; dmarc=none", PASS),
            (f"{MX}; dkim=pass header.i=@mail.example.no", PASS),
            (f"{MX}; spf=pass smtp.mailfrom=bounce@no", PASS),
            (f"{MX}; dkim=pass header.d=evil.example", FAIL),
            (f"{MX}; spf=pass smtp.mailfrom=example.no.evil.example", FAIL),
            (f"{MX}; spf=pass smtp.mailfrom=notexample.no", FAIL),
            (f"{MX}; spf=neutral smtp.mailfrom=example.no", FAIL),
            (f"{MX}; none", NONE),
            ("", NONE),
        ]
        for value, expected in cases:
            with self.subTest(value=value):
                verdict, detail = sender_verdict([value], "example.no")
                self.assertEqual(verdict, expected, detail)
        self.assertEqual(sender_verdict([], "example.no")[0], NONE)

    def test_only_our_servers_headers_count(self):
        forged = "evil.example; dmarc=pass header.from=example.no"
        # below our server's header: written before the mail reached us
        self.assertEqual(sender_verdict([DMARC_FAIL, forged], "example.no")[0], FAIL)
        # configured: a header of another server on top is not ours
        self.assertEqual(sender_verdict([forged], "example.no", [MX])[0], NONE)
        # a trusted id below another server's header was there before
        self.assertEqual(
            sender_verdict([forged, DMARC_PASS], "example.no", [MX])[0], NONE
        )
        # several filters of our servers write one header each
        self.assertEqual(
            sender_verdict(
                [f"{MX}; spf=fail smtp.mailfrom=x.example", DMARC_PASS],
                "example.no",
                [MX, "filter.kommune.example"],
            )[0],
            PASS,
        )

    def test_long_header_is_read_in_linear_time(self):
        values = [
            f"{MX}; " + "x" * 262144,
            f"{MX}; dkim=" + "(" * 131072 + '"' * 131072,
            f"{MX}; " + " =" * 131072,
            f"{MX}; " + ";" * 262144,
        ]
        started = time.monotonic()
        for value in values:
            sender_verdict([value] * 20, "example.no")
        self.assertLess(time.monotonic() - started, 1.0)
        self.assertGreater(MAX_HEADER_CHARS, 1000)


@tagged("post_install", "-at_install", "citizen_mail")
@freeze_time(NOW)
class TestMailSenderAuthentication(CitizenMailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Registered as the registry delivers it: the address goes to the vault.
        cls.protected = cls.env["res.partner"].create(
            {
                "name": "Tone Skjult",
                "email": PROTECTED_EMAIL,
                "is_citizen": True,
                "lang": "nb_NO",
                "address_protection": "strengt_fortrolig",
            }
        )
        cls.ICP = cls.env["ir.config_parameter"].sudo()

    def _inquiry(self, raw):
        with self.mock_mail_gateway():
            return self.env["citizen.inquiry"].browse(self.process(raw))

    def _kari_inquiry_closed(self):
        """Kari's genuine inquiry, answered and closed."""
        inquiry = self._inquiry(
            with_results(self.build_mail(subject="Søppeltømming"), DMARC_PASS)
        )
        self.assertEqual(inquiry.partner_id, self.citizen)
        inquiry._citizen_close("first_contact")
        self.flush_tracking()
        return inquiry

    def _incoming(self, inquiry):
        return inquiry.message_ids.filtered(lambda m: m.message_type == "email")

    def _assert_unidentified(self, inquiry, reason):
        self.assertFalse(inquiry.partner_id, "no citizen from a claimed address")
        self.assertFalse(self._incoming(inquiry).author_id, "nor an author")
        notes = inquiry.message_ids.filtered(
            lambda m: "could not be verified" in (m.body or "")
        )
        self.assertEqual(len(notes), 1, "the reason is in the chatter")
        self.assertTrue(notes.subtype_id.internal)
        self.assertIn(reason, notes.body)

    # ------------------------------------------------------------
    # Item 4: a forged From writes into a citizen's inquiry
    # ------------------------------------------------------------

    def test_attack_forged_from_with_number_and_dmarc_fail(self):
        kari = self._kari_inquiry_closed()
        messages = kari.message_ids
        count = self.inquiry_count()
        forged = with_results(
            self.build_mail(
                subject=f"Re: {kari.number}",
                body="Send svaret til kari.ny@evil.example i stedet.",
            ),
            DMARC_FAIL,
        )
        inquiry = self._inquiry(forged)
        self.assertNotEqual(inquiry, kari)
        self.assertEqual(self.inquiry_count(), count + 1)
        self._assert_unidentified(inquiry, "dmarc=fail")
        self.assertEqual(inquiry.queue_id, self.queue)
        # Kari's inquiry is untouched: still closed, no new message
        self.assertTrue(kari.is_closed)
        self.assertEqual(kari.message_ids, messages)
        portal = self.env["citizen.inquiry"].search(
            kari._citizen_portal_owner_domain(self.citizen)
        )
        self.assertIn(kari, portal)
        self.assertNotIn(inquiry, portal, "not on Kari's portal")

    def test_attack_forged_reply_by_references_with_dmarc_fail(self):
        kari = self._kari_inquiry_closed()
        ack = kari.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        forged = with_results(
            self.build_mail(
                subject=f"Re: {ack.subject}", headers={"In-Reply-To": ack.message_id}
            ),
            DMARC_FAIL,
        )
        inquiry = self._inquiry(forged)
        self.assertNotEqual(inquiry, kari)
        self._assert_unidentified(inquiry, "dmarc=fail")
        self.assertTrue(kari.is_closed, "nothing reopened")

    def test_attack_forged_protected_citizen_without_authentication_results(self):
        genuine = self._inquiry(
            with_results(self.build_mail(email_from=PROTECTED_EMAIL), DMARC_PASS)
        )
        self.assertEqual(genuine.partner_id, self.protected)
        genuine._citizen_close("first_contact")
        self.flush_tracking()
        original = self._incoming(genuine)
        messages = genuine.message_ids
        for name, headers in (
            ("new mail", {}),
            ("reply", {"In-Reply-To": original.message_id}),
        ):
            with self.subTest(case=name):
                inquiry = self._inquiry(
                    self.build_mail(
                        email_from=f"Tone Skjult <{PROTECTED_EMAIL}>",
                        subject=f"Re: {genuine.number}",
                        headers=headers,
                    )
                )
                self.assertNotEqual(inquiry, genuine)
                self._assert_unidentified(inquiry, "no authentication result")
                self.assertFalse(inquiry.partner_email, "the address stays hidden")
                self.assertFalse(inquiry.needs_partner_match)
        self.assertTrue(genuine.is_closed)
        self.assertEqual(genuine.message_ids, messages)

    def test_attack_untrusted_header_is_ignored(self):
        self.ICP.set_param(SERVERS_PARAM, f"{MX}, filter.kommune.example")
        forged = with_results(
            self.build_mail(email_from=PROTECTED_EMAIL),
            "evil.example; dmarc=pass header.from=example.no",
        )
        inquiry = self._inquiry(forged)
        self._assert_unidentified(inquiry, "no authentication result")

    def test_genuine_pass_threads_and_reopens(self):
        kari = self._kari_inquiry_closed()
        reply = with_results(self.build_mail(subject=f"SV: {kari.number}"), DMARC_PASS)
        self.assertEqual(self._inquiry(reply), kari)
        self.assertFalse(kari.is_closed)
        self.assertEqual(self._incoming(kari)[:1].author_id, self.citizen)

    def test_unprotected_citizen_without_header_threads_by_default(self):
        kari = self._kari_inquiry_closed()
        self.assertEqual(
            self._inquiry(self.build_mail(subject=f"SV: {kari.number}")), kari
        )

    def test_policy_off_keeps_todays_behaviour(self):
        self.ICP.set_param(POLICY_PARAM, "off")
        kari = self._kari_inquiry_closed()
        forged = with_results(self.build_mail(subject=f"Re: {kari.number}"), DMARC_FAIL)
        self.assertEqual(self._inquiry(forged), kari)
        protected = self._inquiry(self.build_mail(email_from=PROTECTED_EMAIL))
        self.assertEqual(protected.partner_id, self.protected)

    def test_policy_all_wants_a_pass_from_everyone(self):
        self.ICP.set_param(POLICY_PARAM, "all")
        kari = self._kari_inquiry_closed()
        inquiry = self._inquiry(self.build_mail(subject=f"Re: {kari.number}"))
        self.assertNotEqual(inquiry, kari)
        self._assert_unidentified(inquiry, "no authentication result")
        self.assertEqual(inquiry.partner_email, self.citizen.email)
        reply = with_results(self.build_mail(subject=f"Re: {kari.number}"), DMARC_PASS)
        self.assertEqual(self._inquiry(reply), kari)

    def test_verdict_is_set_for_replies_to_other_apps(self):
        """A reply Odoo routes to another record (a contact's chatter) carries
        the verdict too, for whoever authors it from the address."""
        message = self.protected.message_post(body="Notat", message_type="comment")
        raw = self.build_mail(
            email_from=PROTECTED_EMAIL, headers={"In-Reply-To": message.message_id}
        )
        Thread = self.env["mail.thread"]
        parsed = email.message_from_string(raw, policy=email.policy.SMTP)
        message_dict = Thread.message_parse(parsed)
        routes = [("res.partner", self.protected.id, None, self.env.uid, None)]
        unverified, authenticated = Thread._citizen_sender_check(
            parsed, message_dict, routes
        )
        self.assertIn("no authentication result", unverified)
        self.assertFalse(authenticated)

    # ------------------------------------------------------------
    # Low: the gateway runs as a staff user when From matches one
    # ------------------------------------------------------------

    def test_attack_mail_from_supervisor_address_runs_as_gateway(self):
        raw = self.build_mail(
            email_from=f"Siv Supervisor <{self.user_supervisor.email}>",
            subject="Intern: flytt saken",
        )
        inquiry = self._inquiry(raw)
        self.assertNotEqual(inquiry.create_uid, self.user_supervisor)
        self.assertEqual(inquiry.create_uid, self.user_root)
        incoming = self._incoming(inquiry)
        self.assertNotEqual(incoming.create_uid, self.user_supervisor)
        self.assertFalse(
            inquiry.message_ids.filtered(
                lambda m: (
                    m.create_uid == self.user_supervisor
                    or (
                        m.author_id == self.user_supervisor.partner_id
                        and m.message_type != "email"
                    )
                )
            ),
            "nothing is written in the supervisor's name by the system",
        )

    def test_attack_mail_from_caseworker_address_reaches_their_queue(self):
        """Through a fetcher delivering to inquiries (no alias), Odoo would
        register the mail as the caseworker whose address is in From, in
        their own back-office queue instead of the front line."""
        caseworker = mail_new_test_user(
            self.env,
            login="intake_barnevern",
            name="Berit Barnevern",
            email="berit.barnevern@test.example.com",
            groups="citizen_crm.group_caseworker",
            company_id=self.company.id,
        )
        self.env["citizen.queue"].create(
            {
                "name": "Barnevern",
                "code": "BV",
                "queue_type": "back_office",
                "company_id": self.company.id,
                "member_ids": [(4, caseworker.id)],
            }
        )
        self.company.citizen_default_queue_id = self.queue
        raw = self.build_mail(
            email_from=caseworker.email, to="someone@elsewhere.example"
        )
        with self.mock_mail_gateway():
            inquiry = self.env["citizen.inquiry"].browse(
                self.process(raw, model="citizen.inquiry")
            )
        self.assertEqual(inquiry.queue_id, self.queue, "the front line triages it")
        self.assertNotEqual(inquiry.create_uid, caseworker)

    # ------------------------------------------------------------
    # Low: a missing acknowledgement tells the mailbox reader
    # ------------------------------------------------------------

    def _ack(self, inquiry):
        return inquiry.message_ids.filtered(lambda m: m.message_type == "auto_comment")

    def test_attack_acknowledgement_reveals_protection(self):
        """Whoever reads a protected citizen's mailbox sees the same
        acknowledgement an ordinary citizen gets."""
        ordinary = self._inquiry(
            with_results(self.build_mail(email_from=self.citizen.email), DMARC_PASS)
        )
        ordinary_mails = self._new_mails
        protected = self._inquiry(
            with_results(self.build_mail(email_from=PROTECTED_EMAIL), DMARC_PASS)
        )
        protected_mails = self._new_mails
        self.assertEqual(protected.partner_id, self.protected)
        for inquiry, mails, address in (
            (ordinary, ordinary_mails, self.citizen.email),
            (protected, protected_mails, PROTECTED_EMAIL),
        ):
            with self.subTest(address=address):
                self.assertEqual(len(mails), 1)
                self.assertEqual(
                    mails.subject,
                    f"Vi har mottatt henvendelsen din \u2013 {inquiry.number}",
                )
                self.assertIn(address, mails.email_to or mails.recipient_ids.email)
                self.assertIn("citizen-inquiry-ack", mails.message_id)
                self.assertEqual(inquiry.date_acknowledged.date().isoformat(), NOW[:10])
        # the chatter names the citizen, not the address in the vault
        notification = self._ack(protected).notification_ids
        self.assertEqual(notification.res_partner_id, self.protected)
        self.assertFalse(notification.mail_email_address)
        self.assertFalse(protected.partner_email)

    def test_unverified_protected_sender_gets_the_same_acknowledgement(self):
        inquiry = self._inquiry(self.build_mail(email_from=PROTECTED_EMAIL))
        self.assertFalse(inquiry.partner_id)
        self.assertEqual(len(self._new_mails), 1)
        self.assertEqual(self._new_mails.email_to, PROTECTED_EMAIL)
        self.assertFalse(
            self._ack(inquiry).notification_ids.filtered("mail_email_address"),
            "the vault address is not shown in the chatter",
        )
