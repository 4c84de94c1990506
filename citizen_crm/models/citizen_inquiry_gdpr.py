"""The privacy officer's processing record behind a data-subject request."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from .citizen_gdpr_request import STATES


class CitizenInquiryGdpr(models.AbstractModel):
    """An inquiry of type "Data-subject request (GDPR)" is the citizen's
    request; the privacy officer processes it in a citizen.gdpr.request of
    its own, whose deadline is the inquiry's legal deadline. The requests are
    readable by privacy officers only: the inquiry's handlers see whether the
    officer has processed it, not what came out."""

    _name = "citizen.inquiry.gdpr"
    _description = "Inquiry: Data-Subject Requests"

    gdpr_request_ids = fields.One2many(
        "citizen.gdpr.request",
        "inquiry_id",
        string="Data Subject Requests",
        groups="citizen_crm.group_privacy_officer",
    )
    gdpr_request_state = fields.Selection(
        STATES,
        string="Privacy Officer's Processing",
        compute="_compute_gdpr_request_state",
        help="Whether the privacy officer has processed the data-subject request. "
        "Answer the citizen and close the inquiry once it is done or refused.",
    )

    @api.depends("gdpr_request_ids.state")
    def _compute_gdpr_request_state(self):
        for inquiry in self:
            # sudo: only the state of the inquiry's own request is shown, to
            # the inquiry's handlers; the request itself stays unreadable.
            inquiry.gdpr_request_state = inquiry.sudo().gdpr_request_ids[:1].state

    def _citizen_sync_gdpr_requests(self):
        """Give each data-subject request of ``self`` its processing record
        (of type "other" until the privacy officer classifies it), and remove
        the untouched record of an inquiry that is no longer one. Called at
        the end of create and of a write of the type."""
        # sudo: the records belong to the privacy officer, whom the inquiry's
        # handlers cannot reach; a new one holds nothing but the link, and only
        # records nobody has worked on yet are removed.
        inquiries = self.sudo()
        gdpr = inquiries.filtered(lambda i: i.inquiry_type == "gdpr_request")
        missing = gdpr.filtered(lambda i: not i.gdpr_request_ids)
        if missing:
            self.env["citizen.gdpr.request"].sudo().create(
                [{"inquiry_id": i.id, "request_type": "other"} for i in missing]
            )
        # Free for new inquiries: create() caches their requests as none.
        left = (inquiries - gdpr).gdpr_request_ids
        handled = left.filtered(
            lambda r: r.state != "new" or r.request_type != "other" or r.result_note
        )
        if handled:
            raise UserError(
                self.env._(
                    "The privacy officer is processing inquiry %(number)s as a "
                    "data-subject request: ask them before changing its type.",
                    number=handled[0].inquiry_id.number,
                )
            )
        left.unlink()

    def action_open_gdpr_request(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Data Subject Request"),
            "res_model": "citizen.gdpr.request",
            "view_mode": "form",
            "res_id": self.gdpr_request_ids[:1].id,
        }
