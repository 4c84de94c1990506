import logging
from datetime import datetime, time, timedelta

import holidays
from pytz import timezone, utc

from odoo import api, fields, models

from .working_time import WorkingTime

_logger = logging.getLogger(__name__)


class ResCompany(models.Model):
    _inherit = "res.company"

    citizen_sla_risk_percent = fields.Integer(
        string="SLA At Risk Below (%)",
        default=25,
        help="An inquiry is at risk when less than this share of its SLA "
        "target (in working time) is left.",
    )
    citizen_legal_reminder_days = fields.Integer(
        string="Legal Deadline Reminder (working days)",
        default=5,
        help="Staff are reminded this many working days before a preliminary "
        "answer (forvaltningsloven § 11a) or a GDPR answer is due.",
    )

    _citizen_sla_risk_percent_range = models.Constraint(
        "CHECK(citizen_sla_risk_percent >= 0 AND citizen_sla_risk_percent <= 100)",
        "The SLA risk threshold is a percentage between 0 and 100.",
    )
    _citizen_legal_reminder_days_positive = models.Constraint(
        "CHECK(citizen_legal_reminder_days >= 0)",
        "The legal deadline reminder cannot be negative.",
    )

    def _citizen_working_time(self, start):
        """Working time on the company's calendar from ``start``, or None."""
        self.ensure_one()
        calendar = self.resource_calendar_id
        if not calendar:
            return None
        return WorkingTime(calendar, start)

    # ------------------------------------------------------------
    # Norwegian public holidays
    # ------------------------------------------------------------

    def _citizen_holiday_calendars(self):
        """The calendars that get the Norwegian public holidays: those of
        companies in Norway (or with no country yet, as a fresh municipality)."""
        norway = self.env.ref("base.no", raise_if_not_found=False)
        companies = self.filtered(
            lambda c: not c.country_id or (norway and c.country_id == norway)
        )
        if not companies:
            return self.env["resource.calendar"]
        calendars = self.env["resource.calendar"].search(
            [("company_id", "in", companies.ids)]
        )
        return calendars | companies.resource_calendar_id

    def _citizen_generate_public_holidays(self, years=None):
        """Fill the calendars' global leaves with Norway's public holidays.

        The dates come from the ``holidays`` library (moveable feasts follow
        Easter). A day that already has a global leave on a calendar is left
        alone, so running it again, or after someone entered a holiday by hand,
        creates nothing twice.
        """
        if years is None:
            this_year = fields.Date.context_today(self).year
            years = [this_year, this_year + 1]
        norwegian = holidays.country_holidays("NO", years=years)
        days = sorted(norwegian.items())
        # Calendars and their global leaves are HR configuration that only
        # administrators may write; the dates are public law, not user input.
        calendars = self.sudo()._citizen_holiday_calendars()
        if not calendars or not days:
            return self.env["resource.calendar.leaves"]
        Leave = self.env["resource.calendar.leaves"].sudo()
        first = datetime.combine(days[0][0], time.min)
        last = datetime.combine(days[-1][0], time.max)
        existing = Leave.search(
            [
                ("calendar_id", "in", calendars.ids),
                ("resource_id", "=", False),
                # A day either side: the leaves are stored in UTC.
                ("date_from", "<=", last + timedelta(days=1)),
                ("date_to", ">=", first - timedelta(days=1)),
            ]
        )
        vals_list = []
        for calendar in calendars:
            tz = timezone(calendar.tz or "UTC")
            leaves = existing.filtered(lambda leave, c=calendar: leave.calendar_id == c)
            for day, name in days:
                date_from = tz.localize(datetime.combine(day, time.min))
                date_to = tz.localize(datetime.combine(day, time(23, 59, 59)))
                date_from = date_from.astimezone(utc).replace(tzinfo=None)
                date_to = date_to.astimezone(utc).replace(tzinfo=None)
                if any(
                    leave.date_from < date_to and leave.date_to > date_from
                    for leave in leaves
                ):
                    continue
                vals_list.append(
                    {
                        "name": name,
                        "calendar_id": calendar.id,
                        "date_from": date_from,
                        "date_to": date_to,
                        "time_type": "leave",
                    }
                )
        created = Leave.create(vals_list)
        if created:
            _logger.info(
                "Added %s Norwegian public holidays (%s) to %s calendars",
                len(created),
                ", ".join(map(str, years)),
                len(calendars),
            )
        return created

    @api.model
    def _cron_citizen_generate_public_holidays(self):
        """Yearly: this year's and next year's holidays for every company."""
        self.search([])._citizen_generate_public_holidays()
