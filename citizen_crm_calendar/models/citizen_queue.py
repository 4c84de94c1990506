from odoo import fields, models


class CitizenQueue(models.Model):
    _inherit = "citizen.queue"

    # Not a measure: the queue's setting, not an amount to sum.
    appointment_duration = fields.Float(
        string="Appointment Length",
        default=0.5,
        aggregator=None,
        help="How long an appointment with this queue's staff lasts, in hours.",
    )
    appointment_location = fields.Char(
        help="Where citizens meet this queue's staff, e.g. the servicetorg's "
        "counter at the town hall. Told in the invitation.",
    )
