from odoo import api, fields, models


class CitizenInquiryForward(models.TransientModel):
    _name = "citizen.inquiry.forward"
    _inherit = ["citizen.inquiry.wizard.mixin"]
    _description = "Forward Inquiries"

    inquiry_ids = fields.Many2many("citizen.inquiry", string="Inquiries", required=True)
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", string="Municipality"
    )
    queue_id = fields.Many2one(
        "citizen.queue",
        string="Forward to",
        required=True,
        domain="[('company_id', '=', company_id)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Caseworker",
        domain="[('id', 'in', member_ids)]",
        help="Leave empty to let the queue pick it up.",
    )
    member_ids = fields.Many2many(related="queue_id.member_ids")
    note = fields.Text(help="Sent to the queue members with the notification.")

    @api.depends("inquiry_ids")
    def _compute_company_id(self):
        for wizard in self:
            wizard.company_id = wizard.inquiry_ids[:1].company_id or self.env.company

    @api.onchange("queue_id")
    def _onchange_queue_id(self):
        if self.user_id and self.user_id not in self.queue_id.member_ids:
            self.user_id = False

    def action_forward(self):
        self.ensure_one()
        self.inquiry_ids._citizen_forward(self.queue_id, self.user_id, self.note)
        return {"type": "ir.actions.act_window_close"}
