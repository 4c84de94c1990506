from odoo import fields, models

from ..models.citizen_inquiry import RESOLUTIONS


class CitizenInquiryClose(models.TransientModel):
    _name = "citizen.inquiry.close"
    _inherit = ["citizen.inquiry.wizard.mixin"]
    _description = "Close Inquiries"

    inquiry_ids = fields.Many2many("citizen.inquiry", string="Inquiries", required=True)
    resolution = fields.Selection(RESOLUTIONS, required=True, default="first_contact")
    case_id = fields.Many2one(
        "citizen.case",
        string="Case",
        help="The archive case opened for the inquiry.",
    )
    note = fields.Text(string="Resolution Note")

    def action_close(self):
        self.ensure_one()
        if self.case_id:
            self.inquiry_ids.write({"case_id": self.case_id.id})
        self.inquiry_ids._citizen_close(self.resolution, self.note)
        return {"type": "ir.actions.act_window_close"}
