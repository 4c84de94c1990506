from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

# offentleglova § 32 (1): a request for access not decided within five working
# days after it came in counts as a refusal.
ACCESS_REQUEST_WORKING_DAYS = 5
# forvaltningsloven § 11a: a preliminary answer when no answer within a month.
GENERAL_MONTHS = 1
# GDPR art. 12(3): one month, extendable by two further months.
GDPR_MONTHS = 1
GDPR_EXTENSION_MONTHS = 2


class CitizenInquiryDeadlines(models.AbstractModel):
    """Every deadline of an inquiry, computed in one pass.

    SLA deadlines (first response, resolution) are working hours on the
    company's resource calendar after the inquiry was received, shifted by the
    working time it spent waiting on the citizen. An inquiry received by
    e-mail without a resolution target is promised an answer within the
    days set for the mail gateway. A resolution date set by hand is kept
    until someone changes it. Legal deadlines are days: calendar months moved
    off weekends and public holidays, or working days. Both use the same
    calendar, fetched once per batch.
    """

    _name = "citizen.inquiry.deadlines"
    _description = "Inquiry: Deadlines"

    date_sla_first_response = fields.Datetime(
        string="First Response Due",
        compute="_compute_deadlines",
        store=True,
        index=True,
        copy=False,
        precompute=True,
        help="When the citizen should get a first answer: the SLA first response "
        "target in working time, shifted by the time spent waiting on the citizen.",
    )
    date_deadline = fields.Datetime(
        string="Resolution Due",
        compute="_compute_date_deadline",
        store=True,
        readonly=False,
        index=True,
        copy=False,
        precompute=True,
        help="When the inquiry should be resolved: the SLA resolution target of "
        "the service (or else the queue) in working time, shifted by the time "
        "spent waiting on the citizen; for e-mail without a target, the answer "
        "time promised in the acknowledgement. A date set by hand is kept.",
    )
    is_deadline_manual = fields.Boolean(
        string="Resolution Due Set by Hand",
        readonly=True,
        copy=False,
        help="Someone set the resolution date by hand: it stays as it is when "
        "the inquiry waits on the citizen or its service changes, until someone "
        "changes it again. Clearing it brings back the planned date.",
    )
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue", string="Overdue"
    )
    date_sla_first_response_risk = fields.Datetime(
        string="First Response at Risk From",
        compute="_compute_deadlines",
        store=True,
        copy=False,
        precompute=True,
    )
    date_sla_resolution_risk = fields.Datetime(
        string="Resolution at Risk From",
        compute="_compute_date_sla_resolution_risk",
        store=True,
        copy=False,
        precompute=True,
    )
    legal_deadline = fields.Date(
        compute="_compute_deadlines",
        store=True,
        index=True,
        copy=False,
        precompute=True,
        help="The deadline set by law for the inquiry's type: the preliminary "
        "answer of forvaltningsloven § 11a, the five working days of "
        "offentleglova § 32 or the month (plus an extension) of GDPR art. 12(3).",
    )

    @api.depends(
        "date_received",
        "company_id",
        "service_id",
        "queue_id",
        "sla_paused_hours",
        "inquiry_type",
        "gdpr_extension_date",
    )
    def _compute_deadlines(self):
        working_times = self._citizen_working_times()
        for inquiry in self:
            working_time = working_times.get(inquiry.company_id)
            inquiry._citizen_compute_first_response_deadline(working_time)
            inquiry.legal_deadline = inquiry._citizen_legal_deadline(working_time)

    # Computes of their own: the date a user types in a form survives the
    # onchange only when no other compute assigns the field.
    @api.depends(
        "date_received",
        "company_id",
        "service_id",
        "queue_id",
        "channel_id",
        "sla_paused_hours",
        "is_deadline_manual",
    )
    def _compute_date_deadline(self):
        working_times = self._citizen_working_times()
        for inquiry in self:
            inquiry._citizen_compute_resolution_deadline(
                working_times.get(inquiry.company_id)
            )

    @api.depends(
        "date_deadline",
        "date_received",
        "company_id",
        "service_id",
        "queue_id",
        "sla_paused_hours",
    )
    def _compute_date_sla_resolution_risk(self):
        working_times = self._citizen_working_times()
        for inquiry in self:
            if inquiry.stage_id.is_closed and inquiry.date_sla_resolution_risk:
                continue
            _first_target, target = inquiry._citizen_sla_targets()
            risk = inquiry._citizen_plan_target(
                working_times.get(inquiry.company_id), target, at_risk=True
            )
            deadline = inquiry.date_deadline
            # The risk warning cannot come after the deadline set by hand.
            inquiry.date_sla_resolution_risk = (
                min(risk, deadline) if risk and deadline else False
            )

    def _citizen_working_times(self):
        """One working-time planner per company of ``self``."""
        starts = {}
        now = fields.Datetime.now()
        for inquiry in self:
            start = inquiry.date_received or now
            company = inquiry.company_id
            if company and (company not in starts or start < starts[company]):
                starts[company] = start
        return {
            company: company._citizen_working_time(start)
            for company, start in starts.items()
        }

    def _citizen_sla_targets(self):
        """(first response, resolution) hours: the service's, else the queue's."""
        self.ensure_one()
        service, queue = self.service_id, self.queue_id
        return (
            service.sla_first_response_hours or queue.sla_first_response_hours,
            service.sla_resolution_hours or queue.sla_resolution_hours,
        )

    def _citizen_compute_first_response_deadline(self, working_time):
        self.ensure_one()
        # A deadline already met stays as it was: later pauses must not turn a
        # late answer into a timely one.
        if self.date_first_response and self.date_sla_first_response:
            return
        first_target, _resolution_target = self._citizen_sla_targets()
        self.date_sla_first_response = self._citizen_plan_target(
            working_time, first_target
        )
        self.date_sla_first_response_risk = self._citizen_plan_target(
            working_time, first_target, at_risk=True
        )

    def _citizen_compute_resolution_deadline(self, working_time):
        self.ensure_one()
        # A deadline already met stays as it was; one promised by hand stands.
        if self.date_deadline and (self.stage_id.is_closed or self.is_deadline_manual):
            return
        self.date_deadline = self._citizen_planned_resolution(working_time)

    def _citizen_plan(self, working_time, hours):
        """The moment ``hours`` working hours after the inquiry was received."""
        if not (working_time and self.date_received):
            return False
        return working_time.plan_hours(self.date_received, hours) or False

    def _citizen_plan_target(self, working_time, target, at_risk=False):
        """When ``target`` working hours run out for ``self`` (or, with
        ``at_risk``, when the configured share of them is used), shifted by
        the pauses; False without a target."""
        if not target:
            return False
        if at_risk:
            target *= 1 - self.company_id.citizen_sla_risk_percent / 100
        return self._citizen_plan(working_time, target + self.sla_paused_hours)

    def _citizen_planned_resolution(self, working_time):
        """The resolution deadline as planned for ``self``, whatever was set
        by hand: the SLA target in working time, shifted by the pauses; else,
        for e-mail, the answer time promised to the sender."""
        self.ensure_one()
        _first_target, target = self._citizen_sla_targets()
        if target:
            return self._citizen_plan_target(working_time, target)
        email_channel_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "citizen_crm.channel_email", raise_if_not_found=False
        )
        if self.date_received and self.channel_id.id == email_channel_id:
            return self.date_received + timedelta(days=self._citizen_answer_days())
        return False

    def _citizen_flag_manual_deadlines(self, values):
        """Mark the resolution dates given by hand (``values``: the date
        written to each inquiry of ``self``, in order; None when none was):
        a date other than the planned one was set by someone and is kept.
        Clearing the date, or setting the planned one, makes it planned again."""
        given = [
            (inquiry, fields.Datetime.to_datetime(value))
            for inquiry, value in zip(self, values, strict=True)
            if value is not None
        ]
        if not given:
            return
        working_times = self.browse(
            [inquiry.id for inquiry, _value in given]
        )._citizen_working_times()
        manual, planned = self.browse(), self.browse()
        for inquiry, value in given:
            deadline = inquiry._citizen_planned_resolution(
                working_times.get(inquiry.company_id)
            )
            if value and value != deadline:
                manual |= inquiry
            else:
                planned |= inquiry
        manual.filtered(lambda i: not i.is_deadline_manual).is_deadline_manual = True
        planned.filtered("is_deadline_manual").is_deadline_manual = False

    def _citizen_legal_deadline(self, working_time):
        self.ensure_one()
        if not (working_time and self.date_received):
            return False
        received = working_time.local_date(self.date_received)
        if self.inquiry_type == "access_request":
            return working_time.add_working_days(received, ACCESS_REQUEST_WORKING_DAYS)
        if self.inquiry_type == "gdpr_request":
            months = GDPR_MONTHS + (
                GDPR_EXTENSION_MONTHS if self.gdpr_extension_date else 0
            )
            return working_time.add_months(received, months)
        return working_time.add_months(received, GENERAL_MONTHS)

    # ------------------------------------------------------------
    # Overdue
    # ------------------------------------------------------------

    @api.depends("date_deadline", "is_closed")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for inquiry in self:
            inquiry.is_overdue = bool(
                not inquiry.is_closed
                and inquiry.date_deadline
                and inquiry.date_deadline < now
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        domain = self._citizen_overdue_domain()
        return domain if operator == "in" else ~domain

    @api.model
    def _citizen_overdue_domain(self):
        return Domain("is_closed", "=", False) & Domain(
            "date_deadline", "<", fields.Datetime.now()
        )
