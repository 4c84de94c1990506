from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    citizen_default_queue_id = fields.Many2one(
        related="company_id.citizen_default_queue_id",
        readonly=False,
        domain="[('company_id', '=', company_id)]",
    )
