import logging

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

SLA_STATUSES = [
    ("on_track", "On Track"),
    ("at_risk", "At Risk"),
    ("breached", "Breached"),
]
_SEVERITY = {False: 0, "on_track": 1, "at_risk": 2, "breached": 3}
# {duration measure: the date ending it}: the measure is empty, not zero, until
# that date is set, and its average is over the inquiries that have one.
DURATION_ENDS = {
    "first_response_hours": "date_first_response",
    "resolution_hours": "date_closed",
}


class CitizenInquirySla(models.AbstractModel):
    """Service level: status, the clock pausing while waiting on the citizen,
    the first response, and escalation of breaches. The deadlines themselves
    are planned by citizen.inquiry.deadlines."""

    _name = "citizen.inquiry.sla"
    _description = "Inquiry: Service Level"

    sla_paused_hours = fields.Float(
        string="Paused (working hours)",
        # the average wait on the citizen; a sum over inquiries reads as nothing
        aggregator="avg",
        readonly=True,
        copy=False,
        help="Working time spent waiting on the citizen, by which the SLA "
        "deadlines are pushed back.",
    )
    date_sla_paused = fields.Datetime(
        string="Waiting Since",
        readonly=True,
        copy=False,
        help="The SLA clock is paused since then: the inquiry waits on the citizen.",
    )
    sla_status = fields.Selection(
        SLA_STATUSES,
        string="SLA Status",
        compute="_compute_sla_status",
        store=True,
        index=True,
        copy=False,
        precompute=True,
        help="At risk when less than the configured share of an SLA target is "
        "left; breached when a deadline passed without an answer or resolution. "
        "Closed inquiries keep the status they closed with.",
    )
    sla_first_response_status = fields.Selection(
        SLA_STATUSES,
        string="First Response SLA",
        compute="_compute_sla_status",
        store=True,
        copy=False,
        precompute=True,
    )
    sla_resolution_status = fields.Selection(
        SLA_STATUSES,
        string="Resolution SLA",
        compute="_compute_sla_status",
        store=True,
        copy=False,
        precompute=True,
    )
    date_sla_escalated = fields.Datetime(
        string="SLA Breach Escalated",
        readonly=True,
        copy=False,
        help="When the breach was escalated to the queue's supervisor.",
    )

    # Reporting measures: elapsed (calendar) hours, read from the dates their
    # own writers set (the first answer, the closing stage); recomputed when
    # a date changes, never written otherwise.
    first_response_hours = fields.Float(
        string="First Response Time (hours)",
        compute="_compute_duration_hours",
        store=True,
        precompute=True,
        copy=False,
        aggregator="avg",
        help="Hours from receipt to the first answer to the citizen; the "
        "average is over the inquiries answered.",
    )
    resolution_hours = fields.Float(
        string="Handling Time (hours)",
        compute="_compute_duration_hours",
        store=True,
        precompute=True,
        copy=False,
        aggregator="avg",
        help="Hours from receipt to closing; the average is over the closed inquiries.",
    )

    @api.depends("date_received", "date_first_response", "date_closed")
    def _compute_duration_hours(self):
        for inquiry in self:
            for fname, end_fname in DURATION_ENDS.items():
                end = inquiry[end_fname]
                hours = 0.0
                if end and inquiry.date_received:
                    seconds = (end - inquiry.date_received).total_seconds()
                    hours = round(max(seconds, 0.0) / 3600, 2)
                inquiry[fname] = hours

    def _citizen_duration_select(self, aggregate_spec, query, sql):
        """The average of a duration over the inquiries whose ending date is
        set: an open inquiry stores 0 hours (a float column has no empty
        value in Odoo), which would pull the average handling time down."""
        fname, _sep, func = aggregate_spec.partition(":")
        if func != "avg" or fname not in DURATION_ENDS:
            return sql
        return SQL(
            "AVG(CASE WHEN %s IS NOT NULL THEN %s END)",
            self._field_to_sql(self._table, DURATION_ENDS[fname], query),
            self._field_to_sql(self._table, fname, query),
        )

    @api.depends(
        "date_sla_first_response",
        "date_sla_first_response_risk",
        "date_deadline",
        "date_sla_resolution_risk",
        "date_first_response",
        "date_closed",
        "date_sla_paused",
        "stage_id.is_closed",
    )
    def _compute_sla_status(self):
        now = fields.Datetime.now()
        for inquiry in self:
            # The clock stops when the inquiry closes or waits on the citizen.
            if inquiry.stage_id.is_closed and inquiry.date_closed:
                moment = inquiry.date_closed
            else:
                moment = inquiry.date_sla_paused or now
            first_response = self._citizen_sla_target_status(
                inquiry.date_sla_first_response,
                inquiry.date_sla_first_response_risk,
                inquiry.date_first_response,
                moment,
            )
            resolution = self._citizen_sla_target_status(
                inquiry.date_deadline,
                inquiry.date_sla_resolution_risk,
                inquiry.date_closed if inquiry.stage_id.is_closed else False,
                moment,
            )
            inquiry.sla_first_response_status = first_response
            inquiry.sla_resolution_status = resolution
            inquiry.sla_status = max(first_response, resolution, key=_SEVERITY.get)

    @api.model
    def _citizen_sla_target_status(self, deadline, risk, done, moment):
        if not deadline:
            return False
        if done:
            return "breached" if done > deadline else "on_track"
        if moment >= deadline:
            return "breached"
        if risk and moment >= risk:
            return "at_risk"
        return "on_track"

    # ------------------------------------------------------------
    # The clock pauses while waiting on the citizen
    # ------------------------------------------------------------

    def _citizen_start_sla_clock(self):
        """New inquiries registered as waiting on the citizen start paused."""
        for inquiry in self.filtered(lambda i: i.stage_id.is_waiting):
            inquiry._citizen_pause_sla_clock(inquiry.date_received)

    def _citizen_sla_clock_changes(self, vals):
        """What a write of ``vals`` does to the clock, decided before it:
        (inquiries to pause, {inquiry: working hours to add on resuming},
        moment). The stage leaving or reaching "waiting" decides."""
        if "stage_id" not in vals:
            return None
        waiting = self.env["citizen.inquiry.stage"].browse(vals["stage_id"]).is_waiting
        now = fields.Datetime.now()
        if waiting:
            return self.filtered(lambda i: not i.date_sla_paused), {}, now
        resumed = self.filtered("date_sla_paused")._citizen_sla_paused_hours_until(now)
        return self.browse(), resumed, now

    def _citizen_apply_sla_clock(self, changes):
        """Apply what _citizen_sla_clock_changes decided, after the write."""
        if not changes:
            return
        to_pause, resumed, now = changes
        to_pause._citizen_pause_sla_clock(now)
        for inquiry, hours in resumed.items():
            inquiry._citizen_resume_sla_clock(hours)

    def _citizen_pause_sla_clock(self, moment):
        """The one writer of the pause's start."""
        # Clock bookkeeping follows the stage the user was allowed to set, even
        # when the new stage or queue leaves the inquiry out of their reach.
        if self:
            self.sudo().write({"date_sla_paused": moment})

    def _citizen_resume_sla_clock(self, hours):
        """The one writer of the paused hours: ``hours`` of working time were
        spent waiting; the SLA deadlines move by as much."""
        self.ensure_one()
        # sudo: as in _citizen_pause_sla_clock
        self.sudo().write(
            {
                "sla_paused_hours": self.sla_paused_hours + hours,
                "date_sla_paused": False,
            }
        )

    def _citizen_sla_paused_hours_until(self, moment):
        """{inquiry: working hours waited since the pause started}."""
        result = {}
        for company, inquiries in self.grouped("company_id").items():
            start = min(inquiries.mapped("date_sla_paused"))
            working_time = company._citizen_working_time(start)
            for inquiry in inquiries:
                result[inquiry] = (
                    working_time.hours_between(inquiry.date_sla_paused, moment)
                    if working_time
                    else 0.0
                )
        return result

    # ------------------------------------------------------------
    # First response
    # ------------------------------------------------------------

    def _citizen_check_first_response(self, message):
        """A message to the citizen by staff answers them, even partly: a
        comment of a public subtype, posted by an internal user as
        themself."""
        if (
            message.message_type == "comment"
            and message.subtype_id
            and not message.subtype_id.internal
            and message.author_id == self.env.user.partner_id
            and self.env.user._is_internal()
        ):
            self._citizen_mark_first_response(message.date)

    def _citizen_mark_first_response(self, moment=None):
        """The one writer of the first response: the first answer counts."""
        unanswered = self.filtered(lambda inquiry: not inquiry.date_first_response)
        if unanswered:
            # one write for the batch, not one per inquiry
            unanswered.date_first_response = moment or fields.Datetime.now()

    # ------------------------------------------------------------
    # Scheduled: status and escalation
    # ------------------------------------------------------------

    @api.model
    def _citizen_sla_due_domain(self, now=None):
        """Open inquiries whose SLA status may have moved on since it was stored."""
        now = now or fields.Datetime.now()
        first_response_due = Domain("date_first_response", "=", False) & (
            Domain("date_sla_first_response_risk", "<=", now)
            | Domain("date_sla_first_response", "<=", now)
        )
        resolution_due = Domain("date_sla_resolution_risk", "<=", now) | Domain(
            "date_deadline", "<=", now
        )
        return (
            Domain("is_closed", "=", False)
            & Domain("date_sla_paused", "=", False)
            & Domain("sla_status", "in", ["on_track", "at_risk"])
            & (first_response_due | resolution_due)
        )

    @api.model
    def _cron_sla(self):
        """Bring SLA statuses up to date and escalate new breaches."""
        due = self.search(self._citizen_sla_due_domain())
        if due:
            fnames = [
                "sla_status",
                "sla_first_response_status",
                "sla_resolution_status",
            ]
            for fname in fnames:
                self.env.add_to_compute(self._fields[fname], due)
            due._recompute_recordset(fnames)
        self._citizen_sla_escalate()

    @api.model
    def _citizen_sla_escalate(self):
        """One activity for the queue's supervisor per breach.

        An inquiry that is no longer breached (its deadline moved with a pause,
        or it was reopened in time) may be escalated again if it breaches again.
        """
        self.search(
            [
                ("date_sla_escalated", "!=", False),
                ("sla_status", "!=", "breached"),
                ("is_closed", "=", False),
            ]
        ).write({"date_sla_escalated": False})
        breached = self.search(
            [
                ("sla_status", "=", "breached"),
                ("is_closed", "=", False),
                ("date_sla_escalated", "=", False),
            ]
        )
        now = fields.Datetime.now()
        for inquiry in breached:
            # The note and the supervisor's to-do in the municipality's
            # language, not the cron user's.
            _ = inquiry._citizen_in_company_lang().env._
            supervisor = inquiry.queue_id.supervisor_id
            missed = (
                _("first response")
                if inquiry.sla_first_response_status == "breached"
                else _("resolution")
            )
            summary = _("SLA breached: %(target)s", target=missed)
            if supervisor:
                inquiry.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=fields.Date.context_today(inquiry),
                    summary=summary,
                    note=_(
                        "The %(target)s deadline of %(number)s has passed.",
                        target=missed,
                        number=inquiry.number,
                    ),
                    user_id=supervisor.id,
                )
            else:
                _logger.warning(
                    "SLA breach of inquiry %s not escalated: queue %s has no "
                    "supervisor",
                    inquiry.number,
                    inquiry.queue_id.display_name,
                )
            inquiry.message_post(
                body=_(
                    "%(summary)s. Escalated to %(supervisor)s.",
                    summary=summary,
                    supervisor=supervisor.name or _("nobody (no supervisor)"),
                ),
                subtype_xmlid="mail.mt_note",
            )
        breached.write({"date_sla_escalated": now})
        return breached
