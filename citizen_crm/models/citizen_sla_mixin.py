from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CitizenSlaMixin(models.AbstractModel):
    """Service level targets in working hours, on services and queues."""

    _name = "citizen.sla.mixin"
    _description = "Service Level Targets"

    # Targets are settings, not measures: no sum of targets in grouped lists.
    sla_first_response_hours = fields.Float(
        string="First Response Target (working hours)",
        aggregator=None,
        help="Working hours on the municipality's calendar within which the "
        "citizen should get a first answer. Zero means no target here.",
    )
    sla_resolution_hours = fields.Float(
        string="Resolution Target (working hours)",
        aggregator=None,
        help="Working hours on the municipality's calendar within which the "
        "inquiry should be resolved. Zero means no target here.",
    )

    @api.constrains("sla_first_response_hours", "sla_resolution_hours")
    def _check_sla_hours(self):
        for record in self:
            if record.sla_first_response_hours < 0 or record.sla_resolution_hours < 0:
                raise ValidationError(
                    self.env._("Service level targets cannot be negative.")
                )
