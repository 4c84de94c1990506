from pytz import utc

from odoo import models, tools

# The models this file's classes inherit, defined before them whatever the
# order of models/__init__.py.
from . import (  # noqa: F401
    citizen_registry_cache,
)


class ResourceCalendar(models.Model):
    """Work intervals cached per calendar and window.

    Every new inquiry plans its SLA and legal deadlines on the company's
    calendar. Odoo computes the work intervals of a window from the
    attendances and leaves each time (several queries and much Python per
    inquiry); they change only when the calendar does, so they are cached in
    the registry and the cache is cleared whenever a calendar, an attendance
    or a leave is written.
    """

    _name = "resource.calendar"
    _inherit = ["resource.calendar", "citizen.registry.cache"]

    @tools.ormcache("self.id", "begin", "end")
    def _citizen_work_intervals(self, begin, end):
        """The work intervals between two naive UTC datetimes, as a tuple of
        (start, stop, local date of start), naive UTC."""
        self.ensure_one()
        # sudo: the calendar, its attendances and its global leaves are
        # company configuration; the result is the same for every user, and
        # it is cached for every user.
        intervals = self.sudo()._work_intervals_batch(
            utc.localize(begin), utc.localize(end)
        )[False]
        return tuple(
            (
                start.astimezone(utc).replace(tzinfo=None),
                stop.astimezone(utc).replace(tzinfo=None),
                start.date(),
            )
            for start, stop, _meta in intervals
        )


class ResourceCalendarAttendance(models.Model):
    _name = "resource.calendar.attendance"
    _inherit = ["resource.calendar.attendance", "citizen.registry.cache"]


class ResourceCalendarLeaves(models.Model):
    _name = "resource.calendar.leaves"
    _inherit = ["resource.calendar.leaves", "citizen.registry.cache"]
