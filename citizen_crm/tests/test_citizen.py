import datetime
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged, users
from odoo.tools import SQL, mute_logger

from ..models import res_partner
from .common import CitizenMunicipalitiesCommon, synthetic_id


@tagged("post_install", "-at_install")
class TestCitizenIdentity(CitizenMunicipalitiesCommon):
    def test_national_id_unique_per_company(self):
        Partner = self.env["res.partner"]
        # Citizens without a municipality: one number, one citizen.
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            Partner.create({"name": "Ola Kopi", "national_id": self.nid_ola})
            self.env.flush_all()
        number = synthetic_id(datetime.date(1970, 1, 1))
        in_a = Partner.create(
            {"name": "Per A", "national_id": number, "company_id": self.company_a.id}
        )
        # The same person may be registered by another municipality.
        in_b = Partner.create(
            {"name": "Per B", "national_id": number, "company_id": self.company_b.id}
        )
        self.env.flush_all()
        self.assertEqual(in_a.national_id, in_b.national_id)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            Partner.create(
                {
                    "name": "Per A2",
                    "national_id": number,
                    "company_id": self.company_a.id,
                }
            )
            self.env.flush_all()
        # Moving a citizen into a municipality where the number exists fails too.
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            in_b.company_id = self.company_a
            self.env.flush_all()

    def test_partners_without_number_are_not_constrained(self):
        partners = self.env["res.partner"].create(
            [{"name": "Uten nummer 1"}, {"name": "Uten nummer 2"}]
        )
        self.env.flush_all()
        self.assertFalse(any(partners.mapped("is_citizen")))

    @users("tst_frontdesk", "tst_caseworker", "tst_employee")
    def test_masked_for_staff(self):
        ola = self.citizen_ola.with_env(self.env)
        self.assertEqual(ola.national_id_masked, self.nid_ola[:6] + "*****")
        self.assertEqual(
            ola.read(["national_id_masked"])[0]["national_id_masked"],
            self.nid_ola[:6] + "*****",
        )
        self.assertNotIn("national_id", ola.fields_get())
        with self.assertRaises(AccessError):
            ola.read(["national_id"])
        with self.assertRaises(AccessError):
            getattr(ola, "national_id")  # noqa: B009 (the attribute read is the test)
        with self.assertRaises(AccessError):
            self.env["res.partner"].search([("national_id", "=", self.nid_ola)])
        # Reading what the user may see of the citizen never leaks the number.
        values = ola.read(
            ["display_name", "national_id_masked", "national_id_kind", "birthdate"]
        )[0]
        self.assertNotIn(self.nid_ola[6:], str(values))

    @users("tst_privacy")
    def test_privacy_officer_reads_full_number(self):
        ola = self.citizen_ola.with_env(self.env)
        self.assertEqual(ola.national_id, self.nid_ola)
        self.assertEqual(ola.read(["national_id"])[0]["national_id"], self.nid_ola)
        self.assertEqual(
            self.env["res.partner"].search([("national_id", "=", self.nid_ola)]), ola
        )

    @users("tst_frontdesk")
    def test_frontdesk_registers_citizen_with_full_number(self):
        number = synthetic_id(datetime.date(1961, 12, 24))
        typed = f"{number[:6]} {number[6:]}"
        with Form(
            self.env["res.partner"].with_context(default_is_citizen=True)
        ) as form:
            form.name = "Berit Hansen"
            form.national_id_masked = typed
            form.phone = "+47 900 11 222"
        partner = form.record
        self.assertEqual(partner.national_id_masked, number[:6] + "*****")
        self.assertEqual(form.national_id_masked, number[:6] + "*****")
        self.assertTrue(partner.is_citizen)
        self.assertEqual(partner.birthdate, datetime.date(1961, 12, 24))
        self.assertEqual(partner.sudo().national_id, number)

        # Saving the form again sends the masked value back: nothing changes.
        with Form(partner) as form:
            form.phone = "+47 900 11 223"
        self.assertEqual(partner.sudo().national_id, number)

        # A mistyped number is refused with a reason, the stored one is kept.
        with self.assertRaisesRegex(ValidationError, "second check digit"):
            with Form(partner) as form:
                form.national_id_masked = number[:10] + str((int(number[10]) + 1) % 10)
        self.assertEqual(partner.sudo().national_id, number)

        # Correcting the number to another valid one.
        other = synthetic_id(datetime.date(1961, 12, 25))
        with Form(partner) as form:
            form.national_id_masked = other
        self.assertEqual(partner.sudo().national_id, other)
        self.assertEqual(partner.birthdate, datetime.date(1961, 12, 25))

    @users("tst_frontdesk", "tst_caseworker")
    def test_search_by_full_number_only(self):
        Partner = self.env["res.partner"]
        ola = self.citizen_ola.with_env(self.env)
        typed = f"{self.nid_ola[:6]} {self.nid_ola[6:]}"
        for value in (self.nid_ola, typed):
            self.assertEqual(Partner.search([("national_id_masked", "=", value)]), ola)
            self.assertEqual(
                Partner.search([("national_id_masked", "ilike", value)]), ola
            )
            self.assertEqual(Partner.search([("display_name", "ilike", value)]), ola)
            found = Partner.name_search(value)
            self.assertEqual(found, [(ola.id, "Ola Nordmann")])
            found = Partner.with_context(citizen_search=True).name_search(value)
            self.assertEqual([partner_id for partner_id, _name in found], ola.ids)
            # Results show the name, never the number.
            for _partner_id, name in found:
                self.assertNotIn(self.nid_ola[6:], name)
        self.assertEqual(
            Partner.search(
                [("national_id_masked", "in", [self.nid_ola, self.nid_kari])]
            ),
            self.citizen_ola | self.citizen_kari,
        )
        self.assertNotIn(self.nid_ola[6:], ola.display_name)
        self.assertNotIn(
            self.nid_ola[6:],
            str(Partner.web_search_read([("id", "=", ola.id)], {"display_name": {}})),
        )

    @users("tst_employee")
    def test_other_employees_cannot_search_by_number(self):
        """Identity numbers are searched by citizen_crm staff only: an employee
        of another department picking a partner finds nobody by number."""
        Partner = self.env["res.partner"]
        self.assertFalse(Partner.search([("national_id_masked", "=", self.nid_ola)]))
        self.assertEqual(Partner.name_search(self.nid_ola), [])
        self.assertEqual(
            Partner.name_search("Ola Nordmann"), [(self.citizen_ola.id, "Ola Nordmann")]
        )

    @users("tst_frontdesk")
    def test_partial_number_finds_nothing(self):
        Partner = self.env["res.partner"].with_context(citizen_search=True)
        for partial in (
            self.nid_ola[:6],
            self.nid_ola[:10],
            self.nid_ola[1:],
            self.nid_ola[6:],
            self.nid_ola[:6] + "*****",
        ):
            with self.subTest(partial=partial):
                for operator in ("=", "ilike", "like", "=like", "!="):
                    self.assertFalse(
                        Partner.search([("national_id_masked", operator, partial)])
                    )
                self.assertEqual(Partner.name_search(partial), [])
        # Negative and set operators do not enumerate numbers either.
        self.assertFalse(Partner.search([("national_id_masked", "!=", False)]))
        self.assertFalse(Partner.search([("national_id_masked", "not in", ["x"])]))

    def test_name_search_orders_rare_and_common_fragments(self):
        """The citizen field lists the first matches by name, whether the
        fragment is rare (prefetched by trigram, then sorted) or matches more
        than the prefetch cap (left to the ordered walk)."""
        Partner = self.env["res.partner"].with_context(citizen_search=True)
        names = [f"Zorba Testesen {index:04d}" for index in range(12)]
        Partner.create([{"name": name, "is_citizen": True} for name in reversed(names)])
        found = Partner.name_search("zorba testesen", limit=8)
        self.assertEqual([name for _id, name in found], names[:8])
        with patch.object(res_partner, "CITIZEN_PREFETCH", 5):
            found = Partner.name_search("zorba testesen", limit=8)
        self.assertEqual([name for _id, name in found], names[:8])

    @users("tst_frontdesk")
    def test_phone_search(self):
        Partner = self.env["res.partner"].with_context(citizen_search=True)
        ola = self.citizen_ola.with_env(self.env)
        for typed in ("+47 912 34 567", "91234567", "912 34 567", "+4791234567"):
            with self.subTest(typed=typed):
                found = Partner.name_search(typed)
                self.assertEqual([partner_id for partner_id, _name in found], ola.ids)
        # Without the citizen search context, names only.
        self.assertEqual(self.env["res.partner"].name_search("91234567"), [])
        # Too short to be a phone number.
        self.assertEqual(Partner.name_search("1234"), [])

    def test_phone_search_uses_the_phone_index(self):
        """The digits are looked up through phone_validation's trigram index
        on the phone, not by reading every partner: the query's expression
        must be the index's, or PostgreSQL cannot use it."""
        query = self.env["res.partner"]._citizen_phone_digits_query("91234567")
        # On a few partners, PostgreSQL rather reads phone_validation's btree
        # index whole: out of the way until the test's rollback, so the plan
        # says whether the trigram index can answer the LIKE.
        self.env.cr.execute("DROP INDEX res_partner_phone_partial_tgm")
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(SQL("EXPLAIN %s", query))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("Bitmap Index Scan on res_partner_phone_partial_gin_idx", plan)
        self.assertRegex(plan, r"Index Cond: .*~~ '%91234567%'")


@tagged("post_install", "-at_install")
class TestCitizenHistory(CitizenMunicipalitiesCommon):
    @users("tst_frontdesk")
    def test_inquiry_counts_frontdesk(self):
        ola = self.citizen_ola.with_env(self.env)
        kari = self.citizen_kari.with_env(self.env)
        # The front desk sees every non-confidential inquiry of its municipality.
        self.assertEqual(ola.citizen_inquiry_count, 2)
        self.assertEqual(ola.citizen_open_inquiry_count, 2)
        self.assertEqual(kari.citizen_inquiry_count, 2)
        self.assertEqual(
            ola.citizen_inquiry_ids, self.inquiry_front | self.inquiry_building
        )
        self.assertEqual(
            kari.citizen_inquiry_ids,
            self.inquiry_health | self.inquiry_health_assigned,
        )

    @users("tst_caseworker")
    def test_inquiry_counts_caseworker(self):
        kari = self.citizen_kari.with_env(self.env)
        # Its queue (confidential included) and what is assigned to it.
        self.assertEqual(kari.citizen_inquiry_count, 2)
        self.assertEqual(
            kari.citizen_inquiry_ids,
            self.inquiry_health_assigned | self.inquiry_building_confidential,
        )

    def test_inquiry_counts_follow_closing(self):
        ola = self.citizen_ola.with_user(self.user_supervisor)
        self.assertEqual(
            (ola.citizen_inquiry_count, ola.citizen_open_inquiry_count), (2, 2)
        )
        self.inquiry_front._citizen_close("first_contact")
        ola.invalidate_recordset()
        self.assertEqual(
            (ola.citizen_inquiry_count, ola.citizen_open_inquiry_count), (2, 1)
        )
        # Other municipalities' inquiries are not counted.
        self.env.invalidate_all()
        ola_b = self.citizen_ola.with_user(self.user_supervisor_b)
        self.assertEqual(ola_b.citizen_inquiry_count, 1)
        self.assertEqual(ola_b.citizen_inquiry_ids, self.inquiry_b)

    def test_inquiry_counts_batch(self):
        partners = (self.citizen_ola | self.citizen_kari).with_user(
            self.user_supervisor
        )
        partners.mapped("citizen_inquiry_count")  # warm up rules and groups
        partners.invalidate_recordset()
        # Two grouped queries for any number of citizens, not one per citizen.
        with self.assertQueryCount(2):
            self.assertEqual(partners.mapped("citizen_inquiry_count"), [2, 4])

    def test_action_open_citizen_inquiries(self):
        action = self.citizen_ola.with_user(
            self.user_frontdesk
        ).action_open_citizen_inquiries()
        self.assertEqual(action["res_model"], "citizen.inquiry")
        self.assertEqual(action["domain"], [("partner_id", "=", self.citizen_ola.id)])
        self.assertEqual(action["context"]["default_partner_id"], self.citizen_ola.id)
        self.assertIn("Ola Nordmann", action["display_name"])
        inquiries = (
            self.env["citizen.inquiry"]
            .with_user(self.user_frontdesk)
            .search(action["domain"])
        )
        self.assertEqual(inquiries, self.inquiry_front | self.inquiry_building)

    @users("tst_employee", "tst_privacy")
    def test_partner_readable_without_citizen_crm_access(self):
        """Employees of other departments and the privacy officer read
        partners without reading inquiries."""
        ola = self.citizen_ola.with_env(self.env)
        fields = ola.fields_get()
        for fname in (
            "citizen_inquiry_ids",
            "citizen_inquiry_count",
            "citizen_open_inquiry_count",
        ):
            self.assertNotIn(fname, fields)
        readable = [
            fname
            for fname, field in ola._fields.items()
            if fname in fields and not field.relational
        ]
        values = ola.read(readable)[0]
        self.assertEqual(values["name"], "Ola Nordmann")
        self.assertEqual(values["national_id_masked"], self.nid_ola[:6] + "*****")
