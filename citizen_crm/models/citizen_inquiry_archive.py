"""The inquiry's part of the archive hand-over: which of its messages are
registry entries (journalposter), what each says, and the archive's numbers
read back from the receipts."""

from odoo import api, fields, models
from odoo.tools import html2plaintext

from . import (  # noqa: F401
    citizen_archive_transfer,
)
from .citizen_archive_transfer import PARAM_INQUIRY_RECORD
from .citizen_inquiry_privacy import SCREENED, screen_title

# Messages that may be documents: mail in and out, and posts (replies sent
# from the chatter, the citizen's answers on the portal, logged letters).
DOCUMENT_MESSAGE_TYPES = ("email", "comment", "email_outgoing", "notification")


# The screening of a protected citizen's documents.
PROTECTED_SCREENING_BASIS = "citizen_crm.screening_basis_offl13_fvl13_1"
PROTECTED_SCREENING_HJEMMEL = "offl. § 13 jf. fvl. § 13 første ledd nr. 1"


class CitizenInquiryArchive(models.AbstractModel):
    """Registry entries of an inquiry for the archive: the citizen's mail and
    letters (incoming, I), the replies sent (outgoing, U) and, where the
    municipality wants it, the inquiry's own record (internal, X)."""

    _name = "citizen.inquiry.archive"
    _description = "Inquiry: Archive Hand-over"

    archive_transfer_ids = fields.One2many(
        "citizen.archive.transfer",
        "inquiry_id",
        string="Archive Transfers",
        readonly=True,
        # Transfers are the caseworkers' and supervisors' (access rights).
        groups="citizen_crm.group_caseworker",
    )
    archive_registry_numbers = fields.Char(
        string="Archive Registry Numbers",
        compute="_compute_archive_registry_numbers",
        store=True,
        help="The registry-entry numbers the archive gave this inquiry's "
        "documents (journalår/sekvensnummer-journalpostnummer).",
    )

    @api.depends("archive_transfer_ids.registry_number")
    def _compute_archive_registry_numbers(self):
        # sudo: the numbers are public (the archive's public journal); a
        # reader of the inquiry may not read every transfer's package.
        for inquiry in self:
            numbers = (
                inquiry.sudo()
                .archive_transfer_ids.sorted("id")
                .mapped("registry_number")
            )
            inquiry.archive_registry_numbers = ", ".join(filter(None, numbers))

    # ------------------------------------------------------------
    # Documents
    # ------------------------------------------------------------

    def _citizen_archive_documents(self):
        """[{record, kind "entry", type, inquiry, message}] of ``self`` (one
        inquiry), oldest first."""
        self.ensure_one()
        documents = []
        if self.env["citizen.config"]._citizen_param(
            PARAM_INQUIRY_RECORD, False, kind=bool
        ):
            documents.append(
                {"record": self, "kind": "entry", "type": "X", "inquiry": self}
            )
        messages = self.env["mail.message"].search(
            [
                ("model", "=", self._name),
                ("res_id", "=", self.id),
                ("message_type", "in", DOCUMENT_MESSAGE_TYPES),
            ],
            order="date, id",
        )
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        letters = self.letter_attachment_ids
        for message in messages:
            staff = any(not user.share for user in message.author_id.user_ids)
            if letters & message.attachment_ids:
                entry_type = "I"
            elif message.message_type == "notification":
                continue
            elif message.subtype_id.id != comment:
                continue
            elif staff:
                entry_type = "U"
            else:
                entry_type = "I"
            documents.append(
                {
                    "record": message,
                    "kind": "entry",
                    "type": entry_type,
                    "inquiry": self,
                    "message": message,
                }
            )
        return documents

    def _citizen_archive_titles(self, title):
        """(title, public title) of a document of ``self``: the public one
        screened as the inquiry's subject is."""
        self.ensure_one()
        title = (title or self.name or self.number).strip() or self.number
        public = screen_title(title, self.screened_words, self.is_confidential)
        return title, public

    def _citizen_archive_screening(self):
        """The skjerming of ``self``'s documents: its screening basis. The
        documents of a citizen under address protection are screened even
        when the inquiry is not confidential: their mail and letters may
        name where the citizen lives (offentleglova § 13 with forvaltnings-
        loven § 13, personal circumstances)."""
        self.ensure_one()
        if self.is_confidential:
            basis = self.screening_basis_id
        elif self.partner_id._citizen_is_protected():
            basis = self.env.ref(PROTECTED_SCREENING_BASIS, raise_if_not_found=False)
            if not basis:
                return {
                    "code": "UO",
                    "description": None,
                    "basis": PROTECTED_SCREENING_HJEMMEL,
                }
        else:
            return None
        return {
            "code": basis.archive_access_code or "UO",
            "description": basis.name,
            "basis": basis.code,
        }

    def _citizen_archive_unit(self):
        self.ensure_one()
        queue = self.queue_id
        return {"navn": queue.name, "identifikator": queue.code or None}

    @api.model
    def _citizen_archive_officer(self, user):
        if not user:
            return None
        return {
            "navn": user.name,
            "identifikator": user.login,
            "epostadresse": user.email or None,
        }

    def _citizen_archive_classes(self):
        self.ensure_one()
        theme = self.los_theme_id
        if not theme:
            return []
        return [
            {
                "system": "LOS",
                "id": theme.uri or theme.complete_name,
                "title": theme.name,
            }
        ]

    def _citizen_archive_citizen(self, message=None):
        """The citizen as a party: address and e-mail only for a citizen
        without protection; a strictly protected one screened (name, no
        address, no id, erSkjermet). {} when the inquiry names nobody."""
        self.ensure_one()
        partner = self.partner_id
        if not partner and message and message.author_id:
            staff = any(not user.share for user in message.author_id.user_ids)
            partner = message.author_id if not staff else partner
        if not partner:
            if not self.partner_name:
                return {}
            return {
                "name": self.partner_name,
                "email": self.partner_email or None,
                "is_person": True,
            }
        return self._citizen_archive_party(partner)

    @api.model
    def _citizen_archive_party(self, partner):
        """``partner`` as a party of the archive."""
        if partner._citizen_is_strictly_protected():
            return {"name": SCREENED, "screened": True, "is_person": True}
        if partner._citizen_is_protected():
            return {"name": partner.name, "is_person": not partner.is_company}
        contact = partner._citizen_public_contact_values()
        return {
            "name": partner.name,
            "address_lines": [
                line for line in (contact["street"], contact["street2"]) if line
            ],
            "zip": contact["zip"] or None,
            "city": contact["city"] or None,
            "country": contact["country_id"].code if contact["country_id"] else None,
            "email": contact["email"] or None,
            "is_person": not partner.is_company,
        }

    def _citizen_archive_render_values(self, document):
        """What the PDF of a document shows: no e-mail address, and the
        author of a protected citizen's message screened or named only."""
        self.ensure_one()
        message = document.get("message")
        citizen = self._citizen_archive_citizen(message)
        if message:
            staff = any(not user.share for user in message.author_id.user_ids)
            author = (
                message.author_id.name
                if staff
                else citizen.get("name") or message.author_id.name or ""
            )
            title, _public = self._citizen_archive_titles(message.subject)
            return {
                "title": title,
                "inquiry": self.number,
                "date": message.date,
                "author": author,
                "direction": dict(
                    self.env["citizen.archive.transfer"]
                    ._fields["entry_type"]
                    ._description_selection(self.env)
                )[document["type"]],
                "body": html2plaintext(message.body or ""),
                "attachments": message.attachment_ids.mapped("name"),
            }
        title, _public = self._citizen_archive_titles(self.name)
        return {
            "title": title,
            "inquiry": self.number,
            "date": self.date_received,
            "author": citizen.get("name") or "",
            "channel": self.channel_id.name,
            "service": self.service_id.name or "",
            "queue": self.queue_id.name,
            "resolution": dict(
                self._fields["resolution"]._description_selection(self.env)
            ).get(self.resolution, ""),
            "body": html2plaintext(self.description or ""),
            "note": self.resolution_note or "",
        }

    def _citizen_archive_entry(self, document, pdfs):
        """(entry dict for archive_message.build_registry_entry, [(reference,
        content)] of its files) for one document of ``self``."""
        self.ensure_one()
        Transfer = self.env["citizen.archive.transfer"]
        message = document.get("message")
        entry_type = document["type"]
        if message:
            title, public = self._citizen_archive_titles(message.subject)
            pdf = pdfs[("mail.message", message.id)]
            date = message.date
            attachments = message.attachment_ids
        else:
            title, public = self._citizen_archive_titles(self.name)
            pdf = pdfs[("citizen.inquiry", self.id)]
            date = self.date_received
            attachments = self.env["ir.attachment"]
        screening = self._citizen_archive_screening()
        description, content = Transfer._citizen_file(
            1,
            f"{self.number}-{message.id if message else 'record'}.pdf",
            "application/pdf",
            pdf,
        )
        documents = [{"title": title, "role": "H", "number": 1, "files": [description]}]
        files = [content]
        for number, attachment in enumerate(attachments.sorted("id"), start=2):
            description, content = Transfer._citizen_file(
                number, attachment.name, attachment.mimetype, attachment.raw or b""
            )
            documents.append(
                {
                    "title": attachment.name,
                    "role": "V",
                    "number": number,
                    "files": [description],
                }
            )
            files.append(content)
        citizen = self._citizen_archive_citizen(message)
        officer_user = (
            message.author_id.user_ids.filtered(lambda u: not u.share)[:1]
            if message and entry_type == "U"
            else self.user_id
        )
        # The unit and case officer: the internal sender of what goes out,
        # the internal recipient of what comes in.
        internal = {
            "type": "IM" if entry_type == "I" else "IA",
            "name": officer_user.name or self.queue_id.name,
            "unit": self._citizen_archive_unit(),
            "officer": self._citizen_archive_officer(officer_user),
        }
        parties = []
        if entry_type == "I":
            if citizen:
                parties.append(dict(citizen, type="EA"))
            parties.append(internal)
        elif entry_type == "U":
            if citizen:
                parties.append(dict(citizen, type="EM"))
            parties.append(internal)
        elif entry_type == "X":
            parties.append(internal)
        entry = {
            "key": document["key"],
            "type": entry_type,
            "title": title,
            "public_title": public,
            "created": date,
            "document_date": date.date() if date else None,
            "received": date if entry_type == "I" else None,
            "sent": date if entry_type == "U" else None,
            "parties": parties,
            "screening": screening,
            "classes": self._citizen_archive_classes(),
            "documents": documents,
        }
        return entry, files

    def _citizen_archive_forget_packages(self):
        """Anonymisation: the copies of the documents kept on the transfers
        go, as the inquiry's own do (the archive keeps its record); what was
        sent, when, and the registry numbers stay. A package not receipted
        will not be sent any more."""
        # sudo: anonymisation removes data whoever runs it (the privacy
        # officer, the scheduler), as the rest of _citizen_anonymise does.
        for transfer in self.sudo().archive_transfer_ids:
            vals = {"package": False, "name": transfer.inquiry_id.number}
            if transfer.state != "receipted":
                vals.update(
                    state="failed",
                    rejected=True,
                    error=self.env._(
                        "The inquiry was anonymised before the archive receipted "
                        "this document."
                    ),
                )
            transfer.write(vals)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_send_to_archive(self):
        """Queue the documents of the inquiries not yet queued (and their
        case's folder), then send what may go now."""
        Transfer = self.env["citizen.archive.transfer"]
        transfers = Transfer
        for case, inquiries in self.grouped("case_id").items():
            transfers |= Transfer._citizen_queue(case, inquiries)
        transfers._citizen_send()
        return Transfer._citizen_queued_notification(transfers)
