from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CitizenLosTheme(models.Model):
    _name = "citizen.los.theme"
    _description = "LOS Theme"
    _parent_name = "parent_id"
    _parent_store = True
    _order = "complete_name, id"
    _rec_name = "complete_name"

    name = fields.Char(string="Label (Bokmål)", required=True, translate=True)
    name_nn = fields.Char(string="Label (Nynorsk)")
    uri = fields.Char(
        string="LOS URI",
        index=True,
        help="Identifier of the theme in the national LOS vocabulary "
        "(https://psi.norge.no/los/...).",
    )
    parent_id = fields.Many2one(
        "citizen.los.theme", string="Main Theme", index=True, ondelete="restrict"
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("citizen.los.theme", "parent_id", string="Sub-themes")
    complete_name = fields.Char(
        compute="_compute_complete_name", recursive=True, store=True
    )
    active = fields.Boolean(default=True)

    _uri_unique = models.Constraint(
        "UNIQUE(uri)", "A LOS theme with this URI already exists."
    )

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for theme in self:
            if theme.parent_id:
                theme.complete_name = f"{theme.parent_id.complete_name} / {theme.name}"
            else:
                theme.complete_name = theme.name

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A LOS theme cannot be its own ancestor."))
