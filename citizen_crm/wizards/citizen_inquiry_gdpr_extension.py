from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from ..models.citizen_inquiry_deadlines import GDPR_MONTHS


class CitizenInquiryGdprExtension(models.TransientModel):
    """Extend a data-subject request's deadline by two months (GDPR art. 12(3)),
    recording the notice given to the citizen."""

    _name = "citizen.inquiry.gdpr.extension"
    _inherit = ["citizen.inquiry.wizard.mixin"]
    _description = "Extend GDPR Deadline"

    inquiry_id = fields.Many2one("citizen.inquiry", required=True, ondelete="cascade")
    date_notice = fields.Date(
        string="Citizen Notified On",
        required=True,
        default=fields.Date.context_today,
    )
    reason = fields.Text(
        required=True,
        help="Why the request needs more time (complexity, number of requests).",
    )
    notify_citizen = fields.Boolean(
        string="Send the Notice by E-mail",
        compute="_compute_notify_citizen",
        store=True,
        readonly=False,
        help="Send the reason and the new deadline to the citizen now. Leave it "
        "off when the notice went by letter or phone.",
    )

    @api.depends("inquiry_id")
    def _compute_notify_citizen(self):
        for wizard in self:
            partner = wizard.inquiry_id.partner_id
            wizard.notify_citizen = bool(
                partner.email and not partner._citizen_letters_only()
            )

    def action_confirm(self):
        self.ensure_one()
        inquiry = self.inquiry_id
        if inquiry.inquiry_type != "gdpr_request":
            raise UserError(
                self.env._(
                    "Only the deadline of a data-subject request can be extended."
                )
            )
        if inquiry.gdpr_extension_date:
            raise UserError(
                self.env._(
                    "The deadline of %(number)s was already extended on %(date)s; "
                    "GDPR allows one extension of two months.",
                    number=inquiry.number,
                    date=format_date(self.env, inquiry.gdpr_extension_date),
                )
            )
        if inquiry.is_closed:
            raise UserError(self.env._("The request is closed: nothing to extend."))
        working_time = inquiry.company_id._citizen_working_time(inquiry.date_received)
        first_deadline = working_time and working_time.add_months(
            working_time.local_date(inquiry.date_received), GDPR_MONTHS
        )
        if first_deadline and self.date_notice > first_deadline:
            raise UserError(
                self.env._(
                    "The citizen must be told of an extension within the first month, "
                    "by %(date)s: it is too late to extend.",
                    date=format_date(self.env, first_deadline),
                )
            )
        if self.date_notice > fields.Date.context_today(self):
            raise UserError(self.env._("The notice date cannot be in the future."))
        inquiry.write(
            {
                "gdpr_extension_date": self.date_notice,
                "gdpr_extension_reason": self.reason,
            }
        )
        # In the municipality's language, not the user's.
        env = inquiry._citizen_in_company_lang().env
        body = env._(
            "The deadline for answering the request is extended by two months, to "
            "%(date)s (GDPR art. 12(3)). Reason: %(reason)s",
            date=format_date(env, inquiry.legal_deadline),
            reason=self.reason,
        )
        if self.notify_citizen and inquiry.partner_id:
            inquiry.message_post(
                body=body,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=inquiry.partner_id.ids,
            )
        else:
            inquiry.message_post(body=body, subtype_xmlid="mail.mt_note")
        return {"type": "ir.actions.act_window_close"}
