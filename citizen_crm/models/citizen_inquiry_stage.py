from odoo import fields, models


class CitizenInquiryStage(models.Model):
    _name = "citizen.inquiry.stage"
    _description = "Inquiry Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    fold = fields.Boolean(
        string="Folded in Kanban",
        help="Folded stages are collapsed in the kanban view.",
    )
    is_closed = fields.Boolean(
        string="Closing Stage",
        help="Inquiries in this stage are finished: they need a resolution.",
    )
    is_waiting = fields.Boolean(
        string="Waiting on Citizen",
        help="The municipality waits for the citizen (missing information...).",
    )
    queue_ids = fields.Many2many(
        "citizen.queue",
        string="Queues",
        help="Queues using this stage. Leave empty to use it in every queue.",
    )
    active = fields.Boolean(default=True)
