from odoo import api, fields, models

# offentleglova § 32 (1): a request for access not decided within five working
# days after it came in counts as a refusal.
ACCESS_REQUEST_WORKING_DAYS = 5
# forvaltningsloven § 11a: a preliminary answer when no answer within a month.
GENERAL_MONTHS = 1
# GDPR art. 12(3): one month, extendable by two further months.
GDPR_MONTHS = 1
GDPR_EXTENSION_MONTHS = 2


class CitizenInquiry(models.Model):
    """Every deadline of an inquiry, computed in one pass.

    SLA deadlines (first response, resolution) are working hours on the
    company's resource calendar after the inquiry was received, shifted by the
    working time it spent waiting on the citizen. Legal deadlines are days:
    calendar months moved off weekends and public holidays, or working days.
    Both use the same calendar, fetched once per batch.
    """

    _inherit = "citizen.inquiry"

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
        compute="_compute_deadlines",
        store=True,
        readonly=False,
        index=True,
        copy=False,
        precompute=True,
        help="When the inquiry should be resolved: the SLA resolution target of "
        "the service (or else the queue) in working time, shifted by the time "
        "spent waiting on the citizen.",
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
        compute="_compute_deadlines",
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
            inquiry._citizen_compute_sla_deadlines(working_time)
            inquiry.legal_deadline = inquiry._citizen_legal_deadline(working_time)

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

    def _citizen_compute_sla_deadlines(self, working_time):
        self.ensure_one()
        first_target, resolution_target = self._citizen_sla_targets()
        received = self.date_received
        paused = self.sla_paused_hours
        risk_share = 1 - self.company_id.citizen_sla_risk_percent / 100

        def plan(hours):
            if not (working_time and received):
                return False
            return working_time.plan_hours(received, hours) or False

        # A deadline already met stays as it was: later pauses must not turn a
        # late answer into a timely one.
        if not (self.date_first_response and self.date_sla_first_response):
            if first_target:
                self.date_sla_first_response = plan(first_target + paused)
                self.date_sla_first_response_risk = plan(
                    first_target * risk_share + paused
                )
            else:
                self.date_sla_first_response = False
                self.date_sla_first_response_risk = False
        if not (self.stage_id.is_closed and self.date_deadline):
            if resolution_target:
                self.date_deadline = plan(resolution_target + paused)
                self.date_sla_resolution_risk = plan(
                    resolution_target * risk_share + paused
                )
            else:
                self.date_deadline = False
                self.date_sla_resolution_risk = False

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
