from odoo import fields, models


class CitizenService(models.Model):
    """An entry of the municipality's service catalogue (tjenestebeskrivelse)."""

    _name = "citizen.service"
    _description = "Municipal Service"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Html(
        string="Service Description",
        translate=True,
        help="The service description (tjenestebeskrivelse) shown to staff "
        "and citizens.",
    )
    los_theme_id = fields.Many2one(
        "citizen.los.theme", string="LOS Theme", index=True, ondelete="restrict"
    )
    queue_id = fields.Many2one(
        "citizen.queue",
        string="Responsible Queue",
        index=True,
        check_company=True,
        help="The queue that handles inquiries about this service when the "
        "front desk cannot answer them.",
    )
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company
    )
    target_resolution_days = fields.Integer(
        string="Target Resolution (days)",
        default=14,
        help="Calendar days within which an inquiry about this service should "
        "be resolved. Zero means no target.",
    )
    inquiry_count = fields.Integer(compute="_compute_inquiry_count")

    _target_resolution_days_positive = models.Constraint(
        "CHECK(target_resolution_days >= 0)",
        "The target resolution time cannot be negative.",
    )

    def _compute_inquiry_count(self):
        counts = dict(
            self.env["citizen.inquiry"]._read_group(
                [("service_id", "in", self.ids)], ["service_id"], ["__count"]
            )
        )
        for service in self:
            service.inquiry_count = counts.get(service, 0)
