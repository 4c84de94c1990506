import datetime
import json

from odoo.addons.citizen_crm.models import national_id as nid
from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase

MAIL_CONTEXT = {
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
}


def synthetic_number(year, month, day, start=100):
    for individual in range(start, start + 50):
        number = nid.generate(
            datetime.date(year, month, day), individual, synthetic=True
        )
        if number and nid.is_valid(number):
            return number
    raise AssertionError("no synthetic number found")


class PrivacyCase(TransactionCase):
    """One user per role, a protected citizen with data worth stealing, an
    ordinary citizen, and helpers that fail when a secret shows up anywhere."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, **MAIL_CONTEXT))
        cls.env = env
        cls.frontdesk = new_test_user(
            env,
            "privacy_frontdesk",
            groups="citizen_crm.group_frontdesk,base.group_allow_export",
            email="frontdesk@kommune.example",
        )
        cls.caseworker = new_test_user(
            env,
            "privacy_caseworker",
            groups="citizen_crm.group_caseworker,base.group_allow_export",
            email="caseworker@kommune.example",
        )
        cls.supervisor = new_test_user(
            env,
            "privacy_supervisor",
            groups="citizen_crm.group_supervisor,base.group_allow_export",
            email="supervisor@kommune.example",
        )
        cls.officer = new_test_user(
            env,
            "privacy_officer",
            groups="citizen_crm.group_privacy_officer,base.group_allow_export,base.group_partner_manager",
            email="personvern@kommune.example",
        )
        # A desk member who may also edit contacts (registry updates).
        cls.clerk = new_test_user(
            env,
            "privacy_clerk",
            groups="citizen_crm.group_frontdesk,base.group_partner_manager",
        )
        cls.staff = cls.frontdesk | cls.caseworker | cls.supervisor
        cls.queue = env.ref("citizen_crm.citizen_queue_servicetorg")
        cls.queue.member_ids = cls.frontdesk | cls.caseworker
        cls.employer = env["res.partner"].create(
            {"name": "Fjordvik Sag AS", "is_company": True}
        )
        cls.norway = env.ref("base.no")
        cls.secret_number = synthetic_number(1985, 3, 14)
        cls.plain_number = synthetic_number(1990, 7, 2)
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

    def flush_tracking(self):
        """Write pending tracking values, as a commit would."""
        self.env.flush_all()
        self.cr.flush()

    def new_portal_user(self, partner, login):
        return new_test_user(
            self.env,
            login,
            groups="base.group_portal",
            partner_id=partner.id,
            name=partner.name,
        )
