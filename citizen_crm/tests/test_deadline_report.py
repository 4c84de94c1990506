from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import CitizenDeadlineCommon, oslo


@tagged("post_install", "-at_install")
class TestDeadlineReport(CitizenDeadlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        received = oslo(2026, 3, 2, 8, 0)  # Monday; first response due 12:00
        Inquiry = cls.env["citizen.inquiry"]
        with freeze_time(oslo(2026, 3, 2, 10, 0)):
            cls.on_time = Inquiry.create(
                {
                    "name": "On time",
                    "company_id": cls.company.id,
                    "service_id": cls.service_permit.id,
                    "date_received": received,
                    "date_first_response": oslo(2026, 3, 2, 10, 0),
                }
            )
            cls.on_time._citizen_close("first_contact")
        with freeze_time(oslo(2026, 3, 2, 13, 0)):
            cls.late = Inquiry.create(
                {
                    "name": "Late",
                    "company_id": cls.company.id,
                    "service_id": cls.service_permit.id,
                    "date_received": received,
                    "date_first_response": oslo(2026, 3, 2, 13, 0),
                }
            )
        with freeze_time(oslo(2026, 3, 2, 11, 0)):
            cls.running = Inquiry.create(
                {
                    "name": "Running",
                    "company_id": cls.company.id,
                    "service_id": cls.service_permit.id,
                    "date_received": oslo(2026, 3, 2, 10, 0),
                }
            )
            cls.refused = Inquiry.create(
                {
                    "name": "Innsyn",
                    "company_id": cls.company.id,
                    "inquiry_type": "access_request",
                    "date_received": received,
                }
            )
        with freeze_time(oslo(2026, 3, 10, 9, 0)):
            Inquiry._cron_legal_deadlines()

    def test_compliance_per_queue_and_month(self):
        Report = self.env["citizen.inquiry.deadline.report"].with_user(self.supervisor)
        groups = Report._read_group(
            [("company_id", "=", self.company.id)],
            ["queue_id", "date_received:month"],
            [
                "sla_first_response_compliance:avg",
                "sla_resolution_compliance:avg",
                "legal_deadline_compliance:avg",
                "__count",
            ],
        )
        self.assertEqual(len(groups), 1)
        queue, _month, first_response, resolution, legal, count = groups[0]
        self.assertEqual(queue, self.servicetorg)
        self.assertEqual(count, 4)
        # One answered in time, one late; the running one does not count yet.
        self.assertEqual(first_response, 50.0)
        # Only the closed one is decided.
        self.assertEqual(resolution, 100.0)
        # The closed general inquiry kept its deadline; the access request
        # counts as refused.
        self.assertEqual(legal, 50.0)
        per_service = dict(
            Report._read_group(
                [("company_id", "=", self.company.id)],
                ["service_id"],
                ["sla_first_response_compliance:avg"],
            )
        )
        self.assertEqual(per_service[self.service_permit], 50.0)

    def test_report_is_for_supervisors(self):
        Report = self.env["citizen.inquiry.deadline.report"]
        with self.assertRaises(AccessError):
            Report.with_user(self.frontdesk).search([])
        self.assertEqual(
            Report.with_user(self.supervisor).search_count(
                [("sla_status", "=", "breached")]
            ),
            1,
        )

    def test_inquiry_form_shows_the_deadlines(self):
        form = Form(self.late.with_user(self.supervisor))
        self.assertEqual(form.sla_status, "breached")
        self.assertEqual(form.legal_deadline_state, "pending")
        self.assertEqual(form.routing_rule_id, self.env["citizen.routing.rule"])
        form.inquiry_type = "gdpr_request"
        form.save()
        self.assertEqual(self.late.inquiry_type, "gdpr_request")
