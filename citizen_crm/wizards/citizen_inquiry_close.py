from odoo import api, fields, models

from ..models.citizen_inquiry import RESOLUTIONS


class CitizenInquiryClose(models.TransientModel):
    _name = "citizen.inquiry.close"
    _inherit = ["citizen.inquiry.wizard.mixin"]
    _description = "Close Inquiries"

    inquiry_ids = fields.Many2many("citizen.inquiry", string="Inquiries", required=True)
    resolution = fields.Selection(RESOLUTIONS, required=True)
    case_id = fields.Many2one(
        "citizen.case",
        string="Case",
        help="The archive case opened for the inquiry.",
    )
    note = fields.Text(string="Resolution Note")

    @api.model
    def default_get(self, fields_list):
        """The resolution the inquiries' history points to, when they agree;
        none otherwise (no "Answered at first contact" for everything)."""
        values = super().default_get(fields_list)
        inquiry_ids = self.env.context.get("active_ids")
        if (
            "resolution" in fields_list
            and "resolution" not in values
            and inquiry_ids
            and self.env.context.get("active_model") == "citizen.inquiry"
        ):
            inquiries = self.env["citizen.inquiry"].browse(inquiry_ids)
            suggested = set(inquiries._citizen_suggested_resolutions().values())
            if len(suggested) == 1 and all(suggested):
                values["resolution"] = suggested.pop()
        return values

    def action_close(self):
        self.ensure_one()
        if self.case_id:
            self.inquiry_ids.write({"case_id": self.case_id.id})
        self.inquiry_ids._citizen_close(self.resolution, self.note)
        return {"type": "ir.actions.act_window_close"}
