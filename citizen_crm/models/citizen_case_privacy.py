from odoo import api, fields, models

# The models this file's classes inherit, defined before them whatever the
# order of models/__init__.py.
from . import (  # noqa: F401
    citizen_case,
)
from .citizen_inquiry_privacy import SCREENED, screen_title


class CitizenCase(models.Model):
    """A case holding a confidential inquiry is screened like the inquiry:
    its record (title, chatter) belongs to those who may read that inquiry
    (record rules), everyone else sees its public title."""

    _inherit = "citizen.case"

    is_confidential = fields.Boolean(
        string="Confidential",
        compute="_compute_confidentiality",
        store=True,
        help="The case holds a confidential inquiry: only the queues handling "
        "those inquiries and supervisors can open it, and everyone else sees "
        "its public title.",
    )
    public_title = fields.Char(
        string="Public Title",
        compute="_compute_confidentiality",
        store=True,
        help="The title with the screened words of its confidential inquiries "
        "replaced by ******; screened whole when none of them occurs in it.",
    )

    @api.depends("title", "inquiry_ids.is_confidential", "inquiry_ids.screened_words")
    def _compute_confidentiality(self):
        for case in self:
            # An archived inquiry keeps its case confidential.
            confidential = case.with_context(active_test=False).inquiry_ids.filtered(
                "is_confidential"
            )
            case.is_confidential = bool(confidential)
            title = case.title
            if confidential and title:
                words = "\n".join(filter(None, confidential.mapped("screened_words")))
                screened = screen_title(title, words, True)
                title = SCREENED if screened == title else screened
            case.public_title = title

    @api.depends("name", "title", "is_confidential", "public_title")
    def _compute_display_name(self):
        # The display name travels: the case field of every inquiry of the
        # case shows it, read as superuser. A confidential case shows its
        # public title, to its handlers too, as a confidential inquiry does.
        super()._compute_display_name()
        for case in self.filtered("is_confidential"):
            number = case._citizen_case_number_label()
            case.display_name = f"{number} {case.public_title or ''}".strip()
