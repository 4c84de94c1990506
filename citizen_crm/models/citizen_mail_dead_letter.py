import base64
import email
import email.header
import email.policy
import logging
import re
from ast import literal_eval

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools.mail import unfold_references

from .mail_thread_gateway import INQUIRY_MODEL, collect_inquiries

_logger = logging.getLogger(__name__)

REASONS = [
    ("too_large", "Too large"),
    ("timeout", "Took too long to process"),
    ("unreadable", "Unreadable"),
    ("failed", "Processing failed"),
]

STATES = [
    ("new", "To Handle"),
    ("retried", "Processed on Retry"),
    ("resolved", "Resolved"),
]

DEFAULT_MAX_SIZE_MB = 25
DEFAULT_TIME_BUDGET_S = 60.0
# Python's header parser is quadratic on long structured headers (a To of
# commas, a Subject of encoded words): above this size per header name, a
# mail is kept as a dead letter before Odoo parses it.
DEFAULT_MAX_HEADER_KB = 32
# What is read of a raw message to find its headers.
HEADER_READ_MAX = 262144
HEADER_END_RE = re.compile(rb"\r?\n\r?\n")
# What is decoded of a header shown on a dead letter: enough for the kept
# text, and decode_header is quadratic on a long run of encoded words.
HEADER_DECODE_MAX = 4096
# What ends an address-like token in a recipient header. Split on, never
# searched with "...@...": a search restarts at every character of a long
# run without "@" and takes minutes on 256 KB.
ADDRESS_SEPARATORS_RE = re.compile(r"[\s<>,;:\"'()\[\]]+")
RECIPIENT_HEADERS = (
    "To",
    "Cc",
    "Delivered-To",
    "X-Original-To",
    "Resent-To",
    "Envelope-To",
)


def address_tokens(value):
    """The address-like tokens of a header value (enough to recognise our
    own aliases when the message cannot be parsed): the runs between
    separators with an "@" that has something on both sides. Linear in the
    length of the value, whatever it holds."""
    return [token for token in ADDRESS_SEPARATORS_RE.split(value) if "@" in token[1:-1]]


class CitizenMailDeadLetter(models.Model):
    """An incoming e-mail for citizen_crm that could not be turned into an
    inquiry. The raw message is kept, so that staff can retry it after a fix
    or handle it by hand: no citizen mail is lost."""

    _name = "citizen.mail.dead.letter"
    _description = "Unprocessed E-mail"
    _inherit = ["mail.thread"]
    _order = "date_received desc, id desc"
    _rec_name = "subject"
    _check_company_auto = True
    # Staff have no write access (only the gateway writes a dead letter) but
    # may log notes on the ones they can read.
    _mail_post_access = "read"

    subject = fields.Char(readonly=True)
    email_from = fields.Char(string="From", readonly=True)
    message_id = fields.Char(string="Message-Id", readonly=True, index="btree_not_null")
    date_received = fields.Datetime(
        string="Received", required=True, readonly=True, default=fields.Datetime.now
    )
    reason = fields.Selection(REASONS, required=True, readonly=True, index=True)
    error_message = fields.Text(string="Error", readonly=True)
    raw_message = fields.Binary(
        string="Original Message", attachment=True, readonly=True, copy=False
    )
    raw_filename = fields.Char(readonly=True)
    raw_size = fields.Integer(string="Size (bytes)", readonly=True)
    model = fields.Char(
        string="Fallback Model",
        readonly=True,
        help="Model given by the incoming mail server, used again on retry.",
    )
    state = fields.Selection(
        STATES, required=True, default="new", index=True, tracking=True, readonly=True
    )
    retry_count = fields.Integer(readonly=True)
    inquiry_id = fields.Many2one(
        "citizen.inquiry",
        string="Inquiry",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    queue_id = fields.Many2one(
        "citizen.queue", string="Queue", readonly=True, check_company=True
    )
    company_id = fields.Many2one(
        "res.company",
        string="Municipality",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )

    # ------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------

    @api.model
    def _citizen_max_size(self):
        """Size cap in bytes (0: no cap)."""
        max_mb = self.env["citizen.config"]._citizen_param(
            "citizen_crm.mail_max_size_mb", DEFAULT_MAX_SIZE_MB, kind=float, minimum=0
        )
        return int(max_mb * 1048576)

    @api.model
    def _citizen_time_budget(self):
        """Time budget in seconds (0: none)."""
        return self.env["citizen.config"]._citizen_param(
            "citizen_crm.mail_parse_timeout_s",
            DEFAULT_TIME_BUDGET_S,
            kind=float,
            minimum=0.0,
        )

    @api.model
    def _citizen_max_header_size(self):
        """Size cap in characters of the headers of one name (0: no cap)."""
        max_kb = self.env["citizen.config"]._citizen_param(
            "citizen_crm.mail_max_header_kb",
            DEFAULT_MAX_HEADER_KB,
            kind=float,
            minimum=0,
        )
        return int(max_kb * 1024)

    # ------------------------------------------------------------
    # Capture
    # ------------------------------------------------------------

    @api.model
    def _citizen_split_headers(self, raw):
        """The header block of a raw message, and whether it ends within
        what is read of it. Both steps are linear: the pattern has no
        repetition to backtrack into."""
        parts = HEADER_END_RE.split(raw[:HEADER_READ_MAX], maxsplit=1)
        return parts[0], len(parts) == 2 or len(raw) <= HEADER_READ_MAX

    @api.model
    def _citizen_read_headers(self, raw, head=None):
        """Headers only, with the lenient compat32 policy: they must be
        readable even when the message is not."""
        try:
            head = self._citizen_split_headers(raw)[0] if head is None else head
            return email.message_from_bytes(head, policy=email.policy.compat32)
        except Exception:  # no header at all is a valid answer
            return email.message.Message()

    @api.model
    def _citizen_header_size_error(self, headers, complete):
        """Why the headers of a raw message are too long to hand to Odoo's
        parser, or False: one header name over the cap (repeated headers
        count together, Odoo joins them), or a header block longer than
        what is read of it. ``headers`` and ``complete`` are what
        ``_citizen_read_headers`` and ``_citizen_split_headers`` made of the message."""
        limit = self._citizen_max_header_size()
        if not limit:
            return False
        if not complete:
            return self.env._(
                "The headers are longer than %(limit)s KB.",
                limit=HEADER_READ_MAX // 1024,
            )
        sizes = {}
        for name, value in headers.raw_items():
            key = name.lower()
            sizes[key] = sizes.get(key, 0) + len(value)
            if sizes[key] > limit:
                return self.env._(
                    "The header %(name)s is over the limit of %(limit)s KB.",
                    name=name[:60],
                    limit=round(limit / 1024, 1),
                )
        return False

    @api.model
    def _citizen_decode_header(self, headers, name, size=250):
        value = headers.get(name)
        if value is None:
            return False
        value = str(value)[:HEADER_DECODE_MAX]
        try:
            text = str(email.header.make_header(email.header.decode_header(value)))
        except Exception:  # undecodable: keep the raw text
            text = value
        text = re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()
        return text[:size] or False

    @api.model
    @tools.ormcache()
    def _citizen_alias_table(self):
        """The inquiry aliases, for the scope of every incoming mail:
        ({full address: (company id, queue id)}, {local part: (company id,
        queue id)} for aliases that take any domain). Cached in the
        registry; writing an alias or an alias domain clears it
        (``citizen.registry.cache``). Callers must not change it."""
        # sudo: aliases are configuration; only their routing values are used
        aliases = (
            self.env["mail.alias"]
            .sudo()
            .search_fetch(
                [("alias_model_id.model", "=", INQUIRY_MODEL)],
                [
                    "alias_full_name",
                    "alias_name",
                    "alias_incoming_local",
                    "alias_domain_id",
                    "alias_defaults",
                ],
                order="id",
            )
        )
        full_names, local_names = {}, {}
        for alias in aliases:
            try:
                defaults = literal_eval(alias.alias_defaults or "{}")
            except (ValueError, SyntaxError):
                defaults = {}
            target = (defaults.get("company_id"), defaults.get("queue_id"))
            if alias.alias_full_name:
                full_names.setdefault(alias.alias_full_name.lower(), target)
            if alias.alias_name and (
                alias.alias_incoming_local or not alias.alias_domain_id
            ):
                local_names.setdefault(alias.alias_name.lower(), target)
        return full_names, local_names

    @api.model
    def _citizen_scope(self, raw, model=None, headers=None):
        """Whether a raw message is meant for citizen_crm: None when it is not,
        else a dict with the company and queue it is for (may be empty).
        ``headers``: the message's, when the caller has read them already."""
        headers = self._citizen_read_headers(raw) if headers is None else headers
        scope = {} if model == INQUIRY_MODEL else None
        addresses = {
            address.lower().strip(".")
            for name in RECIPIENT_HEADERS
            for value in (headers.get_all(name) or [])
            for address in address_tokens(str(value))
        }
        if addresses:
            full_names, local_names = self._citizen_alias_table()
            for address in sorted(addresses):
                found = full_names.get(address) or local_names.get(
                    address.split("@", 1)[0]
                )
                if found:
                    return {"company_id": found[0], "queue_id": found[1]}
        references = unfold_references(
            f"{headers.get('References') or ''} {headers.get('In-Reply-To') or ''}"
        )[-32:]
        if references:
            # sudo: only tells whether the mail replies to an inquiry
            parent = (
                self.env["mail.message"]
                .sudo()
                .search(
                    [("message_id", "in", references), ("model", "=", INQUIRY_MODEL)],
                    limit=1,
                )
            )
            if parent:
                # sudo: only the inquiry's company and queue are used
                inquiry = self.env[INQUIRY_MODEL].sudo().browse(parent.res_id).exists()
                return {
                    "company_id": inquiry.company_id.id,
                    "queue_id": inquiry.queue_id.id,
                }
        return scope

    @api.model
    def _citizen_capture(self, raw, reason, error_message, scope, model=None):
        """Keep the raw message; when retrying, update the retried letter."""
        # Set by _citizen_retry, which runs the gateway as superuser; a context key a
        # user passes in a call of their own must not aim at another letter.
        letter_id = self.env.su and self.env.context.get("citizen_dead_letter_id")
        # sudo: the gateway runs for everyone; dead letters are read through
        # their own access rules.
        DeadLetter = self.sudo().with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        )
        if letter_id:
            letter = DeadLetter.browse(letter_id)
            letter.write(
                {
                    "reason": reason,
                    "error_message": error_message,
                    "retry_count": letter.retry_count + 1,
                }
            )
            return False
        headers = self._citizen_read_headers(raw)
        message_id = self._citizen_decode_header(headers, "Message-Id", size=500)
        if message_id and DeadLetter.search_count(
            [("message_id", "=", message_id), ("state", "=", "new")], limit=1
        ):
            # fetched again (e.g. the mailbox flag was reset): kept once
            _logger.info("Unprocessed e-mail %s is already kept.", message_id)
            return False
        scope = scope or {}
        # sudo: the ids come from our alias or inquiry; checked to exist only
        company = self.env["res.company"].sudo().browse(scope.get("company_id"))
        queue = self.env["citizen.queue"].sudo().browse(scope.get("queue_id"))
        company, queue = company.exists(), queue.exists()
        company = company or queue.company_id or self.env.company
        queue = queue or self._citizen_front_line_queue(company)
        DeadLetter.create(
            {
                "subject": self._citizen_decode_header(headers, "Subject"),
                "email_from": self._citizen_decode_header(headers, "From"),
                "message_id": message_id,
                "reason": reason,
                "error_message": error_message,
                "raw_message": base64.b64encode(raw),
                "raw_filename": "original_email.eml",
                "raw_size": len(raw),
                "model": model or False,
                "company_id": company.id,
                "queue_id": queue.id,
            }
        )
        return False

    @api.model
    def _citizen_front_line_queue(self, company):
        """Who handles a mail whose queue is unknown (a fetcher configured
        for inquiries, no alias of ours among the recipients): the queue an
        inquiry without one gets, the front line. Its members may read it."""
        # sudo: the gateway's user need not see queues; only the id is kept
        return self.env[INQUIRY_MODEL].sudo()._citizen_default_queue(company)

    @api.model
    def _citizen_gateway_models(self):
        """The models the gateway may be asked to use as fallback: ours, and
        those of the configured incoming mail servers (what the fetcher
        passes to message_process)."""
        # sudo: which models the fetchers deliver to is configuration only
        servers = self.env["fetchmail.server"].sudo().with_context(active_test=False)
        return {INQUIRY_MODEL} | set(servers.search([]).object_id.mapped("model"))

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _citizen_set_state(self, values):
        """State changes of the action buttons. Staff have no write access
        on dead letters (their content is the gateway's); these buttons
        are open to whoever may read the letter."""
        self.check_access("read")
        # sudo: only the state and result fields, on letters the user may read
        self.sudo().write(values)

    def action_retry(self):
        """Run the kept message through the mail gateway again."""
        self.check_access("read")
        failed = self.browse()
        for letter in self:
            if letter.state != "new":
                raise UserError(self.env._("Only unprocessed e-mails can be retried."))
            if not letter._citizen_retry():
                failed |= letter
        if failed:
            message = self.env._(
                "The e-mail could not be processed: %(error)s",
                error=failed[0].error_message or "",
            )
            notification_type = "warning"
        else:
            message = self.env._("The e-mail was processed.")
            notification_type = "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": notification_type,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _citizen_retry(self):
        self.ensure_one()
        raw = base64.b64decode(self.with_context(bin_size=False).raw_message or b"")
        # A dead letter is citizen mail: a model no fetcher uses is not replayed
        model = self.model
        if model and model not in self._citizen_gateway_models():
            model = INQUIRY_MODEL
        retries = self.retry_count
        with collect_inquiries() as inquiry_ids:
            # sudo: the gateway runs as superuser, like the fetcher's cron. The
            # bytes are those the gateway stored (no user may write a dead
            # letter or its attachment) and the model one a fetcher uses, so
            # the user only replays what the fetcher was given.
            self.env["mail.thread"].sudo().with_context(
                citizen_dead_letter_id=self.id
            ).message_process(model, raw)
        if self.retry_count != retries:
            # In the municipality's language, not the administrator's.
            lang = (self.company_id or self.env.company)._citizen_lang()
            env = self.env(context=dict(self.env.context, lang=lang))
            self.message_post(
                body=env._("Retry failed: %(error)s", error=self.error_message)
            )
            return False
        inquiry = self.env[INQUIRY_MODEL].browse(inquiry_ids[-1:])
        self._citizen_set_state({"state": "retried", "inquiry_id": inquiry.id})
        return True

    def action_resolve(self):
        """Handled by hand (answered, forwarded or discarded)."""
        self.filtered(lambda letter: letter.state == "new")._citizen_set_state(
            {"state": "resolved"}
        )
        return True

    def action_reset(self):
        self.filtered(lambda letter: letter.state == "resolved")._citizen_set_state(
            {"state": "new"}
        )
        return True
