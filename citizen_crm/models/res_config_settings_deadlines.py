from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    citizen_sla_risk_percent = fields.Integer(
        related="company_id.citizen_sla_risk_percent", readonly=False
    )
    citizen_legal_reminder_days = fields.Integer(
        related="company_id.citizen_legal_reminder_days", readonly=False
    )
    citizen_resource_calendar_id = fields.Many2one(
        related="company_id.resource_calendar_id",
        string="Working Hours",
        readonly=False,
    )

    def action_citizen_generate_public_holidays(self):
        self.ensure_one()
        created = self.company_id._citizen_generate_public_holidays()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s public holidays added.", count=len(created)
                ),
            },
        }
