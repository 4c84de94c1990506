from pytz import timezone, utc

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import format_date

INQUIRY_TYPES = [
    ("general", "General inquiry"),
    ("access_request", "Request for access (offentleglova)"),
    ("gdpr_request", "Data-subject request (GDPR)"),
]

LEGAL_STATES = [
    ("pending", "Pending"),
    ("met", "Met"),
    ("overdue", "Overdue"),
    ("refused", "Counts as Refused"),
]


class CitizenInquiryLegal(models.AbstractModel):
    """Deadlines set by law, apart from SLA; the date itself is computed
    with the other deadlines by citizen.inquiry.deadlines.

    - General inquiry (forvaltningsloven § 11a): a preliminary answer, with the
      reason and the expected date of the answer, is due when the inquiry is
      not answered within one month.
    - Request for access (offentleglova § 32 (1); § 29 (1) asks for a decision
      without undue delay): not decided within five
      working days, it counts as refused and may be appealed.
    - Data-subject request (GDPR art. 12(3)): answered within one month,
      extendable by two further months with a notice to the citizen.
    """

    _name = "citizen.inquiry.legal"
    _description = "Inquiry: Legal Deadlines"

    inquiry_type = fields.Selection(
        INQUIRY_TYPES,
        string="Type",
        required=True,
        default="general",
        index=True,
        tracking=True,
        help="Decides the legal deadline.",
    )
    legal_deadline_state = fields.Selection(
        LEGAL_STATES,
        string="Legal Deadline Status",
        compute="_compute_legal_deadline_state",
        store=True,
        index=True,
        copy=False,
        precompute=True,
    )
    date_preliminary_answer = fields.Datetime(
        string="Preliminary Answer Sent", readonly=True, copy=False
    )
    preliminary_answer_reason = fields.Text(
        readonly=True,
        copy=False,
        help="Why the answer takes time, as told to the citizen.",
    )
    preliminary_answer_date_expected = fields.Date(
        string="Answer Expected By",
        readonly=True,
        copy=False,
        help="When the citizen was told to expect the answer.",
    )
    date_legal_reminder = fields.Datetime(
        string="Legal Deadline Reminder Sent", readonly=True, copy=False
    )
    gdpr_extension_date = fields.Date(
        string="Extension Notified",
        readonly=True,
        copy=False,
        help="When the citizen was told the answer takes two more months.",
    )
    gdpr_extension_reason = fields.Text(
        string="Extension Reason", readonly=True, copy=False
    )

    @api.depends(
        "legal_deadline",
        "inquiry_type",
        "stage_id.is_closed",
        "date_closed",
        "date_preliminary_answer",
    )
    def _compute_legal_deadline_state(self):
        today_by_tz = {}
        for inquiry in self:
            deadline = inquiry.legal_deadline
            if not deadline:
                inquiry.legal_deadline_state = False
                continue
            tz = timezone(inquiry.company_id.resource_calendar_id.tz or "UTC")
            if tz not in today_by_tz:
                today_by_tz[tz] = (
                    utc.localize(fields.Datetime.now()).astimezone(tz).date()
                )

            def local_date(moment, tz=tz):
                return utc.localize(moment).astimezone(tz).date() if moment else None

            answered = (
                local_date(inquiry.date_closed) if inquiry.stage_id.is_closed else None
            )
            if inquiry.inquiry_type == "general" and inquiry.date_preliminary_answer:
                preliminary = local_date(inquiry.date_preliminary_answer)
                answered = min(answered, preliminary) if answered else preliminary
            if answered:
                late = answered > deadline
            elif today_by_tz[tz] > deadline:
                late = True
            else:
                inquiry.legal_deadline_state = "pending"
                continue
            if not late:
                inquiry.legal_deadline_state = "met"
            elif inquiry.inquiry_type == "access_request":
                inquiry.legal_deadline_state = "refused"
            else:
                inquiry.legal_deadline_state = "overdue"

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_open_preliminary_answer_wizard(self):
        self.ensure_one()
        return self._citizen_open_wizard(
            "citizen.inquiry.preliminary.answer", self.env._("Preliminary Answer")
        )

    def action_open_gdpr_extension_wizard(self):
        self.ensure_one()
        if self.inquiry_type != "gdpr_request":
            raise UserError(
                self.env._(
                    "Only the deadline of a data-subject request can be extended."
                )
            )
        return self._citizen_open_wizard(
            "citizen.inquiry.gdpr.extension", self.env._("Extend GDPR Deadline")
        )

    def _citizen_record_preliminary_answer(self, reason, date_expected):
        self.write(
            {
                "date_preliminary_answer": fields.Datetime.now(),
                "preliminary_answer_reason": reason,
                "preliminary_answer_date_expected": date_expected,
            }
        )

    # ------------------------------------------------------------
    # Scheduled: states and reminders
    # ------------------------------------------------------------

    @api.model
    def _cron_legal_deadlines(self):
        """Mark passed legal deadlines, then remind staff of coming ones."""
        # A day of margin: the state compute decides in the calendar's zone.
        tomorrow = fields.Date.add(fields.Date.today(), days=1)
        passed = self.search(
            [
                ("is_closed", "=", False),
                ("legal_deadline_state", "=", "pending"),
                ("legal_deadline", "<", tomorrow),
            ]
        )
        if passed:
            self.env.add_to_compute(self._fields["legal_deadline_state"], passed)
            passed._recompute_recordset(["legal_deadline_state"])
        self._citizen_legal_send_reminders()

    @api.model
    def _citizen_legal_reminder_domain(self):
        """Open inquiries whose legal deadline needs a reminder: general inquiries
        without a preliminary answer, and data-subject requests."""
        return (
            Domain("is_closed", "=", False)
            & Domain("legal_deadline_state", "=", "pending")
            & Domain("date_legal_reminder", "=", False)
            & (
                (
                    Domain("inquiry_type", "=", "general")
                    & Domain("date_preliminary_answer", "=", False)
                )
                | Domain("inquiry_type", "=", "gdpr_request")
            )
        )

    @api.model
    def _citizen_legal_send_reminders(self):
        now = fields.Datetime.now()
        candidates = self.search(self._citizen_legal_reminder_domain())
        reminded = self.browse()
        for company, inquiries in candidates.grouped("company_id").items():
            working_time = company._citizen_working_time(now)
            if not working_time:
                continue
            today = working_time.local_date(now)
            days = company.citizen_legal_reminder_days
            for inquiry in inquiries:
                remind_on = working_time.add_working_days(inquiry.legal_deadline, -days)
                if remind_on and remind_on > today:
                    continue
                inquiry._citizen_legal_remind()
                reminded |= inquiry
        reminded.write({"date_legal_reminder": now})
        return reminded

    def _citizen_legal_remind(self):
        self.ensure_one()
        user = self.user_id or self.queue_id.supervisor_id
        # In the municipality's language and date format, not the cron's.
        env = self._citizen_in_company_lang().env
        deadline = format_date(env, self.legal_deadline)
        if self.inquiry_type == "general":
            summary = env._("Preliminary answer due")
            note = env._(
                "No answer yet: a preliminary answer with the reason and the "
                "expected date is due by %(date)s (forvaltningsloven § 11a).",
                date=deadline,
            )
        else:
            summary = env._("GDPR answer due")
            note = env._(
                "The data-subject request must be answered, or the extension "
                "notified, by %(date)s (GDPR art. 12(3)).",
                date=deadline,
            )
        if user:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=self.legal_deadline,
                summary=summary,
                note=note,
                user_id=user.id,
            )
        else:
            self.message_post(body=note, subtype_xmlid="mail.mt_note")
