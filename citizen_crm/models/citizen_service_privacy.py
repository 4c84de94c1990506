from odoo import fields, models

# The models this file's classes inherit, defined before them whatever the
# order of models/__init__.py.
from . import (  # noqa: F401
    citizen_service,
)


class CitizenService(models.Model):
    _inherit = "citizen.service"

    legal_basis = fields.Char(
        string="Legal Basis",
        help="GDPR basis and the law behind it, e.g. 'GDPR art. 6(1)(e); "
        "plan- og bygningsloven § 20-1'.",
    )
    processing_purpose = fields.Text(
        string="Purpose of Processing",
        help="Why citizen_crm processes personal data for this service (record of "
        "processing, GDPR art. 30).",
    )
    personal_data_categories = fields.Char(
        string="Categories of Personal Data",
        help="E.g. 'identity, contact data, property, correspondence'.",
    )
    special_categories = fields.Boolean(
        string="Special Categories (art. 9)",
        help="Inquiries may hold health or other special categories of data.",
    )
    retention_months = fields.Integer(
        string="Retention (months)",
        aggregator=None,  # a setting, not a measure
        default=0,
        help="Closed inquiries about this service are anonymised this many months "
        "after closing. Zero keeps them until a citizen's erasure.",
    )

    _retention_months_positive = models.Constraint(
        "CHECK(retention_months >= 0)", "The retention period cannot be negative."
    )
