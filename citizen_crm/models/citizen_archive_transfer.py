"""The archive hand-over queue: one transfer per document handed to the
municipality's Noark 5 archive (Fiks Arkiv V1), its package, its attempts
and the archive's receipt.

A transfer is a case folder (saksmappe) or a registry entry (journalpost),
keyed by a stable external key (referanseEksternNoekkel): the same document
is never queued twice, and a retry sends the very package first built.
The package (the arkivmelding and its files, zipped) is built when the
document is queued, by the user who queues it and with their read access,
and kept on the transfer.

Transports: each kind ``<kind>`` of the ``transport`` selection has two
steps, ``_citizen_transport_<kind>_send`` (hand one package over) and
``_citizen_transport_<kind>_poll`` (the receipts waiting), so a Fiks IO
transport is one more pair of steps (README.md says what it needs).
"""

import base64
import hashlib
import io
import logging
import os
import re
import uuid
import zipfile
from pathlib import Path

import psycopg2
from lxml import etree

from odoo import api, fields, models
from odoo.addons.base.models.ir_actions_report import _wkhtml
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from . import archive_message

_logger = logging.getLogger(__name__)

TRANSPORTS = [("folder", "Folder")]
STATES = [
    ("waiting", "Waiting"),
    ("sent", "Sent"),
    ("receipted", "Receipted"),
    ("failed", "Failed"),
]
# A transport failure is retried by the cron this many times, then waits
# for the Retry button; a rejection by the archive always waits for it.
MAX_AUTOMATIC_ATTEMPTS = 10
PARAM_TRANSPORT = "citizen_crm.archive_transport"
PARAM_OUTBOX = "citizen_crm.archive_outbox"
PARAM_INBOX = "citizen_crm.archive_inbox"
PARAM_INQUIRY_RECORD = "citizen_crm.archive_inquiry_record"
PARAM_ARCHIVE_PART = "citizen_crm.archive_part"
DEFAULT_ARCHIVE_PART = "Servicetorg"
PROCESSED_DIR = "processed"
UNREADABLE_DIR = "unreadable"
MESSAGE_REPORT = "citizen_crm.citizen_archive_message_report"
INQUIRY_REPORT = "citizen_crm.citizen_archive_inquiry_report"
# The reference line each record's PDF opens with (the report templates).
REFERENCE_RE = re.compile(r"citizen-archive-(\d+)")
ENTRY_TYPES = [
    ("I", "Incoming"),
    ("U", "Outgoing"),
    ("X", "Internal record"),
]


def _safe_filename(name):
    """A file name for inside the package: no path, nothing but ASCII
    letters, digits, dots, dashes and underscores."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", os.path.basename(name or "")).strip("._")
    return name or "document"


class CitizenArchiveTransfer(models.Model):
    _name = "citizen.archive.transfer"
    _description = "Archive Transfer"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    key = fields.Char(
        string="External Key",
        required=True,
        readonly=True,
        help="The document's key in the archive (referanseEksternNoekkel, "
        "fagsystem citizen_crm): database, model and record id.",
    )
    message_uuid = fields.Char(
        string="Package ID",
        required=True,
        readonly=True,
        default=lambda self: str(uuid.uuid4()),
        copy=False,
        help="The name of the package and of the archive's receipt.",
    )
    kind = fields.Selection(
        [("folder", "Case folder"), ("entry", "Registry entry")],
        required=True,
        readonly=True,
    )
    entry_type = fields.Selection(ENTRY_TYPES, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    case_id = fields.Many2one(
        "citizen.case", readonly=True, index=True, ondelete="restrict"
    )
    inquiry_id = fields.Many2one(
        "citizen.inquiry", readonly=True, index=True, ondelete="restrict"
    )
    message_id = fields.Many2one("mail.message", readonly=True, ondelete="set null")
    parent_id = fields.Many2one(
        "citizen.archive.transfer",
        string="Case Folder Transfer",
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    transport = fields.Selection(TRANSPORTS, required=True, readonly=True)
    state = fields.Selection(
        STATES, required=True, default="waiting", readonly=True, index=True
    )
    rejected = fields.Boolean(
        readonly=True, help="The archive refused the package: fix, then retry."
    )
    error = fields.Text(readonly=True)
    package = fields.Binary(attachment=True, readonly=True)
    package_filename = fields.Char(compute="_compute_package_filename")
    file_count = fields.Integer(readonly=True)
    date_sent = fields.Datetime(string="Sent", readonly=True)
    date_receipted = fields.Datetime(string="Receipted", readonly=True)
    archive_system_id = fields.Char(string="Archive System ID", readonly=True)
    journal_year = fields.Integer(readonly=True)
    journal_sequence = fields.Integer(readonly=True)
    journal_entry_number = fields.Integer(string="Entry Number in Case", readonly=True)
    registry_number = fields.Char(
        string="Registry Number",
        compute="_compute_registry_number",
        store=True,
        help="The archive's registry-entry number (journalår/sekvensnummer).",
    )
    attempt_ids = fields.One2many(
        "citizen.archive.transfer.attempt", "transfer_id", string="Attempts"
    )
    attempt_count = fields.Integer(readonly=True)

    _key_unique = models.Constraint(
        "UNIQUE(key)", "This document is already queued for the archive."
    )

    @api.depends("message_uuid")
    def _compute_package_filename(self):
        for transfer in self:
            transfer.package_filename = f"{transfer.message_uuid}.zip"

    @api.depends("journal_year", "journal_sequence", "journal_entry_number")
    def _compute_registry_number(self):
        for transfer in self:
            number = False
            if transfer.journal_year and transfer.journal_sequence:
                number = f"{transfer.journal_year}/{transfer.journal_sequence}"
                if transfer.journal_entry_number:
                    number += f"-{transfer.journal_entry_number}"
            transfer.registry_number = number

    # ------------------------------------------------------------
    # Keys
    # ------------------------------------------------------------

    @api.model
    def _citizen_key(self, record):
        """The stable external key of ``record``: the database's uuid, the
        model and the id, unique across databases and restores."""
        # sudo: the database uuid is no secret, only ir.config_parameter's ACL
        dbuuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        return f"{dbuuid}/{record._name}/{record.id}"

    # ------------------------------------------------------------
    # Queueing: from a case or inquiries to transfers with their packages
    # ------------------------------------------------------------

    @api.model
    def _citizen_check_may_hand_over(self):
        if not self.env.user.has_group("citizen_crm.group_caseworker"):
            raise AccessError(
                self.env._(
                    "Only caseworkers and supervisors hand documents over to "
                    "the archive."
                )
            )

    @api.model
    def _citizen_queue(self, case, inquiries):
        """Queue what is not yet queued of ``case`` (its folder, may be empty)
        and of ``inquiries`` (their documents), build the packages, and
        return the new transfers. The user must be able to read all of them."""
        self._citizen_check_may_hand_over()
        case.check_access("read")
        inquiries.check_access("read")
        for inquiry in inquiries.filtered("is_confidential"):
            if not inquiry.screening_basis_id:
                raise UserError(
                    self.env._(
                        "The inquiry %(number)s is confidential: choose its "
                        "screening basis before handing it over to the archive.",
                        number=inquiry.number,
                    )
                )
        documents = []
        if case:
            documents.append({"record": case, "kind": "folder"})
        for inquiry in inquiries:
            documents.extend(inquiry._citizen_archive_documents())
        for document in documents:
            document["key"] = self._citizen_key(document["record"])
        # sudo: only whether a key is already queued, whoever queued it;
        # nothing of those transfers is read.
        queued = {
            transfer.key: transfer
            for transfer in self.sudo().search(
                [("key", "in", [d["key"] for d in documents])]
            )
        }
        new = [d for d in documents if d["key"] not in queued]
        if not new:
            return self.browse()
        # Handing over is disclosing: left in the audit trail like an export.
        inquiries._citizen_audit_confidential("export", ["archive_transfer_ids"])
        pdfs = self._citizen_render_pdfs(new)
        transport = self.env["citizen.config"]._citizen_param(
            PARAM_TRANSPORT, "folder", kind=str, choices=[t for t, _ in TRANSPORTS]
        )
        vals_list = []
        entry_labels = dict(self._fields["entry_type"]._description_selection(self.env))
        folder_transfer = queued.get(self._citizen_key(case)) if case else None
        for document in new:
            record = document["record"]
            if document["kind"] == "folder":
                message = archive_message.build_case_folder(
                    record._citizen_archive_folder()
                )
                files = []
                name = self.env._("Case folder: %(title)s", title=record.public_title)
                inquiry = self.env["citizen.inquiry"]
            else:
                inquiry = document["inquiry"]
                entry, files = inquiry._citizen_archive_entry(document, pdfs)
                if case and inquiry.case_id == case:
                    entry["folder_key"] = self._citizen_key(case)
                    entry["folder_year"], entry["folder_sequence"] = (
                        case._citizen_case_number_parts()
                    )
                else:
                    entry["archive_part"] = self.env["citizen.config"]._citizen_param(
                        PARAM_ARCHIVE_PART, DEFAULT_ARCHIVE_PART, kind=str
                    )
                message = archive_message.build_registry_entry(entry)
                name = self.env._(
                    "%(type)s: %(title)s",
                    type=entry_labels[document["type"]],
                    title=entry["public_title"],
                )
            vals_list.append(
                {
                    "name": name,
                    "key": document["key"],
                    "kind": document["kind"],
                    "entry_type": document.get("type"),
                    "company_id": (
                        record if document["kind"] == "folder" else inquiry
                    ).company_id.id,
                    "case_id": record.id
                    if document["kind"] == "folder"
                    else inquiry.case_id.id,
                    "inquiry_id": inquiry.id,
                    "message_id": document.get("message").id
                    if document.get("message")
                    else False,
                    "transport": transport,
                    "package": base64.b64encode(self._citizen_zip(message, files)),
                    "file_count": len(files),
                }
            )
        transfers = self.create(vals_list)
        folder_transfer = folder_transfer or transfers.filtered(
            lambda t: t.kind == "folder"
        )
        if folder_transfer:
            transfers.filtered(
                lambda t: t.kind == "entry" and t.case_id == folder_transfer.case_id
            ).write({"parent_id": folder_transfer.id})
        return transfers

    @api.model
    def _citizen_queued_notification(self, transfers):
        """What the Send to archive button says."""
        if not transfers:
            message = self.env._("Everything is already queued for the archive.")
        else:
            counts = {state: 0 for state, _label in STATES}
            for transfer in transfers:
                counts[transfer.state] += 1
            message = self.env._(
                "%(count)s documents queued for the archive: %(sent)s sent, "
                "%(waiting)s waiting for their case folder's receipt, "
                "%(failed)s failed (see Archive Transfers).",
                count=len(transfers),
                sent=counts["sent"],
                waiting=counts["waiting"],
                failed=counts["failed"],
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning"
                if transfers.filtered(lambda t: t.state == "failed")
                else "info",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _citizen_zip(self, message, files):
        """The package: the arkivmelding and its files, in one zip (the
        content of an ASiC-E container, without its signature)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
            package.writestr(archive_message.MESSAGE_FILE, message)
            for reference, content in files:
                package.writestr(reference, content)
        return buffer.getvalue()

    @api.model
    def _citizen_render_pdfs(self, documents):
        """{(model, id): PDF bytes} of every document of ``documents`` that
        is a message or an inquiry's own record: one wkhtmltopdf call per
        report, split per record."""
        pdfs = {}
        by_report = {MESSAGE_REPORT: {}, INQUIRY_REPORT: {}}
        for document in documents:
            if document.get("message"):
                by_report[MESSAGE_REPORT][document["message"].id] = document
            elif document["kind"] == "entry":
                by_report[INQUIRY_REPORT][document["inquiry"].id] = document
        for report_ref, docs in by_report.items():
            if not docs:
                continue
            values = {
                res_id: document["inquiry"]._citizen_archive_render_values(document)
                for res_id, document in docs.items()
            }
            model = (
                "mail.message" if report_ref == MESSAGE_REPORT else "citizen.inquiry"
            )
            for res_id, pdf in self._citizen_render_report(report_ref, values).items():
                pdfs[(model, res_id)] = pdf
        return pdfs

    @api.model
    def _citizen_render_report(self, report_ref, values):
        """{res_id: PDF bytes} of the report for the records of ``values``
        ({res_id: what its PDF shows}), in one wkhtmltopdf call.

        A wkhtmltopdf built with Odoo's patched Qt takes one document per
        record in one call, and Odoo splits the PDF per record. The Qt of
        the distributions takes a single document: the records are then
        rendered as one (one article, each record on a new page), and the PDF
        is split where each record's reference line (citizen-archive-<id>,
        see report/citizen_archive_reports.xml) is found."""
        Report = self.env["ir.actions.report"]
        res_ids = list(values)
        one_article = not _wkhtml().is_patched_qt and len(res_ids) > 1
        data = {"archive_documents": values, "archive_one_article": one_article}
        streams = Report._render_qweb_pdf_prepare_streams(
            report_ref, data, res_ids=res_ids
        )
        if all(streams.get(res_id, {}).get("stream") for res_id in res_ids):
            return {res_id: streams[res_id]["stream"].getvalue() for res_id in res_ids}
        whole = streams.get(False, {}).get("stream")
        parts = self._citizen_split_pdf(whole.getvalue(), res_ids) if whole else None
        if parts:
            return parts
        _logger.warning(
            "Archive PDFs of %s could not be split per record: rendered one by one.",
            report_ref,
        )
        data["archive_one_article"] = False
        return {
            res_id: Report._render_qweb_pdf_prepare_streams(
                report_ref, data, res_ids=[res_id]
            )[res_id]["stream"].getvalue()
            for res_id in res_ids
        }

    @api.model
    def _citizen_split_pdf(self, content, res_ids):
        """{res_id: PDF} cut from ``content`` where each record's reference
        line first shows, or None unless the records start in order on
        pages of their own, the first on the first page."""
        reader = PdfFileReader(io.BytesIO(content))
        starts = {}
        for number, page in enumerate(reader.pages):
            for found in REFERENCE_RE.findall(page.extract_text() or ""):
                starts.setdefault(int(found), number)
        pages = [starts.get(res_id) for res_id in res_ids]
        if None in pages or pages[0] != 0 or pages != sorted(set(pages)):
            return None
        parts = {}
        for index, res_id in enumerate(res_ids):
            end = pages[index + 1] if index + 1 < len(pages) else len(reader.pages)
            writer = PdfFileWriter()
            for page in range(pages[index], end):
                writer.add_page(reader.pages[page])
            stream = io.BytesIO()
            writer.write(stream)
            parts[res_id] = stream.getvalue()
        return parts

    @api.model
    def _citizen_file(self, number, filename, mimetype, content):
        """(file description for the message, (reference, content) for the
        package) of one file of a document."""
        reference = f"{number:03d}-{_safe_filename(filename)}"
        return (
            {
                "filename": filename,
                "reference": reference,
                "mimetype": mimetype or "application/octet-stream",
                "checksum": hashlib.sha256(content).hexdigest(),
                "size": len(content),
            },
            (reference, content),
        )

    # ------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------

    def _citizen_ready(self):
        """The transfers of ``self`` that may go now: a registry entry goes
        once the archive has receipted its case folder (it files the entry
        there)."""
        return self.filtered(
            lambda t: not t.parent_id or t.parent_id.state == "receipted"
        )

    def _citizen_send(self):
        """Hand each ready transfer of ``self`` over through its transport,
        one attempt line each; a failure marks it failed with the error and
        keeps its package for the next attempt."""
        for transfer in self._citizen_ready():
            send = getattr(transfer, f"_citizen_transport_{transfer.transport}_send")
            try:
                send()
            except (OSError, UserError) as error:
                transfer._citizen_record_attempt("send", "failure", str(error))
                transfer.write(
                    {"state": "failed", "rejected": False, "error": str(error)}
                )
                continue
            transfer._citizen_record_attempt("send", "success")
            transfer.write(
                {
                    "state": "sent",
                    "rejected": False,
                    "error": False,
                    "date_sent": fields.Datetime.now(),
                }
            )
        return True

    def _citizen_record_attempt(self, action, outcome, message=False):
        self.ensure_one()
        self.env["citizen.archive.transfer.attempt"].create(
            {
                "transfer_id": self.id,
                "action": action,
                "outcome": outcome,
                "message": message,
            }
        )
        if action == "send":
            self.attempt_count += 1

    @api.model
    def _citizen_folder_path(self, param):
        path = self.env["citizen.config"]._citizen_param(param, "", kind=str)
        if not path:
            raise UserError(
                self.env._(
                    "No archive folder is configured: set it in the Settings "
                    "(Archive hand-over)."
                )
            )
        return Path(path)

    def _citizen_transport_folder_send(self):
        """Write the package to the outbox folder as ``<package id>.zip``:
        written under a hidden temporary name, then renamed, so the archive
        never reads half a package; a retry replaces it whole."""
        self.ensure_one()
        outbox = self._citizen_folder_path(PARAM_OUTBOX)
        if not outbox.is_dir():
            raise UserError(
                self.env._("The archive outbox %(path)s does not exist.", path=outbox)
            )
        target = outbox / self.package_filename
        temporary = outbox / f".{self.package_filename}.part"
        with open(temporary, "wb") as stream:
            stream.write(base64.b64decode(self.package))
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)

    # ------------------------------------------------------------
    # Receipts
    # ------------------------------------------------------------

    @api.model
    def _citizen_transport_folder_poll(self):
        """[(package id or None, receipt bytes, done(outcome))] of the
        receipts in the inbox folder: ``<package id>.xml``. ``done`` moves
        the file to processed/ or, unreadable, to unreadable/."""
        try:
            inbox = self._citizen_folder_path(PARAM_INBOX)
        except UserError:
            return []
        if not inbox.is_dir():
            _logger.warning("Archive inbox %s does not exist.", inbox)
            return []
        receipts = []
        for path in sorted(inbox.glob("*.xml")):
            if path.name.startswith("."):
                continue

            def done(readable, path=path):
                folder = inbox / (PROCESSED_DIR if readable else UNREADABLE_DIR)
                folder.mkdir(exist_ok=True)
                os.replace(path, folder / path.name)

            receipts.append((path.stem, path.read_bytes(), done))
        return receipts

    @api.model
    def _citizen_poll_receipts(self):
        """Read the receipts of every transport and apply them."""
        for transport, _label in TRANSPORTS:
            poll = getattr(self, f"_citizen_transport_{transport}_poll")
            for package_id, content, done in poll():
                try:
                    with self.env.cr.savepoint():
                        applied = self._citizen_apply_receipt(package_id, content)
                except (UserError, ValidationError, psycopg2.IntegrityError) as error:
                    # e.g. a case number another case of ours already has:
                    # the receipt is set aside for a person, the others go on.
                    _logger.warning(
                        "Archive receipt %s could not be applied: %s", package_id, error
                    )
                    applied = False
                done(applied)
        return True

    @api.model
    def _citizen_apply_receipt(self, package_id, content):
        """Apply one receipt; False when it is not a valid receipt of a
        transfer we sent (it is set aside and logged)."""
        try:
            receipt = archive_message.parse_receipt(content)
        except (etree.XMLSyntaxError, etree.DocumentInvalid) as error:
            _logger.warning("Archive receipt %s is not valid: %s", package_id, error)
            return False
        keys = [
            part["key"]
            for part in (receipt["folder"], receipt["entry"])
            if part and part.get("key")
        ]
        transfer = self.search([("message_uuid", "=", package_id)], limit=1)
        if not transfer and keys:
            transfer = self.search([("key", "in", keys)], limit=1)
        if not transfer:
            _logger.warning("Archive receipt %s matches no transfer.", package_id)
            return False
        if receipt["errors"]:
            message = "; ".join(
                f"{error['message']} ({error['id']})"
                if error["id"]
                else error["message"]
                for error in receipt["errors"]
            )
            transfer._citizen_record_attempt("receipt", "rejected", message)
            transfer.write({"state": "failed", "rejected": True, "error": message})
            return True
        values = {
            "state": "receipted",
            "rejected": False,
            "error": False,
            "date_receipted": fields.Datetime.now(),
        }
        folder, entry = receipt["folder"], receipt["entry"]
        if folder:
            values["archive_system_id"] = folder["system_id"]
        if entry:
            values.update(
                archive_system_id=entry["system_id"],
                journal_year=entry["journal_year"] or 0,
                journal_sequence=entry["journal_sequence"] or 0,
                journal_entry_number=entry["journal_number"] or 0,
            )
        transfer.write(values)
        note = False
        if folder and folder["case_year"] and folder["case_sequence"]:
            number = f"{folder['case_year']}/{folder['case_sequence']}"
            note = self.env._("Case number %(number)s", number=number)
            transfer.case_id._citizen_set_archive_number(number)
        if entry and transfer.registry_number:
            note = self.env._(
                "Registry number %(number)s", number=transfer.registry_number
            )
        transfer._citizen_record_attempt("receipt", "success", note)
        if transfer.kind == "folder":
            # The entries waiting for their folder go now.
            self.search(
                [("parent_id", "=", transfer.id), ("state", "=", "waiting")]
            )._citizen_send()
        return True

    # ------------------------------------------------------------
    # Crons and buttons
    # ------------------------------------------------------------

    @api.model
    def _cron_citizen_archive_send(self):
        """Send what waits, and retry transport failures a while."""
        self.search(
            [
                "|",
                ("state", "=", "waiting"),
                "&",
                "&",
                ("state", "=", "failed"),
                ("rejected", "=", False),
                ("attempt_count", "<", MAX_AUTOMATIC_ATTEMPTS),
            ],
            order="kind, id",
        )._citizen_send()

    @api.model
    def _cron_citizen_archive_receipts(self):
        self._citizen_poll_receipts()

    def action_retry(self):
        """Send the failed transfers again: the same package under the same
        keys."""
        self._citizen_check_may_hand_over()
        self.check_access("write")
        self.filtered(lambda t: t.state in ("failed", "waiting"))._citizen_send()
        return True


class CitizenArchiveTransferAttempt(models.Model):
    _name = "citizen.archive.transfer.attempt"
    _description = "Archive Transfer Attempt"
    _order = "id desc"

    transfer_id = fields.Many2one(
        "citizen.archive.transfer", required=True, index=True, ondelete="cascade"
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True
    )
    action = fields.Selection(
        [("send", "Send"), ("receipt", "Receipt")], required=True, readonly=True
    )
    outcome = fields.Selection(
        [("success", "Success"), ("failure", "Failure"), ("rejected", "Rejected")],
        required=True,
        readonly=True,
    )
    message = fields.Text(readonly=True)
