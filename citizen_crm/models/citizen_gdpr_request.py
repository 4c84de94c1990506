import base64
import json
from datetime import datetime, time

from pytz import timezone, utc

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import clean_context

REQUEST_TYPES = [
    ("access", "Access (art. 15)"),
    ("erasure", "Erasure (art. 17)"),
    ("other", "Other right (art. 16, 18, 20, 21)"),
]
STATES = [
    ("new", "New"),
    ("done", "Done"),
    ("refused", "Refused"),
]
# What a request takes from its inquiry rather than from its creator.
INQUIRY_FIELDS = ("partner_id", "company_id", "date_received")


def _local_tz(company):
    """The municipality's time zone, as the legal deadlines count days."""
    return timezone(company.resource_calendar_id.tz or "UTC")


class CitizenGdprRequest(models.Model):
    """The privacy officer's processing of a data subject's request.

    The request itself is an inquiry of type "Data-subject request (GDPR)":
    it has the citizen, the date received and the legal deadline of GDPR art.
    12(3) (one month, moved off weekends and holidays, two more once the
    extension is notified on the inquiry). This record belongs to one such
    inquiry and follows it; it holds what only privacy officers may read: the
    right exercised, the result and the answer.

    The answer (the access report as JSON and PDF) is attached here rather
    than to the citizen or the inquiry: attachments follow the access rights
    of their record, and only privacy officers can read requests.
    """

    _name = "citizen.gdpr.request"
    _description = "Data Subject Request"
    _inherit = ["mail.thread"]
    _order = "date_received desc, id desc"

    inquiry_id = fields.Many2one(
        "citizen.inquiry",
        string="Inquiry",
        required=True,
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="The citizen's request as the inquiry the servicetorg answers.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Citizen",
        index=True,
        tracking=True,
        ondelete="restrict",
        compute="_compute_partner_id",
        store=True,
        precompute=True,
        help="The inquiry's citizen. It stays once the request is processed: "
        "an erasure takes the citizen off the inquiry.",
    )
    request_type = fields.Selection(
        REQUEST_TYPES,
        string="Right",
        required=True,
        default="access",
        tracking=True,
        help="Access and erasure are processed here. Other rights are handled "
        "by hand: record the result, then mark the request as done.",
    )
    date_received = fields.Date(
        string="Received",
        required=True,
        compute="_compute_date_received",
        store=True,
        precompute=True,
        help="The day the inquiry was received, in the municipality's time zone.",
    )
    date_deadline = fields.Date(
        string="Deadline",
        related="inquiry_id.legal_deadline",
        store=True,
        help="The inquiry's legal deadline: one month from receipt (GDPR art. "
        "12(3)), moved off weekends and public holidays; two months later once "
        "the extension is notified on the inquiry.",
    )
    gdpr_extension_date = fields.Date(
        related="inquiry_id.gdpr_extension_date", string="Extension Notified"
    )
    state = fields.Selection(STATES, default="new", required=True, tracking=True)
    result_note = fields.Text(string="Result", readonly=True)
    json_attachment_id = fields.Many2one(
        "ir.attachment", string="Data (JSON)", readonly=True
    )
    pdf_attachment_id = fields.Many2one(
        "ir.attachment", string="Report (PDF)", readonly=True
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        precompute=True,
    )

    _inquiry_unique = models.Constraint(
        "UNIQUE(inquiry_id)", "An inquiry has one data subject request."
    )

    @api.depends("inquiry_id.partner_id")
    def _compute_partner_id(self):
        for request in self:
            partner = request.inquiry_id.partner_id
            if partner and request.state == "new":
                request.partner_id = partner

    @api.depends("inquiry_id.date_received")
    def _compute_date_received(self):
        for request in self:
            inquiry = request.inquiry_id
            if inquiry.date_received:
                tz = _local_tz(inquiry.company_id)
                request.date_received = (
                    utc.localize(inquiry.date_received).astimezone(tz).date()
                )
            elif not request.date_received:
                request.date_received = fields.Date.context_today(request)

    @api.depends("inquiry_id.company_id")
    def _compute_company_id(self):
        for request in self:
            request.company_id = (
                request.inquiry_id.company_id or request.company_id or self.env.company
            )

    @api.depends("partner_id", "request_type")
    def _compute_display_name(self):
        labels = dict(self._fields["request_type"]._description_selection(self.env))
        for request in self:
            parts = (labels.get(request.request_type), request.partner_id.display_name)
            request.display_name = ": ".join(part for part in parts if part)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """A request registered by the privacy officer is a new inquiry of
        the citizen, created together with it. A request of an inquiry
        (``inquiry_id`` given) takes the citizen, the municipality and the
        date received from that inquiry."""
        for vals in vals_list:
            if vals.get("inquiry_id"):
                for fname in INQUIRY_FIELDS:
                    vals.pop(fname, None)
        linked = iter(super().create([v for v in vals_list if v.get("inquiry_id")]))
        registered = iter(
            self._citizen_create_with_inquiries(
                [v for v in vals_list if not v.get("inquiry_id")]
            )
        )
        return self.browse(
            next(linked if vals.get("inquiry_id") else registered).id
            for vals in vals_list
        )

    def _citizen_create_with_inquiries(self, vals_list):
        """Create the inquiries of the requests ``vals_list`` describe, each
        with its request, in the municipality's default queue."""
        if not vals_list:
            return self.browse()
        # The inquiries and their requests are created as superuser below.
        self.check_access("create")
        inquiry_vals_list = []
        for vals in vals_list:
            vals = self._add_missing_default_values(vals)
            company = self.env["res.company"].browse(
                vals.get("company_id") or self.env.company.id
            )
            inquiry_vals_list.append(
                {
                    "inquiry_type": "gdpr_request",
                    "name": self._citizen_inquiry_name(vals["request_type"]),
                    "partner_id": vals.get("partner_id"),
                    "company_id": company.id,
                    "date_received": self._citizen_inquiry_received(
                        company, vals.get("date_received")
                    ),
                    "gdpr_request_ids": [Command.create(vals)],
                }
            )
        # sudo: privacy officers do not handle inquiries, yet the servicetorg
        # must answer the citizen. The inquiry holds what the officer entered
        # here (citizen, right, date) and no more; it lands in the default
        # queue, whose handlers may read it anyway. The officer does not
        # follow it: they could not open it.
        inquiries = (
            self.env["citizen.inquiry"]
            .with_context(clean_context(self.env.context), mail_create_nosubscribe=True)
            .sudo()
            .create(inquiry_vals_list)
        )
        return inquiries.gdpr_request_ids.with_env(self.env)

    @api.model
    def _citizen_inquiry_name(self, request_type):
        """The subject of a request's inquiry: the right, nothing personal."""
        labels = dict(self._fields["request_type"]._description_selection(self.env))
        return self.env._("Data-subject request: %(right)s", right=labels[request_type])

    @api.model
    def _citizen_inquiry_received(self, company, day):
        """When the inquiry of a request received on ``day`` came in: now for
        today (or a day still to come), else the start of ``day`` in the
        municipality's time zone, which the legal deadline counts from."""
        now = fields.Datetime.now()
        if not day:
            return now
        tz = _local_tz(company)
        day = fields.Date.to_date(day)
        if day >= utc.localize(now).astimezone(tz).date():
            return now
        start = tz.localize(datetime.combine(day, time.min))
        return start.astimezone(utc).replace(tzinfo=None)

    # ------------------------------------------------------------
    # Processing
    # ------------------------------------------------------------

    def _citizen_check_processable(self):
        for request in self:
            if request.state != "new":
                raise UserError(self.env._("This request has already been processed."))
            if not request.partner_id:
                raise UserError(
                    self.env._(
                        "The citizen of the request is not known yet: the inquiry "
                        "%(number)s must be linked to the citizen first.",
                        # sudo: the number of the request's own inquiry only
                        number=request.inquiry_id.sudo().number,
                    )
                )

    def action_process(self):
        self._citizen_check_processable()
        for request in self:
            if request.request_type == "access":
                request._citizen_process_access()
            elif request.request_type == "erasure":
                request._citizen_process_erasure()
            else:
                raise UserError(
                    self.env._(
                        "Other rights are handled by hand: record the result, then "
                        "mark the request as done."
                    )
                )
        return True

    def action_mark_done(self):
        """An other right (rectification, restriction, portability, objection)
        was handled outside citizen_crm: the result note says how."""
        self._citizen_check_processable()
        if any(request.request_type != "other" for request in self):
            raise UserError(
                self.env._("Access and erasure requests are processed, not marked.")
            )
        self._citizen_finish("done")
        return True

    def action_refuse(self):
        """Refuse the request, for the reason given in the result note
        (manifestly unfounded or excessive, GDPR art. 12(5))."""
        self._citizen_check_processable()
        self._citizen_finish("refused")
        return True

    def _citizen_finish(self, state):
        if any(not request.result_note for request in self):
            raise UserError(self.env._("Record the result before closing the request."))
        self.write({"state": state})
        self._citizen_notify_inquiry()

    def _citizen_notify_inquiry(self):
        """Tell the inquiry's handlers that the request was processed, so that
        they answer the citizen and close the inquiry: the right and the
        outcome only, the result stays here."""
        for request in self:
            # sudo: privacy officers cannot read inquiries; the note names the
            # right and the outcome, nothing the inquiry does not hold already.
            inquiry = request.inquiry_id.sudo()
            # In the municipality's language, not the privacy officer's.
            env = inquiry._citizen_in_company_lang().env
            types = dict(self._fields["request_type"]._description_selection(env))
            states = dict(self._fields["state"]._description_selection(env))
            inquiry.message_post(
                body=env._(
                    "The privacy officer has processed the data-subject request "
                    "(%(right)s): %(outcome)s. Answer the citizen, then close the "
                    "inquiry.",
                    right=types[request.request_type],
                    outcome=states[request.state],
                ),
                subtype_xmlid="mail.mt_note",
                partner_ids=inquiry.user_id.partner_id.ids,
            )

    def _citizen_access_report_data(self):
        self.ensure_one()
        return self.partner_id._citizen_gdpr_access_data()

    def _citizen_process_access(self):
        self.ensure_one()
        data = self._citizen_access_report_data()
        Attachment = self.env["ir.attachment"]
        today = fields.Date.to_string(fields.Date.today())
        stem = f"gdpr-access-{self.partner_id.id}-{today}"
        json_attachment = Attachment.create(
            {
                "name": f"{stem}.json",
                "raw": json.dumps(data, ensure_ascii=False, indent=2).encode(),
                "mimetype": "application/json",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        pdf, _type = self.env["ir.actions.report"]._render_qweb_pdf(
            "citizen_crm.citizen_gdpr_access_report", self.ids
        )
        pdf_attachment = Attachment.create(
            {
                "name": f"{stem}.pdf",
                "datas": base64.b64encode(pdf),
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.write(
            {
                "state": "done",
                "json_attachment_id": json_attachment.id,
                "pdf_attachment_id": pdf_attachment.id,
                "result_note": self.env._(
                    "Access report produced: %(inquiries)s inquiries, "
                    "%(audit)s audit entries.",
                    inquiries=len(data["inquiries"]),
                    audit=len(data["audit"]),
                ),
            }
        )
        self.env["citizen.audit.log"]._citizen_log(
            "export",
            self.partner_id,
            description="Access report produced (GDPR art. 15)",
        )
        self._citizen_notify_inquiry()

    def _citizen_process_erasure(self):
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                # The request's own inquiry stays open until the citizen has
                # the answer: it does not stand in the way.
                note = self.partner_id._citizen_anonymise(
                    request_inquiries=self.inquiry_id
                )
        except UserError as error:
            self.write({"state": "refused", "result_note": str(error)})
            # The refusal entry was rolled back with the savepoint: write it again.
            self.env["citizen.audit.log"]._citizen_log(
                "refuse",
                self.partner_id,
                description="Erasure refused: open inquiries or cases",
            )
        else:
            self.write({"state": "done", "result_note": note})
        self._citizen_notify_inquiry()
