from odoo import api, fields, models

# The models this file's classes inherit, defined before them whatever the
# order of models/__init__.py.
from . import (  # noqa: F401
    citizen_archive_transfer,
    citizen_case,
    citizen_case_privacy,
)
from .citizen_case import CASE_NUMBER_RE


class CitizenCase(models.Model):
    """The case's part of the archive hand-over: its folder (saksmappe) and
    the case number the archive's receipt brings back."""

    _inherit = "citizen.case"

    archive_transfer_ids = fields.One2many(
        "citizen.archive.transfer",
        "case_id",
        string="Archive Transfers",
        readonly=True,
        # Transfers are the caseworkers' and supervisors' (access rights).
        groups="citizen_crm.group_caseworker",
    )
    archive_registry_numbers = fields.Char(
        string="Archive Registry Numbers",
        compute="_compute_archive_registry_numbers",
        store=True,
        help="The registry-entry numbers the archive gave the documents of the "
        "case's inquiries.",
    )

    @api.depends("archive_transfer_ids.registry_number")
    def _compute_archive_registry_numbers(self):
        # sudo: the numbers are public (the archive's public journal); a
        # reader of the case may not read every transfer.
        for case in self:
            numbers = (
                case.sudo().archive_transfer_ids.sorted("id").mapped("registry_number")
            )
            case.archive_registry_numbers = ", ".join(filter(None, numbers))

    def _citizen_case_number_parts(self):
        """(saksår, sekvensnummer) of the case number, (None, None) before the
        archive gave one."""
        self.ensure_one()
        if not self.name or not CASE_NUMBER_RE.match(self.name):
            return None, None
        year, sequence = self.name.split("/")
        return int(year), int(sequence)

    def _citizen_set_archive_number(self, number):
        """The one writer of the case number the archive gives (its receipt)."""
        for case in self.filtered(lambda c: c.name != number):
            case.name = number

    def _citizen_archive_folder(self):
        """What the case folder (saksmappe) says, for
        archive_message.build_case_folder."""
        self.ensure_one()
        Inquiry = self.env["citizen.inquiry"]
        # The inquiries decide unit, officer, screening and classes; read
        # with the user's rights (what they hand over).
        inquiries = Inquiry.search([("case_id", "=", self.id)], order="id")
        year, sequence = self._citizen_case_number_parts()
        screening = None
        if self.is_confidential:
            # sudo: the confidentiality and basis of the case's inquiries
            # only (the case is screened for all of them, stored as is_confidential)
            confidential = (
                self.sudo()
                .with_context(active_test=False)
                .inquiry_ids.filtered("is_confidential")
            )
            basis = confidential.screening_basis_id[:1]
            screening = {
                "code": basis.archive_access_code or "UO",
                "description": basis.name or None,
                "basis": basis.code or "offl. § 13",
            }
        latest = inquiries[-1:]
        parties = []
        if self.partner_id:
            parties.append(Inquiry._citizen_archive_party(self.partner_id))
        classes = []
        seen = set()
        for inquiry in inquiries:
            for cls in inquiry._citizen_archive_classes():
                if cls["id"] not in seen:
                    seen.add(cls["id"])
                    classes.append(cls)
        return {
            "key": self.env["citizen.archive.transfer"]._citizen_key(self),
            "title": self.title,
            "public_title": self.public_title or self.title,
            "created": self.create_date,
            "case_year": year,
            "case_sequence": sequence,
            "date": self.create_date.date() if self.create_date else None,
            "unit": latest._citizen_archive_unit() if latest else None,
            "officer": Inquiry._citizen_archive_officer(
                latest.user_id or self.env.user
            ),
            "parties": parties,
            "screening": screening,
            "classes": classes,
        }

    def action_send_to_archive(self):
        """Queue the case folder and the documents of the case's inquiries
        the user may read, not yet queued, then send what may go now."""
        Transfer = self.env["citizen.archive.transfer"]
        transfers = Transfer
        for case in self:
            inquiries = self.env["citizen.inquiry"].search([("case_id", "=", case.id)])
            transfers |= Transfer._citizen_queue(case, inquiries)
        transfers._citizen_send()
        return Transfer._citizen_queued_notification(transfers)
