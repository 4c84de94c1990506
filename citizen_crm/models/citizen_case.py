import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

CASE_NUMBER_RE = re.compile(r"^\d{4}/\d{1,7}$")


class CitizenCase(models.Model):
    """A case (sak) in the municipality's archive (Noark 5 saksmappe)."""

    _name = "citizen.case"
    _description = "Archive Case"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_names_search = ["name", "title"]
    _check_company_auto = True

    name = fields.Char(
        string="Case Number",
        index=True,
        tracking=True,
        copy=False,
        help="Case number in the archive system, e.g. 2026/1234. A case opened "
        "here before the archive knows it has none until the archive's receipt "
        "brings it (Send to archive).",
    )
    title = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner", string="Citizen", index=True, check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    inquiry_ids = fields.One2many("citizen.inquiry", "case_id", string="Inquiries")
    inquiry_count = fields.Integer(compute="_compute_inquiry_count")
    active = fields.Boolean(default=True)

    _name_company_unique = models.Constraint(
        "UNIQUE(name, company_id)",
        "This case number already exists in the municipality.",
    )

    @api.constrains("name")
    def _check_case_number(self):
        for case in self.filtered("name"):
            if not CASE_NUMBER_RE.match(case.name):
                raise ValidationError(
                    self.env._(
                        "The case number %(number)s is not of the form YYYY/NNNN "
                        "(year, slash, sequence number), e.g. 2026/1234.",
                        number=case.name,
                    )
                )

    @api.depends("name", "title")
    def _compute_display_name(self):
        for case in self:
            number = case._citizen_case_number_label()
            case.display_name = f"{number} {case.title}" if case.title else number

    def _citizen_case_number_label(self):
        """The case number, or a word saying the archive has yet to give it."""
        self.ensure_one()
        return self.name or self.env._("(awaiting archive number)")

    def _compute_inquiry_count(self):
        counts = dict(
            self.env["citizen.inquiry"]._read_group(
                [("case_id", "in", self.ids)], ["case_id"], ["__count"]
            )
        )
        for case in self:
            case.inquiry_count = counts.get(case, 0)

    def action_open_inquiries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_crm.citizen_inquiry_action"
        )
        action["domain"] = [("case_id", "=", self.id)]
        action["context"] = {
            "default_case_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action
