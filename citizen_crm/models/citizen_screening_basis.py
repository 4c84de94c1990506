from odoo import fields, models


class CitizenScreeningBasis(models.Model):
    """A legal basis for screening (skjermingshjemmel), e.g. offl. § 13."""

    _name = "citizen.screening.basis"
    _description = "Screening Basis"
    _order = "sequence, id"

    name = fields.Char(
        required=True,
        translate=True,
        help="Short label, e.g. 'Duty of confidentiality'.",
    )
    code = fields.Char(
        string="Legal Reference",
        required=True,
        help="The reference written in the archive, e.g. "
        "'offl. § 13 jf. fvl. § 13 første ledd nr. 1'.",
    )
    archive_access_code = fields.Char(
        string="Archive Access Code",
        default="UO",
        help="The access restriction code (tilgangsrestriksjon) written with "
        "this basis in the archive, e.g. UO (unntatt offentlighet) or 13.",
    )
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _code_unique = models.Constraint(
        "UNIQUE(code)", "This legal reference already exists."
    )

    def _compute_display_name(self):
        for basis in self:
            basis.display_name = (
                f"{basis.code} ({basis.name})" if basis.name else basis.code
            )
