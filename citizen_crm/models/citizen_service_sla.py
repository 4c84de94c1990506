from odoo import fields, models

# The models this file's classes inherit, defined before them whatever the
# order of models/__init__.py.
from . import (  # noqa: F401
    citizen_service,
    citizen_sla_mixin,
)


class CitizenService(models.Model):
    """A service's own targets win over those of the queue handling it."""

    _name = "citizen.service"
    _inherit = ["citizen.service", "citizen.sla.mixin"]

    sla_first_response_hours = fields.Float(
        help="Working hours within which a citizen asking about this service "
        "should get a first answer. Zero falls back to the queue's target."
    )
    sla_resolution_hours = fields.Float(
        help="Working hours within which an inquiry about this service should "
        "be resolved. Zero falls back to the queue's target."
    )
