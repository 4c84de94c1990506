"""The national registers (issue 18, parts 2 and 3): Folkeregister person
documents imported from a batch extract or the API, KRR lookups, and
Maskinporten's JWT grant, against a local server (register_server.py) that
verifies the grant's signature and claims."""

import base64
import datetime
import json
import logging
from collections import Counter

import requests

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..models import national_id as nid
from ..models.citizen_register_import import CHUNK_SIZE
from ..models.maskinporten import MaskinportenClient, RegisterError, clear_token_cache
from .common import CitizenMailCommon, CitizenPrivacyCommon, synthetic_id
from .register_server import (
    CLIENT_ID,
    FREG_SCOPE,
    KEY_ID,
    KRR_SCOPE,
    RegisterServer,
    new_key_pem,
    person_document,
)


class RegisterServerMixin:
    """Starts the local registers for the test class and configures
    citizen_crm to use them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key, cls.key_pem = new_key_pem()
        cls.server = RegisterServer(cls.key.public_key()).start()
        cls.addClassCleanup(cls.server.stop)

    def setUp(self):
        super().setUp()
        self.server.persons.clear()
        self.server.krr.clear()
        self.server.calls.clear()
        clear_token_cache()
        for key, value in {
            "citizen_crm.maskinporten_token_url": f"{self.server.url}/token",
            "citizen_crm.maskinporten_client_id": CLIENT_ID,
            "citizen_crm.maskinporten_key_id": KEY_ID,
            "citizen_crm.maskinporten_private_key": self.key_pem,
            "citizen_crm.folkeregister_url": f"{self.server.url}/freg",
            "citizen_crm.krr_url": f"{self.server.url}/krr/rest/v1/personer",
        }.items():
            self.set_param(key, value)

    def run_file(self, lines, user=None, create_unknown=False):
        """An import of ``lines`` (documents or raw text) as a file, through
        the form, as ``user`` (the privacy officer by default)."""
        text = "\n".join(
            line if isinstance(line, str) else json.dumps(line) for line in lines
        )
        env = self.env(user=user or self.officer)
        with Form(env["citizen.register.import"]) as form:
            form.file = base64.b64encode(text.encode())
            form.create_unknown = create_unknown
        run = form.record
        run.action_import()
        return run


@tagged("post_install", "-at_install")
class TestMaskinporten(RegisterServerMixin, CitizenPrivacyCommon):
    def client(self, key_pem=None):
        return MaskinportenClient(
            f"{self.server.url}/token",
            CLIENT_ID,
            key_pem or self.key_pem,
            key_id=KEY_ID,
        )

    def test_the_grant_is_signed_and_the_token_cached(self):
        client = self.client()
        grants = len(self.server.grants)
        token = client.token([FREG_SCOPE])
        self.assertEqual(len(self.server.grants), grants + 1)
        claims = self.server.grants[-1]
        self.assertEqual(claims["iss"], CLIENT_ID)
        self.assertEqual(claims["aud"], self.server.issuer)
        self.assertEqual(claims["scope"], FREG_SCOPE)
        self.assertLessEqual(claims["exp"] - claims["iat"], 120)
        # Until it expires, the token is reused: no second grant.
        self.assertEqual(client.token([FREG_SCOPE]), token)
        self.assertEqual(len(self.server.grants), grants + 1)
        # Another scope is another token.
        self.assertNotEqual(client.token([KRR_SCOPE]), token)

    def test_a_grant_signed_with_another_key_is_refused(self):
        _other, other_pem = new_key_pem()
        with self.assertRaisesRegex(RegisterError, "HTTP 400"):
            self.client(other_pem).token([KRR_SCOPE, FREG_SCOPE])

    def test_the_api_refuses_a_wrong_or_expired_token(self):
        url = f"{self.server.url}/krr/rest/v1/personer"
        body = {"personidentifikatorer": [self.plain_number]}
        for headers in ({}, {"Authorization": "Bearer forged"}):
            with self.subTest(headers=headers):
                response = requests.post(url, json=body, headers=headers, timeout=10)
                self.assertEqual(response.status_code, 401)
        token = self.client().token([FREG_SCOPE])
        response = requests.post(
            url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        self.assertEqual(response.status_code, 401, "a token of another scope")
        # The client renews an expired token once, then succeeds.
        client = self.client()
        client.token([KRR_SCOPE])
        self.server.expire_tokens()
        grants = len(self.server.grants)
        self.assertEqual(
            client.call("KRR", "POST", url, [KRR_SCOPE], body), {"personer": []}
        )
        self.assertEqual(len(self.server.grants), grants + 1)

    def test_nothing_works_unconfigured(self):
        self.set_param("citizen_crm.maskinporten_private_key", "")
        with self.assertRaisesRegex(RegisterError, "not configured"):
            self.env["citizen.register.client"]._citizen_maskinporten()


@tagged("post_install", "-at_install")
class TestFolkeregisterImport(RegisterServerMixin, CitizenPrivacyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nid_new = synthetic_id(datetime.date(1991, 5, 17))
        cls.dnr = synthetic_id(datetime.date(1988, 2, 3), kind=nid.KIND_DNR)
        cls.fnr_of_dnr = synthetic_id(datetime.date(1988, 2, 3), start=200)
        cls.foreigner = cls.env["res.partner"].create(
            {"name": "Jan Kowalski", "national_id": cls.dnr, "city": "Bergen"}
        )

    def doc_plain(self, **values):
        values = {
            "first": "Ola",
            "last": "Åpen",
            "street": "Storgata",
            "house": "1",
            "postcode": "9911",
            "city": "Skjulestad",
            **values,
        }
        return person_document(self.plain_number, **values)

    def audit(self, partner):
        return self.env["citizen.audit.log"].search(
            [
                ("partner_id", "=", partner.id),
                ("description", "=", "Updated from the Folkeregister"),
            ]
        )

    def test_name_and_address_are_updated_and_audited(self):
        run = self.run_file(
            [
                self.doc_plain(
                    first="Ola",
                    middle="Nils",
                    street="Fjordveien",
                    house="12",
                    letter="B",
                    postcode="5003",
                    city="BERGEN",
                )
            ]
        )
        self.assertEqual(run.state, "done")
        self.assertEqual((run.count_read, run.count_updated), (1, 1))
        self.assertEqual(self.plain.name, "Ola Nils Åpen")
        self.assertEqual(
            (self.plain.street, self.plain.zip, self.plain.city, self.plain.country_id),
            ("Fjordveien 12B", "5003", "BERGEN", self.norway),
        )
        log = self.audit(self.plain)
        self.assertEqual(len(log), 1)
        self.assertEqual(log.user_id, self.officer)
        self.assertIn("street", log.field_names)
        self.assertIn("name", log.field_names)

    def test_a_protected_citizens_new_address_goes_to_the_vault_untracked(self):
        document = person_document(
            self.secret_number,
            first="Kari",
            last="Skjult",
            street="Nyveien",
            house="3",
            postcode="9912",
            city="Gjemstad",
            grading="strengtFortrolig",
        )
        self.run_file([document])
        self.assertFalse(self.protected.street)
        vault = self.protected.sudo().citizen_protected_contact_ids
        self.assertEqual((vault.street, vault.city), ("Nyveien 3", "Gjemstad"))
        self.assertTrue(self.audit(self.protected))
        tracked = (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("mail_message_id.res_id", "=", self.protected.id),
                    ("mail_message_id.model", "=", "res.partner"),
                ]
            )
        )
        self.assertNoSecret(
            tracked.mapped(lambda t: (t.old_value_char, t.new_value_char)),
            ["Nyveien", "Gjemstad"],
        )

    def test_protection_from_the_register_is_enforced_at_once(self):
        self.run_file([self.doc_plain(grading="fortrolig", street="Ly", house="9")])
        self.assertEqual(self.plain.sudo().address_protection, "fortrolig")
        self.assertTrue(self.plain.citizen_contact_restricted)
        self.assertFalse(self.plain.street)
        self.assertFalse(self.plain.email, "the e-mail moved to the vault as well")
        vault = self.plain.sudo().citizen_protected_contact_ids
        self.assertEqual((vault.street, vault.email), ("Ly 9", "ola@open.example"))
        # Front desk sees the neutral flag, not the address.
        as_desk = self.plain.with_user(self.frontdesk)
        self.assertFalse(as_desk.street)
        # Lifted by the register: the data comes back, with the new address.
        self.run_file([self.doc_plain(street="Ute", house="1")])
        self.assertEqual(self.plain.sudo().address_protection, "ugradert")
        self.assertEqual(
            (self.plain.street, self.plain.email), ("Ute 1", "ola@open.example")
        )

    def test_a_d_number_replaced_by_a_national_identity_number_keeps_the_citizen(self):
        document = person_document(
            self.fnr_of_dnr,
            first="Jan",
            last="Kowalski",
            old_numbers=[self.dnr],
            city="BERGEN",
        )
        count = self.env["res.partner"].search_count([])
        run = self.run_file([document])
        self.assertEqual(run.count_updated, 1)
        self.assertEqual(self.env["res.partner"].search_count([]), count)
        self.assertEqual(self.foreigner.sudo().national_id, self.fnr_of_dnr)
        self.assertEqual(self.foreigner.national_id_kind, nid.KIND_FNR)

    def test_unknown_persons_are_skipped_unless_told(self):
        document = person_document(self.nid_new, first="Ny", last="Innbygger")
        run = self.run_file([document])
        self.assertEqual((run.count_unknown, run.count_created), (1, 0))
        Partner = self.env["res.partner"].sudo()
        self.assertFalse(Partner.search([("national_id", "=", self.nid_new)]))
        run = self.run_file([document], create_unknown=True)
        self.assertEqual((run.count_unknown, run.count_created), (0, 1))
        created = Partner.search([("national_id", "=", self.nid_new)])
        self.assertEqual(created.name, "Ny Innbygger")
        self.assertTrue(created.is_citizen)

    def test_status_emigrated_and_deceased_are_stored(self):
        self.run_file([self.doc_plain(status="utflyttet")])
        self.assertEqual(self.plain.citizen_register_status, "utflyttet")
        self.assertFalse(self.plain.citizen_deceased)
        self.run_file([self.doc_plain(status="doed", date_of_death="2026-11-30")])
        self.assertEqual(self.plain.citizen_date_of_death, datetime.date(2026, 11, 30))
        self.assertTrue(self.plain.citizen_deceased)
        self.assertTrue(self.plain._citizen_no_automatic_mail())
        self.assertTrue(self.plain._citizen_letters_only())

    def test_an_unchanged_person_writes_nothing(self):
        self.run_file([self.doc_plain()])
        run = self.run_file([self.doc_plain()])
        self.assertEqual((run.count_unchanged, run.count_updated), (1, 0))

    def test_bad_lines_are_reported_and_the_rest_imported(self):
        bad_number = self.doc_plain()
        bad_number["identifikasjonsnummer"][0]["foedselsEllerDNummer"] = (
            # a wrong second check digit
            self.plain_number[:10] + str((int(self.plain_number[10]) + 1) % 10)
        )
        bad_grading = person_document(self.secret_number, grading="hemmelig")
        no_name = self.doc_plain()
        no_name["navn"][1]["etternavn"] = ""
        lines = [
            "{not json",
            json.dumps([1, 2]),
            json.dumps({"navn": []}),
            json.dumps(bad_number),
            json.dumps(bad_grading),
            "",
            json.dumps(no_name),
            json.dumps(self.doc_plain(first="Olav")),
        ]
        with self.assertLogs("odoo.addons.citizen_crm", logging.INFO) as logs:
            run = self.run_file(lines)
        self.assertEqual(run.count_read, 7, "the empty line is no document")
        self.assertEqual((run.count_rejected, run.count_updated), (6, 1))
        self.assertEqual(self.plain.name, "Olav Åpen")
        report = {line.line_number: line for line in run.line_ids}
        self.assertEqual(sorted(report), [1, 2, 3, 4, 5, 7])
        self.assertEqual(report[1].reason, "not valid JSON")
        self.assertIn("graderingsnivaa", report[5].reason)
        self.assertEqual(report[5].identifier, nid.mask(self.secret_number))
        everything = [(r.identifier, r.reason) for r in run.line_ids] + logs.output
        for number in (self.plain_number, self.secret_number):
            self.assertNoFullNumber(everything, number)

    def test_a_person_is_imported_whole_or_not_at_all(self):
        # The database refuses one of the two writes of this person: lifting
        # the protection (first) and the new address (then).
        self.env.cr.execute(
            "ALTER TABLE res_partner ADD CONSTRAINT test_forbidden_city "
            "CHECK (city IS DISTINCT FROM 'Forbudt')"
        )
        lifted = person_document(
            self.secret_number, first="Kari", last="Skjult", city="Forbudt"
        )
        with mute_logger("odoo.sql_db"):
            run = self.run_file([lifted, self.doc_plain(first="Olav")])
        self.assertEqual((run.count_rejected, run.count_updated), (1, 1))
        self.assertIn("could not be saved", run.line_ids.reason)
        self.assertNoFullNumber(run.line_ids.reason, self.secret_number)
        self.assertEqual(self.protected.sudo().address_protection, "strengt_fortrolig")
        self.assertFalse(self.protected.street)
        vault = self.protected.sudo().citizen_protected_contact_ids
        self.assertEqual(vault.street, "Hemmeligveien 7")
        self.assertEqual(self.plain.name, "Olav Åpen")

    def test_numbers_held_by_two_citizens_are_rejected(self):
        document = person_document(
            self.plain_number, first="To", last="Personer", old_numbers=[self.dnr]
        )
        run = self.run_file([document])
        self.assertEqual(run.count_rejected, 1)
        self.assertIn("more than one citizen", run.line_ids.reason)
        self.assertEqual(self.plain.name, "Ola Åpen")

    def test_only_privacy_officers_run_imports(self):
        for user in (self.frontdesk, self.caseworker, self.supervisor):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["citizen.register.import"].with_user(user).create({})
        run = self.run_file([self.doc_plain()])
        with self.assertRaises(AccessError):
            run.with_user(self.frontdesk).read(["count_read"])

    def test_one_query_per_chunk_of_unchanged_persons(self):
        Partner = self.env["res.partner"]
        numbers = [
            synthetic_id(datetime.date(1970, 1, 1) + datetime.timedelta(days=i))
            for i in range(40)
        ]
        documents = [
            person_document(n, first="Per", last=f"Nr{i}")
            for i, n in enumerate(numbers)
        ]
        Partner.create(
            [
                {
                    "name": f"Per Nr{i}",
                    "national_id": n,
                    "street": "Storgata 1",
                    "zip": "0155",
                    "city": "OSLO",
                    "country_id": self.norway.id,
                    "citizen_register_status": "bosatt",
                }
                for i, n in enumerate(numbers)
            ]
        )
        run = self.env["citizen.register.import"].with_user(self.officer).create({})
        chunk = [(i, json.dumps(d)) for i, d in enumerate(documents, 1)]
        self.env.flush_all()
        counts = Counter()
        # The first chunk of a process looks Norway up once (cached after).
        run._citizen_import_chunk(chunk[:20], counts)
        with self.assertQueryCount(1):
            run._citizen_import_chunk(chunk[20:], counts)
        self.assertEqual(counts["unchanged"], 40)
        self.assertLessEqual(len(chunk), CHUNK_SIZE)

    def test_the_cron_refreshes_recently_seen_citizens_from_the_api(self):
        Inquiry = self.env["citizen.inquiry"]
        Inquiry.create(
            {"name": "Søknad", "partner_id": self.plain.id, "queue_id": self.queue.id}
        )
        old = Inquiry.create(
            {
                "name": "Gammel",
                "partner_id": self.protected.id,
                "queue_id": self.queue.id,
            }
        )
        old.date_received = datetime.datetime.now() - datetime.timedelta(days=90)
        self.server.persons[self.plain_number] = self.doc_plain(first="Oppdatert")
        self.server.persons[self.secret_number] = person_document(
            self.secret_number, first="Ikke", last="Sett"
        )
        run = self.env["citizen.register.import"]._cron_citizen_folkeregister_refresh()
        self.assertEqual((run.state, run.source, run.count_updated), ("done", "api", 1))
        self.assertEqual(self.plain.name, "Oppdatert Åpen")
        self.assertEqual(self.protected.name, "Kari Skjult", "not seen in 30 days")
        bulk = [c for c in self.server.calls if c[1].endswith("bulkoppslag")]
        self.assertEqual(
            json.loads(bulk[-1][2]), {"foedselsEllerDNummer": [self.plain_number]}
        )
        # Without a configured API the job does nothing.
        self.set_param("citizen_crm.folkeregister_url", "")
        self.assertFalse(
            self.env["citizen.register.import"]._cron_citizen_folkeregister_refresh()
        )

    def test_a_privacy_officer_refreshes_one_citizen_by_get(self):
        self.server.persons[self.plain_number] = self.doc_plain(first="Hentet")
        action = self.plain.with_user(
            self.officer
        ).action_citizen_folkeregister_refresh()
        run = self.env["citizen.register.import"].browse(action["res_id"])
        self.assertEqual(run.count_updated, 1)
        self.assertEqual(self.plain.name, "Hentet Åpen")
        self.assertEqual(
            self.server.calls[-1][:2],
            ("GET", f"/freg/api/v1/personer/{self.plain_number}"),
        )
        with self.assertRaises(AccessError):
            self.plain.with_user(self.frontdesk).action_citizen_folkeregister_refresh()

    def test_an_api_failure_is_reported_without_numbers(self):
        self.set_param("citizen_crm.maskinporten_client_id", "someone-else")
        run = self.env["citizen.register.import"].create({"source": "api"})
        with self.assertLogs("odoo.addons.citizen_crm", logging.WARNING) as logs:
            run._citizen_run_api([self.plain_number])
        self.assertEqual(run.state, "failed")
        self.assertIn("HTTP 400", run.error)
        self.assertNoFullNumber([run.error, *logs.output], self.plain_number)


@tagged("post_install", "-at_install")
class TestKrr(RegisterServerMixin, CitizenPrivacyCommon):
    def krr_person(self, number, reserved=False, email="ola@krr.example", lang="nn"):
        return {
            "personidentifikator": number,
            "reservasjon": "JA" if reserved else "NEI",
            "status": "AKTIV",
            "varslingsstatus": "KAN_VARSLES",
            "kontaktinformasjon": {
                "epostadresse": email,
                "epostadresse_oppdatert": "2025-06-01T10:00:00+02",
                "mobiltelefonnummer": "+4799887766",
                "mobiltelefonnummer_oppdatert": "2025-06-01T10:00:00+02",
            },
            "spraak": lang,
            "spraak_oppdatert": "2025-06-01T10:00:00+02",
        }

    def test_front_desk_looks_a_citizen_up_on_demand(self):
        self.server.krr[self.plain_number] = self.krr_person(
            self.plain_number, reserved=True
        )
        action = self.plain.with_user(self.frontdesk).action_citizen_krr_lookup()
        self.assertNoFullNumber(action, self.plain_number)
        plain = self.plain.with_user(self.frontdesk)
        self.assertTrue(plain.krr_reserved)
        self.assertEqual(
            (plain.krr_email, plain.krr_mobile, plain.krr_language, plain.krr_status),
            ("ola@krr.example", "+4799887766", "nn", "AKTIV"),
        )
        self.assertTrue(plain.krr_date)
        self.assertEqual(
            json.loads(self.server.calls[-1][2]),
            {"personidentifikatorer": [self.plain_number]},
        )
        with self.assertRaises(AccessError):
            self.plain.with_user(self.employee).action_citizen_krr_lookup()

    def test_a_protected_citizens_krr_contact_goes_to_the_vault(self):
        self.server.krr[self.secret_number] = self.krr_person(
            self.secret_number, email="kari@krr.example"
        )
        self.protected.with_user(self.frontdesk).action_citizen_krr_lookup()
        self.assertFalse(self.protected.krr_email)
        self.assertFalse(self.protected.krr_mobile)
        vault = self.protected.sudo().citizen_protected_contact_ids
        self.assertEqual(
            (vault.krr_email, vault.krr_mobile), ("kari@krr.example", "+4799887766")
        )
        self.assertEqual(self.protected.krr_language, "nn")

    def test_the_batch_asks_at_most_1000_a_call(self):
        Partner = self.env["res.partner"]
        start = datetime.date(1950, 1, 1)
        numbers = [
            synthetic_id(start + datetime.timedelta(days=i)) for i in range(1001)
        ]
        partners = Partner.create(
            [
                {"name": f"Innbygger {i}", "national_id": n}
                for i, n in enumerate(numbers)
            ]
        )
        for number in numbers[::100]:
            self.server.krr[number] = self.krr_person(number, reserved=True)
        found = partners.sudo()._citizen_krr_lookup()
        calls = [
            json.loads(body)["personidentifikatorer"]
            for _m, _p, body in self.server.calls
        ]
        self.assertEqual([len(c) for c in calls], [1000, 1])
        self.assertEqual(len(found), 11)
        self.assertEqual(partners.filtered("krr_reserved"), found)

    def test_the_cron_looks_up_recently_seen_citizens(self):
        self.env["citizen.inquiry"].create(
            {"name": "Søknad", "partner_id": self.plain.id, "queue_id": self.queue.id}
        )
        self.server.krr[self.plain_number] = self.krr_person(
            self.plain_number, reserved=True
        )
        # Without a configured URL the job does nothing.
        self.set_param("citizen_crm.krr_url", "")
        self.env["res.partner"]._cron_citizen_krr_refresh()
        self.assertFalse(self.plain.krr_reserved)
        self.assertFalse(self.server.calls)
        self.set_param("citizen_crm.krr_url", f"{self.server.url}/krr/rest/v1/personer")
        self.env["res.partner"]._cron_citizen_krr_refresh()
        self.assertTrue(self.plain.krr_reserved)


@tagged("post_install", "-at_install")
class TestRegisterMailRules(CitizenMailCommon):
    """A deceased citizen gets no automatic mail; a reserved or deceased one
    gets what the law requires by letter."""

    def _ack_for(self, raw, email_to):
        with self.mock_mail_gateway():
            inquiry = self.env["citizen.inquiry"].browse(self.process(raw))
        return inquiry, self.sent_mails(email_to)

    def test_no_acknowledgement_to_a_deceased_citizen(self):
        self.citizen.sudo().write({"citizen_register_status": "doed"})
        inquiry, mails = self._ack_for(
            self.build_mail(email_from=self.citizen.email), self.citizen.email
        )
        self.assertEqual(inquiry.partner_id, self.citizen)
        self.assertFalse(mails)
        self.assertFalse(inquiry.date_acknowledged)
        # The living still get theirs.
        inquiry, mails = self._ack_for(
            self.build_mail(email_from=self.citizen_nn.email), self.citizen_nn.email
        )
        self.assertEqual(len(mails), 1)

    def test_letters_for_the_reserved_and_the_deceased(self):
        inquiry = self.env["citizen.inquiry"].create(
            {
                "name": "Spørsmål",
                "partner_id": self.citizen.id,
                "queue_id": self.queue.id,
            }
        )
        Wizard = self.env["citizen.inquiry.preliminary.answer"]
        Notice = self.env["citizen.inquiry.gdpr.extension"]
        self.assertFalse(Wizard.new({"inquiry_id": inquiry.id}).by_letter)
        self.assertTrue(Notice.new({"inquiry_id": inquiry.id}).notify_citizen)
        for values in ({"krr_reserved": True}, {"citizen_date_of_death": "2026-01-02"}):
            with self.subTest(values=values):
                self.citizen.sudo().write(
                    dict(
                        {"krr_reserved": False, "citizen_date_of_death": False},
                        **values,
                    )
                )
                self.assertTrue(Wizard.new({"inquiry_id": inquiry.id}).by_letter)
                self.assertFalse(Notice.new({"inquiry_id": inquiry.id}).notify_citizen)
