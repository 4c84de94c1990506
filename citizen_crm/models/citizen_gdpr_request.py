import base64
import json

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

REQUEST_TYPES = [
    ("access", "Access (art. 15)"),
    ("erasure", "Erasure (art. 17)"),
]
STATES = [
    ("new", "New"),
    ("done", "Done"),
    ("refused", "Refused"),
]


class CitizenGdprRequest(models.Model):
    """A data subject's request, answered within a month (GDPR art. 12(3)).

    Its answer (the access report as JSON and PDF) is attached here rather than
    to the citizen: attachments follow the access rights of their record, and
    only privacy officers can read requests.
    """

    _name = "citizen.gdpr.request"
    _description = "Data Subject Request"
    _inherit = ["mail.thread"]
    _order = "date_received desc, id desc"

    partner_id = fields.Many2one(
        "res.partner",
        string="Citizen",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
    )
    request_type = fields.Selection(
        REQUEST_TYPES, required=True, default="access", tracking=True
    )
    date_received = fields.Date(
        string="Received", required=True, default=fields.Date.context_today
    )
    date_deadline = fields.Date(
        string="Deadline",
        compute="_compute_date_deadline",
        store=True,
        readonly=False,
        help="One month from receipt (GDPR art. 12(3)); may be extended by two "
        "months with notice to the citizen.",
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
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("date_received")
    def _compute_date_deadline(self):
        for request in self:
            request.date_deadline = (
                request.date_received + relativedelta(months=1)
                if request.date_received
                else False
            )

    @api.depends("partner_id", "request_type")
    def _compute_display_name(self):
        labels = dict(self._fields["request_type"]._description_selection(self.env))
        for request in self:
            label = labels.get(request.request_type, "")
            request.display_name = f"{label}: {request.partner_id.display_name or ''}"

    def action_process(self):
        for request in self:
            if request.state != "new":
                raise UserError(self.env._("This request has already been processed."))
            if request.request_type == "access":
                request._citizen_process_access()
            else:
                request._citizen_process_erasure()
        return True

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
        self.env["citizen.audit.log"]._log(
            "export",
            self.partner_id,
            description="Access report produced (GDPR art. 15)",
        )

    def _citizen_process_erasure(self):
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                note = self.partner_id._citizen_anonymise()
        except UserError as error:
            self.write({"state": "refused", "result_note": str(error)})
            # The refusal entry was rolled back with the savepoint: write it again.
            self.env["citizen.audit.log"]._log(
                "refuse",
                self.partner_id,
                description="Erasure refused: open inquiries or cases",
            )
            return
        self.write({"state": "done", "result_note": note})
