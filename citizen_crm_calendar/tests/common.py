"""The calendar bridge's test base: a municipality working 08:00-16:00
(Oslo) on weekdays with a public holiday, its building department and a
citizen with an inquiry there."""

import datetime

from odoo import Command
from odoo.addons.citizen_crm.tests.common import CitizenMunicipalitiesCommon, oslo

# A Monday far enough ahead that "now" never cuts into the week; Tuesday is
# a public holiday of the calendar.
MONDAY = datetime.date(2030, 3, 4)
HOLIDAY = MONDAY + datetime.timedelta(days=1)


class CitizenCalendarCommon(CitizenMunicipalitiesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.calendar = env["resource.calendar"].create(
            {
                "name": "Testvik kommune 08-16",
                "tz": "Europe/Oslo",
                "company_id": cls.company_a.id,
                "attendance_ids": [
                    Command.clear(),
                    *(
                        Command.create(
                            {
                                "name": f"Day {day}",
                                "dayofweek": str(day),
                                "hour_from": 8,
                                "hour_to": 16,
                                "day_period": "morning",
                            }
                        )
                        for day in range(5)
                    ),
                ],
            }
        )
        env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": cls.calendar.id,
                "date_from": oslo(HOLIDAY.year, HOLIDAY.month, HOLIDAY.day, 0, 0),
                "date_to": oslo(HOLIDAY.year, HOLIDAY.month, HOLIDAY.day, 23, 59),
            }
        )
        cls.company_a.resource_calendar_id = cls.calendar
        cls.queue_building_a.write(
            {"appointment_duration": 0.5, "appointment_location": "Rådhuset, 2. etg."}
        )
        cls.citizen_ola.email = "ola.nordmann@example.com"

    def _wizard(self, inquiry=None, user=None, **values):
        """The booking wizard of ``inquiry`` (the front desk's phone inquiry)
        as ``user`` (the front desk), opened by its button, from MONDAY, with
        the building department's caseworker unless ``values`` say else."""
        user = user or self.user_frontdesk
        inquiry = (inquiry or self.inquiry_front).with_user(user)
        action = inquiry.action_book_appointment()
        values = {
            "date_from": MONDAY,
            "queue_id": self.queue_building_a.id,
            "user_id": self.user_caseworker.id,
            **values,
        }
        return (
            self.env["citizen.appointment.book"]
            .with_user(user)
            .with_context(action["context"])
            .create(values)
        )
