from random import randint

from odoo import fields, models


class CitizenInquiryTag(models.Model):
    """A free label on inquiries, set by hand or by routing rules."""

    _name = "citizen.inquiry.tag"
    _description = "Inquiry Tag"
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer(
        string="Color Index", default=lambda self: randint(1, 11), aggregator=None
    )
    active = fields.Boolean(default=True)

    _name_unique = models.Constraint(
        "UNIQUE(name)", "A tag with this name already exists."
    )
