from datetime import datetime

from pytz import timezone, utc

from odoo.tests.common import TransactionCase, new_test_user

OSLO = timezone("Europe/Oslo")


def oslo(*args):
    """A naive UTC datetime from a wall-clock time in Oslo."""
    return OSLO.localize(datetime(*args)).astimezone(utc).replace(tzinfo=None)


class CitizenDeadlineCommon(TransactionCase):
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

        group = "citizen_crm.group_%s"
        cls.supervisor = new_test_user(
            cls.env,
            login="routing_supervisor",
            groups=group % "supervisor",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.frontdesk = new_test_user(
            cls.env,
            login="routing_frontdesk",
            groups=group % "frontdesk",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.caseworkers = cls.env["res.users"]
        for index in range(3):
            cls.caseworkers |= new_test_user(
                cls.env,
                login=f"routing_caseworker_{index}",
                groups=group % "caseworker",
                company_id=cls.company.id,
                company_ids=[cls.company.id],
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
        cls.channel_counter = cls.env.ref("citizen_crm.channel_counter")
        cls.channel_email = cls.env.ref("citizen_crm.channel_email")
        cls.channel_phone = cls.env.ref("citizen_crm.channel_phone")
        cls.stage_waiting = cls.env.ref("citizen_crm.stage_waiting")
        cls.stage_in_progress = cls.env.ref("citizen_crm.stage_in_progress")
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
