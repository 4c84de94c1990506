"""Working time on a company's resource calendar, planned in Python.

SLA and legal deadlines are counted in working time: the attendances of the
company's ``resource.calendar`` minus its global leaves (Norwegian public
holidays, see ``res_company_deadlines.py``). Odoo's ``plan_hours`` runs two
queries per call; intake needs several deadlines per inquiry, for batches of
inquiries, so the work intervals of a window are fetched once through
``_work_intervals_batch`` and every deadline of the batch is planned on them.

All datetimes in and out are naive UTC, like Odoo's stored datetimes.
"""

import bisect
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from pytz import timezone, utc

# Fetch this much ahead at a time: one query pair covers the SLA targets and
# the one-month legal deadlines of a batch received on the same day; longer
# spans fetch more as they go.
WINDOW = timedelta(days=40)
# Never look further than this for working time (a calendar without
# attendances would otherwise loop for ever).
HORIZON = timedelta(days=3 * 366)


class WorkingTime:
    """The work intervals of one calendar from a start datetime onwards."""

    def __init__(self, calendar, start):
        self.calendar = calendar
        self.tz = timezone(calendar.tz or "UTC")
        # From the midnight (UTC) before the day before ``start``: the windows
        # of all inquiries of a day are the same, so their work intervals come
        # from the calendar's cache.
        self.start = datetime.combine((start - timedelta(days=1)).date(), time.min)
        self.fetched_until = self.start
        self.starts = []
        self.stops = []
        # Running total of working hours before each interval, for O(log n)
        # planning and counting.
        self.cumulative = [0.0]
        self.working_dates = set()

    # ------------------------------------------------------------
    # Fetching
    # ------------------------------------------------------------

    def _fetch_until(self, until):
        while self.fetched_until < until:
            begin = self.fetched_until
            end = begin + WINDOW
            intervals = self.calendar._citizen_work_intervals(begin, end)
            for start_utc, stop_utc, local_day in intervals:
                if stop_utc <= start_utc:
                    continue
                if self.stops and start_utc < self.stops[-1]:
                    start_utc = self.stops[-1]
                    if stop_utc <= start_utc:
                        continue
                self.starts.append(start_utc)
                self.stops.append(stop_utc)
                hours = (stop_utc - start_utc).total_seconds() / 3600
                self.cumulative.append(self.cumulative[-1] + hours)
                self.working_dates.add(local_day)
            self.fetched_until = end

    # ------------------------------------------------------------
    # Hours
    # ------------------------------------------------------------

    def _hours_before(self, moment):
        """Working hours between the start of the fetched window and ``moment``."""
        self._fetch_until(moment + timedelta(days=1))
        index = bisect.bisect_right(self.starts, moment) - 1
        if index < 0:
            return 0.0
        hours = self.cumulative[index]
        covered = min(moment, self.stops[index]) - self.starts[index]
        return hours + max(covered.total_seconds(), 0.0) / 3600

    def hours_between(self, start, end):
        """Working hours between two datetimes (0 when ``end`` is before ``start``)."""
        if not start or not end or end <= start:
            return 0.0
        return self._hours_before(end) - self._hours_before(start)

    def plan_hours(self, start, hours):
        """The moment ``hours`` working hours after ``start``, or None."""
        if hours <= 0:
            return start
        target = self._hours_before(start) + hours
        while self.cumulative[-1] < target:
            if self.fetched_until - start > HORIZON:
                return None
            self._fetch_until(self.fetched_until + WINDOW)
        # The target falls within the interval ``index``.
        index = bisect.bisect_left(self.cumulative, target) - 1
        return self.starts[index] + timedelta(hours=target - self.cumulative[index])

    # ------------------------------------------------------------
    # Days
    # ------------------------------------------------------------

    def local_date(self, moment):
        """The calendar's local date of a naive UTC datetime."""
        return utc.localize(moment).astimezone(self.tz).date()

    def end_of_day(self, day):
        """The last moment of a local day, as naive UTC."""
        local = self.tz.localize(datetime.combine(day, time.max))
        return local.astimezone(utc).replace(tzinfo=None)

    def is_working_day(self, day):
        self._fetch_until(self.end_of_day(day) + timedelta(days=2))
        return day in self.working_dates

    def next_working_day(self, day):
        """``day`` itself when it is a working day, else the next one (or None)."""
        limit = day + HORIZON
        while day <= limit:
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        return None

    def add_working_days(self, day, count):
        """The ``count``-th working day after ``day`` (``day`` itself not counted)."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        limit = abs(count) * 7 + 60
        while remaining and limit:
            day += timedelta(days=step)
            limit -= 1
            if day < self.start.date():
                return None
            if self.is_working_day(day):
                remaining -= 1
        return day if not remaining else None

    def add_months(self, day, months):
        """Calendar months after ``day``, moved to the next working day.

        Periods counted in months end on the day of the month with the same
        number, or the last day of the month when it has no such day; a period
        ending on a weekend or public holiday runs to the next working day
        (domstolloven § 149, which forvaltningsloven follows, and Regulation
        1182/71 art. 3(4) for GDPR).
        """
        return self.next_working_day(day + relativedelta(months=months))
