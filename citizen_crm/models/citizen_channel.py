from odoo import fields, models


class CitizenChannel(models.Model):
    _name = "citizen.channel"
    _description = "Contact Channel"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Technical code used by integrations.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _code_unique = models.Constraint(
        "UNIQUE(code)", "A channel with this code already exists."
    )
