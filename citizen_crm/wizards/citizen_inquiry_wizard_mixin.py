from odoo import api, models
from odoo.fields import Command


class CitizenInquiryWizardMixin(models.AbstractModel):
    """Wizards opened on inquiries take them from the action's context."""

    _name = "citizen.inquiry.wizard.mixin"
    _description = "Wizard on Inquiries"

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        active_ids = context.get("active_ids")
        if context.get("active_model") != "citizen.inquiry" or not active_ids:
            return values
        if "inquiry_ids" in fields_list:
            values["inquiry_ids"] = [Command.set(active_ids)]
        if "inquiry_id" in fields_list:
            values.setdefault("inquiry_id", active_ids[0])
        return values
