"""The citizen_crm test base hierarchy, defined here alone as crm's is in
crm/tests/common.py: one root with what every family shares, and one class
per family of tests adding the records that family's tests need.

    CitizenCrmCommon                  the main company, the shipped channels and
    │                                 stages, MAIL_CONTEXT, user factory,
    │                                 flush_tracking, set_param
    ├── CitizenMunicipalitiesCommon   two municipalities: queues, services, one
    │                                 user per role, citizens, cases, inquiries
    ├── CitizenDeadlineCommon         a municipality with a working calendar and
    │                                 Norway's public holidays, a servicetorg and
    │                                 two departments (routing, SLA, deadlines)
    ├── CitizenPrivacyCommon          one user per role in the main company,
    │   │                             protected and ordinary citizens, asserts
    │   │                             that fail when a secret shows up
    │   └── CitizenPrivacyMailCommon  the same with mail's MailCase mocks
    ├── CitizenMailCommon             (with mail's MailCommon) a queue with an
    │                                 alias, staff, citizens, and helpers feeding
    │                                 RFC 2822 mail to message_process
    └── CitizenPortalCommon           (with HttpCase) two portal citizens with
                                      their inquiries and messages, services,
                                      portal and web form helpers

The families share no records: each builds the company, staff and citizens
its tests assert on (mail needs staff notified in Odoo, privacy staff
notified by e-mail, routing a working calendar). Everything is created once
per test class; each test runs in a savepoint.
"""

import base64
import datetime
import email.policy
import io
import json
import re
import shutil
import tempfile
import time
import unittest
import zipfile
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from random import randint

from lxml import etree
from pytz import timezone, utc

from odoo import Command, fields
from odoo.addons.mail.tests.common import MailCase, MailCommon
from odoo.tests import HttpCase, TransactionCase, new_test_user

from ..models import archive_message
from ..models import national_id as nid

# The context keys mail's own tests create fixtures with (mail_new_test_user,
# MailCase._test_context): no creation message, no follower, no tracking, no
# password reset mail.
MAIL_CONTEXT = {
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
}

FRONTDESK = "citizen_crm.group_frontdesk"
CASEWORKER = "citizen_crm.group_caseworker"
SUPERVISOR = "citizen_crm.group_supervisor"
PRIVACY = "citizen_crm.group_privacy_officer"

OSLO = timezone("Europe/Oslo")

# The mail gateway's test mails and the alias they are sent to.
CORPUS_DIR = Path(__file__).parent / "mail_corpus"
ALIAS = "postmottak"
ALIAS_EMAIL = f"{ALIAS}@test.mycompany.com"

CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')

# A minimal but real PDF document (the type is read from the content).
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def synthetic_id(birthdate, start=100, kind=nid.KIND_FNR, k1_remainder=0):
    """A valid synthetic (Tenor) identity number: month + 80, never a real person."""
    for individual in range(start, 1000):
        number = nid.generate(
            birthdate,
            individual,
            kind=kind,
            synthetic=True,
            k1_remainder=k1_remainder,
        )
        if number and nid.is_valid(number):
            return number
    raise AssertionError("no valid identity number for this date")


def oslo(*args):
    """A naive UTC datetime from a wall-clock time in Oslo."""
    return OSLO.localize(datetime.datetime(*args)).astimezone(utc).replace(tzinfo=None)


class CitizenCrmCommon(TransactionCase):
    """The root of every citizen_crm test family: the database's main company,
    the channels and stages citizen_crm ships, and the helpers all families
    use. It creates nothing: each family adds the records its tests need."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The main company: where the shipped queue (servicetorg) lives and
        # what records are created in unless a family makes its own.
        cls.company = cls.env.company
        # The tests read what the system writes in English: the database's
        # municipality speaks it (installed, it speaks Bokmål). test_language
        # sets Bokmål where the language is what is tested.
        cls.env["ir.default"].set("res.partner", "lang", "en_US")
        cls.company.partner_id.lang = "en_US"
        cls.channel_counter = cls.env.ref("citizen_crm.channel_counter")
        cls.channel_phone = cls.env.ref("citizen_crm.channel_phone")
        cls.channel_letter = cls.env.ref("citizen_crm.channel_letter")
        cls.channel_email = cls.env.ref("citizen_crm.channel_email")
        cls.channel_web = cls.env.ref("citizen_crm.channel_web")
        cls.stage_new = cls.env.ref("citizen_crm.stage_new")
        cls.stage_in_progress = cls.env.ref("citizen_crm.stage_in_progress")
        cls.stage_waiting = cls.env.ref("citizen_crm.stage_waiting")
        cls.stage_closed = cls.env.ref("citizen_crm.stage_closed")

    @classmethod
    def _new_user(cls, login, groups, company=None, **values):
        """A test user created as mail's mail_new_test_user does (MAIL_CONTEXT),
        in ``company`` alone if given."""
        if company:
            values.update(company_id=company.id, company_ids=[Command.set(company.ids)])
        return new_test_user(
            cls.env, login=login, groups=groups, context=MAIL_CONTEXT, **values
        )

    def set_param(self, key, value):
        """Set a system parameter (ir.config_parameter) for this test."""
        self.env["ir.config_parameter"].sudo().set_param(key, value)

    def flush_tracking(self):
        """Write what a commit would write first: flush, then run the pre-commit
        hooks (tracking values, followers) and what they add, until none is
        left. The same as mail's MailCase.flush_tracking (which MailCase also
        calls before each test, in the families that mix it in)."""
        self.env.flush_all()
        self.env.cr.flush()


class CitizenMunicipalitiesCommon(CitizenCrmCommon):
    """Two municipalities (companies) sharing one database, each with a
    front-line queue (servicetorg) and back-office queues, one user per role
    and a handful of citizens, cases and inquiries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, **MAIL_CONTEXT))

        # Two municipalities sharing one database.
        cls.company_a, cls.company_b = env["res.company"].create(
            [{"name": "Testvik kommune"}, {"name": "Prøvdal kommune"}]
        )

        # Users: one per role, all in municipality A unless named _b.
        def user(login, groups, company=cls.company_a):
            return cls._new_user(login, groups, company=company)

        cls.user_frontdesk = user("tst_frontdesk", f"base.group_user,{FRONTDESK}")
        cls.user_caseworker = user("tst_caseworker", f"base.group_user,{CASEWORKER}")
        cls.user_caseworker_other = user(
            "tst_caseworker_other", f"base.group_user,{CASEWORKER}"
        )
        cls.user_supervisor = user("tst_supervisor", f"base.group_user,{SUPERVISOR}")
        cls.user_privacy = user("tst_privacy", f"base.group_user,{PRIVACY}")
        cls.user_employee = user("tst_employee", "base.group_user")
        cls.user_portal = user("tst_portal", "base.group_portal")
        cls.user_public = user("tst_public", "base.group_public")
        cls.user_frontdesk_b = user(
            "tst_frontdesk_b", f"base.group_user,{FRONTDESK}", company=cls.company_b
        )
        cls.user_supervisor_b = user(
            "tst_supervisor_b", f"base.group_user,{SUPERVISOR}", company=cls.company_b
        )

        # Queues: the servicetorg (front line) and back-office departments.
        Queue = env["citizen.queue"]
        cls.queue_front_a = Queue.create(
            {
                "name": "Servicetorg Testvik",
                "code": "STORG",
                "queue_type": "front_line",
                "company_id": cls.company_a.id,
                "alias_name": "tst-servicetorg-a",
                "member_ids": [Command.set(cls.user_frontdesk.ids)],
                "supervisor_id": cls.user_supervisor.id,
            }
        )
        cls.queue_building_a = Queue.create(
            {
                "name": "Byggesak Testvik",
                "code": "BYGG",
                "queue_type": "back_office",
                "company_id": cls.company_a.id,
                "alias_name": "tst-byggesak-a",
                "member_ids": [Command.set(cls.user_caseworker.ids)],
            }
        )
        cls.queue_health_a = Queue.create(
            {
                "name": "Helse Testvik",
                "code": "HELSE",
                "queue_type": "back_office",
                "company_id": cls.company_a.id,
                "member_ids": [Command.set(cls.user_caseworker_other.ids)],
            }
        )
        cls.queue_front_b = Queue.create(
            {
                "name": "Servicetorg Prøvdal",
                "code": "STORG",
                "queue_type": "front_line",
                "company_id": cls.company_b.id,
                "member_ids": [Command.set(cls.user_frontdesk_b.ids)],
            }
        )
        cls.queue_building_b = Queue.create(
            {
                "name": "Byggesak Prøvdal",
                "code": "BYGG",
                "queue_type": "back_office",
                "company_id": cls.company_b.id,
            }
        )
        cls.company_a.citizen_default_queue_id = cls.queue_front_a
        cls.company_b.citizen_default_queue_id = cls.queue_front_b

        # Service catalogue.
        Service = env["citizen.service"]
        cls.los_building = cls.env.ref("citizen_crm.los_bygg_og_eiendom")
        cls.service_building = Service.create(
            {
                "name": "Byggesøknad",
                "company_id": cls.company_a.id,
                "queue_id": cls.queue_building_a.id,
                "los_theme_id": cls.los_building.id,
                "sla_resolution_hours": 24.0,
            }
        )
        cls.service_waste = Service.create(
            {
                "name": "Renovasjon",
                "company_id": cls.company_a.id,
                "sla_resolution_hours": 8.0,
            }
        )
        cls.service_b = Service.create(
            {"name": "Byggesøknad Prøvdal", "company_id": cls.company_b.id}
        )

        # Citizens: synthetic identity numbers, shared by both municipalities.
        cls.nid_ola = synthetic_id(datetime.date(1986, 10, 15))
        cls.nid_kari = synthetic_id(datetime.date(1990, 2, 28))
        Partner = env["res.partner"]
        cls.citizen_ola = Partner.create(
            {
                "name": "Ola Nordmann",
                "is_citizen": True,
                "national_id": cls.nid_ola,
                "phone": "+47 912 34 567",
                "email": "ola.nordmann@example.com",
            }
        )
        cls.citizen_kari = Partner.create(
            {
                "name": "Kari Nordmann",
                "is_citizen": True,
                "national_id": cls.nid_kari,
                "phone": "+47 413 22 110",
            }
        )

        cls.case_a = env["citizen.case"].create(
            {
                "name": "2026/1234",
                "title": "Tilbygg garasje",
                "partner_id": cls.citizen_ola.id,
                "company_id": cls.company_a.id,
            }
        )
        cls.case_b = env["citizen.case"].create(
            {"name": "2026/77", "title": "Bruksendring", "company_id": cls.company_b.id}
        )

        # Inquiries, registered by the system (OdooBot), not by the test users.
        Inquiry = env["citizen.inquiry"]
        cls.inquiry_front = Inquiry.create(
            {
                "name": "Spørsmål om eiendomsskatt",
                "partner_id": cls.citizen_ola.id,
                "channel_id": cls.channel_phone.id,
                "company_id": cls.company_a.id,
                "queue_id": cls.queue_front_a.id,
            }
        )
        cls.inquiry_building = Inquiry.create(
            {
                "name": "Byggesøknad garasje",
                "partner_id": cls.citizen_ola.id,
                "channel_id": cls.channel_email.id,
                "service_id": cls.service_building.id,
                "company_id": cls.company_a.id,
                "queue_id": cls.queue_building_a.id,
            }
        )
        cls.inquiry_health = Inquiry.create(
            {
                "name": "Hjemmetjenester",
                "partner_id": cls.citizen_kari.id,
                "channel_id": cls.channel_letter.id,
                "company_id": cls.company_a.id,
                "queue_id": cls.queue_health_a.id,
            }
        )
        cls.inquiry_health_assigned = Inquiry.create(
            {
                "name": "Hjemmetjenester, søknad",
                "partner_id": cls.citizen_kari.id,
                "channel_id": cls.channel_letter.id,
                "company_id": cls.company_a.id,
                "queue_id": cls.queue_health_a.id,
                "user_id": cls.user_caseworker.id,
            }
        )
        cls.inquiry_building_confidential = Inquiry.create(
            {
                "name": "Nabotvist (taushetsplikt)",
                "partner_id": cls.citizen_kari.id,
                "channel_id": cls.channel_letter.id,
                "company_id": cls.company_a.id,
                "queue_id": cls.queue_building_a.id,
                "is_confidential": True,
            }
        )
        cls.inquiry_health_confidential = Inquiry.create(
            {
                "name": "Helseopplysninger",
                "partner_id": cls.citizen_kari.id,
                "channel_id": cls.channel_phone.id,
                "company_id": cls.company_a.id,
                "queue_id": cls.queue_health_a.id,
                "is_confidential": True,
            }
        )
        cls.inquiry_b = Inquiry.create(
            {
                "name": "Byggesøknad Prøvdal",
                "partner_id": cls.citizen_ola.id,
                "channel_id": cls.channel_counter.id,
                "company_id": cls.company_b.id,
                "queue_id": cls.queue_building_b.id,
            }
        )
        cls.inquiries_a = (
            cls.inquiry_front
            | cls.inquiry_building
            | cls.inquiry_health
            | cls.inquiry_health_assigned
            | cls.inquiry_building_confidential
            | cls.inquiry_health_confidential
        )
        # Creation discards tracking until the transaction's pre-commit: run
        # it now (as flush_tracking does), so that what the tests change is
        # tracked.
        env.flush_all()
        env.cr.flush()


class CitizenDeadlineCommon(CitizenCrmCommon):
    """A municipality in Norway working 08:00-16:00 on weekdays, with the
    Norwegian public holidays of 2025-2027, a servicetorg and two departments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create(
            {"name": "Testkommune", "country_id": cls.env.ref("base.no").id}
        )
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                allowed_company_ids=[cls.company.id],
                mail_create_nolog=True,
            )
        )
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Testkommune 08-16",
                "company_id": cls.company.id,
                "tz": "Europe/Oslo",
                "attendance_ids": [
                    (5, 0, 0),
                    *[
                        (
                            0,
                            0,
                            {
                                "name": f"Day {day}",
                                "dayofweek": str(day),
                                "hour_from": 8,
                                "hour_to": 16,
                                "day_period": "morning",
                            },
                        )
                        for day in range(5)
                    ],
                ],
            }
        )
        cls.company.resource_calendar_id = cls.calendar
        cls.company._citizen_generate_public_holidays([2025, 2026, 2027])

        cls.supervisor = cls._new_user(
            "routing_supervisor", SUPERVISOR, company=cls.company
        )
        cls.frontdesk = cls._new_user(
            "routing_frontdesk", FRONTDESK, company=cls.company
        )
        cls.caseworkers = cls.env["res.users"]
        for index in range(3):
            cls.caseworkers |= cls._new_user(
                f"routing_caseworker_{index}", CASEWORKER, company=cls.company
            )

        Queue = cls.env["citizen.queue"]
        cls.servicetorg = Queue.create(
            {
                "name": "Servicetorget",
                "code": "TSTORG",
                "queue_type": "front_line",
                "company_id": cls.company.id,
                "member_ids": [(6, 0, cls.frontdesk.ids)],
                "supervisor_id": cls.supervisor.id,
            }
        )
        cls.company.citizen_default_queue_id = cls.servicetorg
        cls.building = Queue.create(
            {
                "name": "Byggesak",
                "code": "TBYGG",
                "company_id": cls.company.id,
                "member_ids": [(6, 0, cls.caseworkers.ids)],
                "supervisor_id": cls.supervisor.id,
                "sla_first_response_hours": 8,
                "sla_resolution_hours": 40,
            }
        )
        cls.health = Queue.create(
            {
                "name": "Helse",
                "code": "THELSE",
                "company_id": cls.company.id,
                "member_ids": [(6, 0, cls.caseworkers.ids)],
            }
        )
        cls.theme_building = cls.env["citizen.los.theme"].create(
            {"name": "Bygg og eiendom"}
        )
        cls.service_permit = cls.env["citizen.service"].create(
            {
                "name": "Byggetillatelse",
                "company_id": cls.company.id,
                "los_theme_id": cls.theme_building.id,
                "queue_id": cls.building.id,
                "sla_first_response_hours": 4,
                "sla_resolution_hours": 16,
            }
        )
        cls.service_other = cls.env["citizen.service"].create(
            {"name": "Annet", "company_id": cls.company.id}
        )
        cls.citizen = cls.env["res.partner"].create(
            {
                "name": "Kari Nordmann",
                "email": "kari@example.no",
                "is_citizen": True,
                "company_id": cls.company.id,
            }
        )

    @classmethod
    def _inquiry(cls, **vals):
        values = {
            "name": "Spørsmål",
            "company_id": cls.company.id,
            "channel_id": cls.channel_counter.id,
        }
        values.update(vals)
        return cls.env["citizen.inquiry"].create(values)


class CitizenPrivacyCommon(CitizenCrmCommon):
    """One user per role, a protected citizen with data worth stealing, an
    ordinary citizen, and helpers that fail when a secret shows up anywhere."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, **MAIL_CONTEXT))
        cls.env = env
        cls.frontdesk = cls._new_user(
            "privacy_frontdesk",
            "citizen_crm.group_frontdesk,base.group_allow_export",
            email="frontdesk@kommune.example",
        )
        cls.caseworker = cls._new_user(
            "privacy_caseworker",
            "citizen_crm.group_caseworker,base.group_allow_export",
            email="caseworker@kommune.example",
        )
        cls.supervisor = cls._new_user(
            "privacy_supervisor",
            "citizen_crm.group_supervisor,base.group_allow_export",
            email="supervisor@kommune.example",
        )
        cls.officer = cls._new_user(
            "privacy_officer",
            "citizen_crm.group_privacy_officer,base.group_allow_export,base.group_partner_manager",
            email="personvern@kommune.example",
        )
        # A desk member who may also edit contacts (registry updates).
        cls.clerk = cls._new_user(
            "privacy_clerk",
            "citizen_crm.group_frontdesk,base.group_partner_manager",
        )
        # An employee outside citizen_crm: may read contacts, not edit them.
        cls.employee = cls._new_user("privacy_employee", "base.group_user")
        cls.staff = cls.frontdesk | cls.caseworker | cls.supervisor
        cls.queue = env.ref("citizen_crm.citizen_queue_servicetorg")
        cls.queue.member_ids = cls.frontdesk | cls.caseworker
        cls.employer = env["res.partner"].create(
            {"name": "Fjordvik Sag AS", "is_company": True}
        )
        cls.norway = env.ref("base.no")
        cls.secret_number = synthetic_id(datetime.date(1985, 3, 14))
        cls.plain_number = synthetic_id(datetime.date(1990, 7, 2))
        cls.protected = env["res.partner"].create(
            {
                "name": "Kari Skjult",
                "is_citizen": True,
                "national_id": cls.secret_number,
                "address_protection": "strengt_fortrolig",
                "street": "Hemmeligveien 7",
                "street2": "Leilighet H0301",
                "zip": "9911",
                "city": "Skjulestad",
                "country_id": cls.norway.id,
                "phone": "+47 912 34 567",
                "email": "kari.skjult@secret.example",
                "parent_id": cls.employer.id,
            }
        )
        cls.confidential_citizen = env["res.partner"].create(
            {
                "name": "Per Lukket",
                "is_citizen": True,
                "street": "Lukketgata 3",
                "city": "Stengtby",
                "phone": "+47 934 56 789",
                "email": "per.fortrolig@secret.example",
            }
        )
        # Protection applied after registration, as a registry update would.
        cls.confidential_citizen.address_protection = "fortrolig"
        cls.plain = env["res.partner"].create(
            {
                "name": "Ola Åpen",
                "is_citizen": True,
                "national_id": cls.plain_number,
                "street": "Storgata 1",
                "city": "Skjulestad",
                "email": "ola@open.example",
                "phone": "+47 400 00 000",
            }
        )
        cls.secrets = [
            "Hemmeligveien",
            "H0301",
            "9911",
            "912 34 567",
            "91234567",
            "kari.skjult@secret.example",
            "Lukketgata",
            "Stengtby",
            "934 56 789",
            "per.fortrolig@secret.example",
            "strengt_fortrolig",
            "Strictly confidential",
            "fortrolig",
        ]

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def assertNoSecret(self, data, secrets=None, msg=None):
        text = (
            data
            if isinstance(data, str)
            else json.dumps(data, default=str, ensure_ascii=False)
        )
        for secret in secrets or self.secrets:
            self.assertNotIn(secret.lower(), text.lower(), msg or f"{secret!r} leaked")

    def assertNoFullNumber(self, data, number=None):
        text = data if isinstance(data, str) else json.dumps(data, default=str)
        self.assertNotIn(number or self.secret_number, text)

    @classmethod
    def _new_portal_user(cls, partner, login):
        """A portal user for the citizen ``partner``."""
        return cls._new_user(
            login, "base.group_portal", partner_id=partner.id, name=partner.name
        )


class CitizenPrivacyMailCommon(CitizenPrivacyCommon, MailCase):
    """The privacy fixtures with mail's mocks and asserts (mock_mail_gateway,
    the mails and notifications sent); MailCase flushes the tracking left by
    setUpClass before each test."""


class CitizenMailCommon(CitizenCrmCommon, MailCommon):
    """The mail gateway's fixtures on mail's MailCommon (its alias domain,
    mail mocks and asserts): a front-line queue with an alias, staff who get
    their notifications in Odoo, citizens writing in each language, and
    helpers that feed real RFC 2822 text to message_process as the fetcher's
    cron user (OdooBot) does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The root's company is MailCommon's company_admin, the main company.
        cls.company._citizen_ensure_inquiry_sequence()
        user_values = {
            "company_id": cls.company.id,
            "notification_type": "inbox",
        }
        cls.user_frontdesk = cls._new_user(
            "intake_frontdesk",
            FRONTDESK,
            name="Frida Frontdesk",
            email="frida.frontdesk@test.example.com",
            **user_values,
        )
        cls.user_caseworker = cls._new_user(
            "intake_caseworker",
            CASEWORKER,
            name="Carl Caseworker",
            email="carl.caseworker@test.example.com",
            **user_values,
        )
        cls.user_supervisor = cls._new_user(
            "intake_supervisor",
            SUPERVISOR,
            name="Siv Supervisor",
            email="siv.supervisor@test.example.com",
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
                "lang": "nb_NO",
            }
        )
        cls.citizen_nn = Partner.create(
            {
                "name": "Ola Vestland",
                "email": "ola.vestland@example.no",
                "is_citizen": True,
                "lang": "nn_NO",
            }
        )
        cls.citizen_en = Partner.create(
            {
                "name": "Jane Expat",
                "email": "jane.expat@example.com",
                "is_citizen": True,
                "lang": "en_US",
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
            fields.Datetime.now().replace(tzinfo=datetime.UTC)
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


class CitizenPortalCommon(CitizenCrmCommon, HttpCase):
    """Two portal users, each the citizen of their own inquiries, plus the
    staff, services and messages the portal and the web form need."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **MAIL_CONTEXT))
        env = cls.env
        cls.queue = env.ref("citizen_crm.citizen_queue_servicetorg")
        cls.queue_building = env["citizen.queue"].create(
            {"name": "Building Permits", "code": "BYGG", "company_id": cls.company.id}
        )
        cls.caseworker = cls._new_user(
            "portal_caseworker",
            f"base.group_user,{CASEWORKER}",
            name="Kari Saksbehandler",
        )
        cls.queue.member_ids = cls.caseworker
        cls.queue_building.member_ids = cls.caseworker

        theme_family = env["citizen.los.theme"].create({"name": "Family and children"})
        cls.theme_kindergarten = env["citizen.los.theme"].create(
            {"name": "Kindergarten", "parent_id": theme_family.id}
        )
        cls.theme_building = env["citizen.los.theme"].create(
            {"name": "Building and property"}
        )
        Service = env["citizen.service"]
        cls.service_kindergarten = Service.create(
            {
                "name": "Kindergarten place",
                "los_theme_id": cls.theme_kindergarten.id,
                "company_id": cls.company.id,
            }
        )
        cls.service_building = Service.create(
            {
                "name": "Building permit",
                "los_theme_id": cls.theme_building.id,
                "company_id": cls.company.id,
            }
        )
        cls.service_other = Service.create(
            {"name": "Lost property", "company_id": cls.company.id}
        )
        cls.other_company = env["res.company"].create({"name": "Nabokommune"})
        cls.service_other_company = Service.create(
            {"name": "Harbour berth", "company_id": cls.other_company.id}
        )

        cls.portal1 = cls._new_user(
            "portal1",
            "base.group_portal",
            password="portal1",
            name="Ola Nordmann",
            email="ola.nordmann@example.com",
        )
        cls.portal2 = cls._new_user(
            "portal2",
            "base.group_portal",
            password="portal2",
            name="Kari Nordkvinne",
            email="kari.nordkvinne@example.com",
        )
        cls.citizen1 = cls.portal1.partner_id
        cls.citizen2 = cls.portal2.partner_id
        (cls.citizen1 | cls.citizen2).is_citizen = True

        Inquiry = env["citizen.inquiry"]
        cls.inquiry1 = Inquiry.create(
            {
                "name": "Kindergarten place for Emma",
                "description": "<p>Ola asks about a place from August.</p>",
                "partner_id": cls.citizen1.id,
                "service_id": cls.service_kindergarten.id,
                "channel_id": cls.channel_phone.id,
                "user_id": cls.caseworker.id,
            }
        )
        cls.inquiry1_confidential = Inquiry.create(
            {
                "name": "Concern about the children of Ola",
                "description": "<p>Confidential report text.</p>",
                "partner_id": cls.citizen1.id,
                "is_confidential": True,
                "user_id": cls.caseworker.id,
            }
        )
        cls.inquiry2 = Inquiry.create(
            {
                "name": "Garage for Kari",
                "description": "<p>Kari wants to build a double garage.</p>",
                "partner_id": cls.citizen2.id,
                "service_id": cls.service_building.id,
                "queue_id": cls.queue_building.id,
            }
        )
        cls.inquiry_anonymous = Inquiry.create(
            {
                "name": "Street light out",
                "description": "<p>The street light in Storgata is out.</p>",
                "partner_name": "Per Anonym",
                "partner_email": "per.anonym@example.com",
                "channel_id": cls.channel_web.id,
            }
        )

        cls.inquiry1.message_subscribe(partner_ids=cls.caseworker.partner_id.ids)
        # One public answer and one internal note on each inquiry.
        for inquiry in cls.inquiry1 | cls.inquiry1_confidential | cls.inquiry2:
            staff_inquiry = inquiry.with_user(cls.caseworker)
            staff_inquiry.message_post(
                body=f"Public answer on {inquiry.number}",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            staff_inquiry.message_post(
                body=f"Internal note on {inquiry.number}: do not tell the citizen",
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _csrf_token_from(self, html):
        match = CSRF_RE.search(html)
        self.assertTrue(match, "the page holds no CSRF token")
        return match.group(1)

    def _chatter_fetch(self, inquiry, **params):
        return self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {"thread_model": "citizen.inquiry", "thread_id": inquiry.id, **params},
        )

    def _message_bodies(self, fetch_result):
        # Bodies come serialized as ["markup", "<p>...</p>"]: str() is enough to
        # search them.
        return " ".join(
            str(message["body"]) for message in fetch_result["data"]["mail.message"]
        )

    def _post_reply(self, inquiry, body, **params):
        return self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "citizen.inquiry",
                "thread_id": inquiry.id,
                # What the portal composer sends.
                "post_data": {
                    "body": body,
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
                **params,
            },
        )

    def _jsonrpc_refusal(self, route, params):
        """The message a user is shown when a JSON-RPC call is refused (the
        error's data), or None if the call went through."""
        response = self.opener.post(
            self.base_url() + route,
            json={"id": 0, "jsonrpc": "2.0", "method": "call", "params": params},
            timeout=12,
        )
        response.raise_for_status()
        error = response.json().get("error")
        return error and error["data"]["message"]

    def _upload_pending(self, inquiry, name, content, token, csrf):
        """Upload one file as the portal composer does, before posting: the
        JSON answer of /mail/attachment/upload."""
        response = self.url_open(
            "/mail/attachment/upload",
            data={
                "csrf_token": csrf,
                "thread_id": inquiry.id,
                "thread_model": "citizen.inquiry",
                "is_pending": "true",
                "token": token,
            },
            files={"ufile": (name, content, "application/pdf")},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def _uploaded_ids_and_tokens(self, results):
        """(attachment ids, ownership tokens) of upload answers, as the portal
        composer sends them with the message."""
        ids, tokens = [], []
        for result in results:
            attachment = result["data"]["store_data"]["ir.attachment"][0]
            ids.append(attachment["id"])
            tokens.append(attachment["ownership_token"])
        return ids, tokens


class CitizenArchiveCommon(CitizenPrivacyCommon):
    """The archive hand-over (Fiks Arkiv): folders for the packages and the
    receipts, a case with a citizen's mail, a reply and a letter, and helpers
    that open a transfer's package and validate every message against the
    official schemas. Skipped, naming the folder, when the schemas are absent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if archive_message.schema("opprett") is None:
            raise unittest.SkipTest(
                f"The Fiks Arkiv V1 schemas are not in {archive_message.schema_dir()} "
                f"(set {archive_message.SCHEMA_ENV} to their folder)."
            )
        cls.los_theme = cls.env["citizen.los.theme"].create(
            {"name": "Byggesak", "uri": "http://psi.norge.no/los/tema/byggesak"}
        )
        cls.service = cls.env["citizen.service"].create(
            {"name": "Byggesøknad", "los_theme_id": cls.los_theme.id}
        )
        cls.back_office = cls.env["citizen.queue"].create(
            {"name": "Byggesak", "code": "BYGG", "member_ids": [(4, cls.caseworker.id)]}
        )
        cls.case = cls.env["citizen.case"].create(
            {"title": "Garasje i Storgata 1", "partner_id": cls.plain.id}
        )
        cls.inquiry = cls._archive_inquiry(cls.plain, "Søknad om garasje")

    @classmethod
    def _archive_inquiry(cls, partner, subject, case=None, **vals):
        """An inquiry of ``case`` (the class's case by default) in the back
        office with the citizen's e-mail, a reply sent by the caseworker and a
        letter handed in with an attachment."""
        inquiry = cls.env["citizen.inquiry"].create(
            {
                "partner_id": partner.id,
                "name": subject,
                "service_id": cls.service.id,
                "queue_id": cls.back_office.id,
                "user_id": cls.caseworker.id,
                "case_id": (case or cls.case).id,
                **vals,
            }
        )
        inquiry.message_post(
            body="<p>Jeg søker om å bygge en garasje.</p>",
            subject=subject,
            message_type="email",
            subtype_xmlid="mail.mt_comment",
            author_id=partner.id,
            attachment_ids=[],
            attachments=[("tegning.png", b"\x89PNG fake drawing")],
        )
        inquiry.with_user(cls.caseworker).message_post(
            body="<p>Vi har mottatt søknaden.</p>",
            subject=f"Re: {subject}",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        inquiry.with_user(cls.caseworker).message_post(
            body="<p>Internal note: not a document.</p>",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return inquiry

    def setUp(self):
        """Empty folders for each test: the archive's outbox and inbox."""
        super().setUp()
        folder = Path(tempfile.mkdtemp(prefix="citizen_archive_"))
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        self.outbox = folder / "ut"
        self.inbox = folder / "kvittering"
        self.outbox.mkdir()
        self.inbox.mkdir()
        self.set_param("citizen_crm.archive_outbox", str(self.outbox))
        self.set_param("citizen_crm.archive_inbox", str(self.inbox))

    def package(self, transfer):
        """(the arkivmelding as an element, validated against the schema,
        {file name: content}) of ``transfer``'s package."""
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(transfer.package))) as zipped:
            files = {name: zipped.read(name) for name in zipped.namelist()}
        message = files.pop(archive_message.MESSAGE_FILE)
        self.assertTrue(archive_message.validate(message, "opprett"))
        return etree.fromstring(message), files

    def xpath(self, element, path):
        return element.xpath(
            path,
            namespaces={"a": archive_message.NS_OPPRETT, "m": archive_message.NS_MDK},
        )

    def receipt(self, transfer, folder=None, entry=None, error=None):
        """A receipt as the archive writes it to the inbox, valid against the
        kvittering schema: the case folder's numbers (year, sequence), the
        registry entry's (year, sequence, number), or a rejection message."""
        K = archive_message.NS_KVITTERING
        M = archive_message.NS_MDK
        F = archive_message.NS_FEIL
        xsi = archive_message.NS_XSI
        root = etree.Element(
            f"{{{K}}}arkivmeldingKvittering", nsmap={None: K, "n5mdk": M, "xsi": xsi}
        )

        def sub(parent, name, text=None, ns=K):
            node = etree.SubElement(parent, f"{{{ns}}}{name}")
            if text is not None:
                node.text = str(text)
            return node

        def key(parent):
            node = sub(parent, "referanseEksternNoekkel")
            sub(node, "fagsystem", "citizen_crm", ns=M)
            sub(node, "noekkel", transfer.key, ns=M)

        if error and transfer.kind == "folder":
            failed = sub(root, "mappeFeilet")
            sub(failed, "feilId", "F-1", ns=F)
            sub(failed, "feilmelding", error, ns=F)
        elif error:
            failed = sub(root, "registreringFeilet")
            sub(failed, "feilId", "F-2", ns=F)
            sub(failed, "feilmelding", error, ns=F)
        elif folder:
            node = sub(root, "mappeKvittering")
            node.set(f"{{{xsi}}}type", "saksmappeKvittering")
            sub(node, "systemID", "0b0f0a9e-8a36-4f3c-9d4e-3a1f6a2b7c11")
            key(node)
            sub(node, "opprettetEllerEksisterende", "Opprettet")
            sub(node, "saksaar", folder[0])
            sub(node, "sakssekvensnummer", folder[1])
        else:
            node = sub(root, "registreringKvittering")
            node.set(f"{{{xsi}}}type", "journalpostKvittering")
            sub(node, "systemID", "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f")
            key(node)
            sub(node, "opprettetEllerEksisterende", "Opprettet")
            sub(node, "journalaar", entry[0])
            sub(node, "journalsekvensnummer", entry[1])
            sub(node, "journalpostnummer", entry[2])
        content = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        self.assertTrue(archive_message.validate(content, "kvittering"))
        (self.inbox / f"{transfer.message_uuid}.xml").write_bytes(content)
        return content
