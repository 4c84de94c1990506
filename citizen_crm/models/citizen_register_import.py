"""Import of Folkeregister person documents: a run, its counts and the lines
it rejected.

A run reads person documents from a batch extract (JSON Lines, one document
a line) or from the Folkeregister API (bulk lookup), in chunks of CHUNK_SIZE:

1. each document is parsed (folkeregister.py); a malformed one is a rejected
   line, with its line number and reason, and writes nothing;
2. one query per chunk finds the citizens holding any identity number of the
   chunk's documents, old D-numbers included, with their current values (the
   vault's address for a protected citizen);
3. only what changed is written, each person in a savepoint of their own:
   a person is imported whole or not at all (a failure rolls that person
   back and rejects their line), the others of the file are kept;
4. the chunk's writes are flushed and the caches cleared, so that memory does
   not grow with the file.

Nothing of this is tracked in the chatter: each change is a line of the audit
trail. Identity numbers appear masked (DDMMYY*****) in the rejected lines and
never in the log.
"""

import io
import json
import logging
from collections import Counter, defaultdict
from itertools import islice

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from . import (  # noqa: F401
    citizen_register_client,
    res_partner_registers,
)
from . import national_id as nid
from .folkeregister import DocumentError, parse_document, parse_line
from .maskinporten import RegisterError
from .res_partner_protection import PROTECTED_LEVELS

_logger = logging.getLogger(__name__)

CHUNK_SIZE = 1000
ADDRESS_KEYS = ("street", "street2", "zip", "city", "country_id")
REGISTER_FIELDS = (
    "name",
    "national_id",
    *ADDRESS_KEYS,
    "address_protection",
    "citizen_register_status",
    "citizen_date_of_death",
)


def _masked_hint(raw):
    """The first identity number a rejected document names, masked, or
    False: enough for the officer to find the person, nothing more."""
    try:
        document = json.loads(raw) if isinstance(raw, (str, bytes)) else raw
        if isinstance(document.get("folkeregisterperson"), dict):
            document = document["folkeregisterperson"]
        for entry in document.get("identifikasjonsnummer") or []:
            number = nid.compact(entry.get("foedselsEllerDNummer"))
            if len(number) == 11 and number.isdigit():
                return nid.mask(number)
    except (ValueError, TypeError, AttributeError):
        pass
    return False


class CitizenRegisterImport(models.Model):
    _name = "citizen.register.import"
    _description = "Folkeregister Import"
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    source = fields.Selection(
        [("file", "Batch extract (JSON Lines)"), ("api", "Folkeregister API")],
        required=True,
        default="file",
        readonly=True,
    )
    file = fields.Binary(
        string="Extract",
        attachment=True,
        help="A batch extract from the Folkeregister: one person document (JSON) "
        "a line.",
    )
    filename = fields.Char()
    create_unknown = fields.Boolean(
        string="Create Unknown Persons",
        help="Register persons of the extract that are not citizens yet. Off: "
        "they are counted and skipped.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done"), ("failed", "Failed")],
        default="draft",
        required=True,
        readonly=True,
    )
    error = fields.Text(readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Run By", readonly=True, default=lambda self: self.env.user
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    date_start = fields.Datetime(string="Started", readonly=True)
    date_done = fields.Datetime(string="Finished", readonly=True)
    count_read = fields.Integer(string="Read", readonly=True)
    count_updated = fields.Integer(string="Updated", readonly=True)
    count_created = fields.Integer(string="Created", readonly=True)
    count_unchanged = fields.Integer(string="Unchanged", readonly=True)
    count_rejected = fields.Integer(string="Rejected", readonly=True)
    count_unknown = fields.Integer(string="Unknown, Skipped", readonly=True)
    line_ids = fields.One2many(
        "citizen.register.import.line",
        "import_id",
        string="Rejected Lines",
        readonly=True,
    )

    @api.depends("source", "create_date")
    def _compute_name(self):
        for run in self:
            label = dict(self._fields["source"]._description_selection(self.env)).get(
                run.source
            )
            run.name = f"{label} #{run.id or ''}".strip(" #")

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_import(self):
        """Import the uploaded extract."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(self.env._("This import has already run."))
        if not self.file:
            raise UserError(self.env._("Upload an extract (JSON Lines) first."))
        with self._citizen_open_file() as stream:
            self._citizen_run(enumerate(stream, start=1))
        return True

    # ------------------------------------------------------------
    # Runs
    # ------------------------------------------------------------

    def _citizen_open_file(self):
        """The uploaded extract as a binary stream, read from the filestore
        line by line, not loaded whole."""
        # sudo: the attachment of a binary field is not readable as such;
        # the user may read this run (the model's rights), hence its file.
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("res_field", "=", "file"),
                ],
                limit=1,
            )
        )
        if attachment.store_fname:
            return open(attachment._full_path(attachment.store_fname), "rb")
        return io.BytesIO(attachment.raw or b"")

    def _citizen_run(self, items):
        """Import ``items`` ((line number, JSON text or decoded document)),
        chunk by chunk; returns the counts."""
        self.ensure_one()
        self.write({"date_start": fields.Datetime.now()})
        counts = Counter()
        items = iter(items)
        while chunk := list(islice(items, CHUNK_SIZE)):
            self._citizen_import_chunk(chunk, counts)
            # What the chunk wrote is in the database: the caches start over,
            # so that memory does not grow with the file.
            self.env.flush_all()
            self.env.invalidate_all()
        self.write(
            {
                "state": "done",
                "date_done": fields.Datetime.now(),
                **{
                    f"count_{key}": counts[key]
                    for key in (
                        "read",
                        "updated",
                        "created",
                        "unchanged",
                        "rejected",
                        "unknown",
                    )
                },
            }
        )
        _logger.info(
            "Folkeregister import %s: %s read, %s updated, %s created, %s unchanged, "
            "%s rejected, %s unknown skipped.",
            self.id,
            counts["read"],
            counts["updated"],
            counts["created"],
            counts["unchanged"],
            counts["rejected"],
            counts["unknown"],
        )
        return counts

    def _citizen_run_api(self, numbers):
        """Import the person documents of ``numbers`` from the API."""
        self.ensure_one()
        client = self.env["citizen.register.client"]
        try:
            return self._citizen_run(enumerate(client._citizen_freg_bulk(numbers), 1))
        except RegisterError as error:
            self.write(
                {
                    "state": "failed",
                    "error": str(error),
                    "date_done": fields.Datetime.now(),
                }
            )
            _logger.warning("Folkeregister import %s failed: %s", self.id, error)
            return None

    @api.model
    def _cron_citizen_folkeregister_refresh(self):
        """Refresh from the Folkeregister API the citizens who had an inquiry
        in the refresh window. Does nothing while the API is not configured.
        Runs as the superuser (the cron's user): no privacy officer is there
        to run it, and the numbers only leave for the register."""
        client = self.env["citizen.register.client"]
        if not client._citizen_freg_configured():
            _logger.info("Folkeregister refresh skipped: the API is not configured.")
            return self.browse()
        partners = (
            self.env["res.partner"].sudo().browse(client._citizen_recently_seen_ids())
        )
        run = self.create({"source": "api"})
        run._citizen_run_api(partners.mapped("national_id"))
        return run

    # ------------------------------------------------------------
    # One chunk
    # ------------------------------------------------------------

    def _citizen_import_chunk(self, chunk, counts):
        persons, rejected = [], []
        for line_number, raw in chunk:
            counts["read"] += 1
            try:
                if isinstance(raw, (str, bytes)):
                    if not raw.strip():
                        counts["read"] -= 1  # an empty line is no document
                        continue
                    person = parse_line(raw)
                else:
                    person = parse_document(raw)
            except DocumentError as error:
                rejected.append((line_number, _masked_hint(raw), str(error)))
                continue
            persons.append((line_number, person))
        rows = self._citizen_match(persons)
        Partner = self._citizen_partner_env()
        # ormcached: no query after the first chunk
        norway = self.env["ir.model.data"]._xmlid_to_res_id("base.no")
        changed = defaultdict(list)  # {fields written: [partner id]}
        for line_number, person in persons:
            holders = {rows[n]["id"] for n in person.numbers if n in rows}
            if len(holders) > 1:
                rejected.append(
                    (
                        line_number,
                        nid.mask(person.current),
                        "the person's identity numbers are held by more than one "
                        "citizen: merge them first",
                    )
                )
                continue
            if not holders:
                if not self.create_unknown:
                    counts["unknown"] += 1
                    continue
                values = self._citizen_new_values(person, norway)
                error = self._citizen_apply(Partner, None, values)
                if error:
                    rejected.append((line_number, nid.mask(person.current), error))
                else:
                    counts["created"] += 1
                continue
            row = next(rows[n] for n in person.numbers if n in rows)
            values = self._citizen_changes(person, row, norway)
            if not values:
                counts["unchanged"] += 1
                continue
            error = self._citizen_apply(Partner, row["id"], values)
            if error:
                rejected.append((line_number, nid.mask(person.current), error))
                continue
            counts["updated"] += 1
            changed[tuple(sorted(values))].append(row["id"])
        Audit = self.env["citizen.audit.log"]
        for field_names, ids in changed.items():
            Audit._citizen_log(
                "change",
                Partner.browse(ids),
                field_names=list(field_names),
                description="Updated from the Folkeregister",
            )
        if rejected:
            counts["rejected"] += len(rejected)
            self.env["citizen.register.import.line"].create(
                [
                    {
                        "import_id": self.id,
                        "line_number": line_number,
                        "identifier": masked,
                        "reason": reason,
                    }
                    for line_number, masked, reason in rejected
                ]
            )

    @api.model
    def _citizen_partner_env(self):
        # sudo: the register is the authority on these facts, and only a
        # privacy officer (the model's access rights) or the cron runs an
        # import; no chatter tracking, the audit trail records each change.
        return (
            self.env["res.partner"]
            .sudo()
            .with_context(tracking_disable=True, mail_notrack=True, active_test=False)
        )

    def _citizen_match(self, persons):
        """{identity number: the citizen holding it, with their current
        register values}: one query for every number of the chunk, a
        protected citizen's address read from the vault."""
        numbers = list({n for _line, person in persons for n in person.numbers})
        if not numbers:
            return {}
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id, p.national_id, p.name, p.address_protection,
                       p.citizen_contact_via_officer AS via_officer,
                       p.citizen_register_status, p.citizen_date_of_death,
                       p.street, p.street2, p.zip, p.city, p.country_id,
                       v.street AS v_street, v.street2 AS v_street2, v.zip AS v_zip,
                       v.city AS v_city, v.country_id AS v_country_id
                  FROM res_partner p
             LEFT JOIN citizen_protected_contact v ON v.partner_id = p.id
                 WHERE p.national_id = ANY(%s)
                   AND (p.company_id IS NULL OR p.company_id = %s)
                """,
                numbers,
                self.company_id.id,
            )
        )
        return {row["national_id"]: row for row in self.env.cr.dictfetchall()}

    @api.model
    def _citizen_address_values(self, person, norway):
        address = person.address
        return {
            "street": address["street"] or False,
            "street2": address["street2"] or False,
            "zip": address["zip"] or False,
            "city": address["city"] or False,
            "country_id": norway if address["country_code"] == "NO" else False,
        }

    @api.model
    def _citizen_register_values(self, person, norway):
        """What the register says, as res.partner values (only what the
        document holds)."""
        values = {
            "national_id": person.current,
            "address_protection": person.protection,
        }
        if person.name:
            values["name"] = person.name
        if person.address:
            values.update(self._citizen_address_values(person, norway))
        if person.status:
            values["citizen_register_status"] = person.status
        if person.date_of_death:
            values["citizen_date_of_death"] = person.date_of_death
        return values

    @api.model
    def _citizen_new_values(self, person, norway):
        return dict(self._citizen_register_values(person, norway), is_citizen=True)

    @api.model
    def _citizen_changes(self, person, row, norway):
        """The values of ``person`` that differ from the citizen's ``row``."""
        restricted = row["address_protection"] in PROTECTED_LEVELS or row["via_officer"]
        current = dict(row)
        if restricted:
            # The vault holds a protected citizen's address.
            for key in ADDRESS_KEYS:
                current[key] = row[f"v_{key}"]
        changes = {}
        for key, value in self._citizen_register_values(person, norway).items():
            have = current.get(key)
            if (have or False) != (value or False):
                changes[key] = value
        return changes

    @api.model
    def _citizen_apply(self, Partner, partner_id, values):
        """Create (``partner_id`` None) or update one citizen, all or
        nothing; returns the reason it failed, or None."""
        try:
            with self.env.cr.savepoint():
                if partner_id is None:
                    Partner.create([values])
                    return None
                partner = Partner.browse(partner_id)
                # The grading first: applying or lifting protection moves the
                # address to or from the vault, then the new address goes
                # where the new grading wants it.
                if "address_protection" in values:
                    partner.write({"address_protection": values["address_protection"]})
                rest = {k: v for k, v in values.items() if k != "address_protection"}
                if rest:
                    partner.write(rest)
        except (ValidationError, UserError) as error:
            return str(error.args[0] if error.args else error)
        except Exception as error:
            # The database's own message may quote the values: only its kind.
            return f"the citizen could not be saved ({type(error).__name__})"
        return None


class CitizenRegisterImportLine(models.Model):
    _name = "citizen.register.import.line"
    _description = "Folkeregister Import: Rejected Line"
    _order = "import_id, line_number, id"

    import_id = fields.Many2one(
        "citizen.register.import", required=True, index=True, ondelete="cascade"
    )
    line_number = fields.Integer(readonly=True)
    identifier = fields.Char(
        string="Identity Number", readonly=True, help="Masked: DDMMYY*****."
    )
    reason = fields.Char(readonly=True)
