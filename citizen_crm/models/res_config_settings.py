from odoo import fields, models

from .citizen_archive_transfer import (
    DEFAULT_ARCHIVE_PART,
    PARAM_ARCHIVE_PART,
    PARAM_INBOX,
    PARAM_INQUIRY_RECORD,
    PARAM_OUTBOX,
    PARAM_TRANSPORT,
    TRANSPORTS,
)
from .citizen_audit_log import LOG_IDENTITY_SEARCHES
from .citizen_inquiry_mail import DEFAULT_ANSWER_DAYS
from .citizen_mail_dead_letter import DEFAULT_MAX_SIZE_MB, DEFAULT_TIME_BUDGET_S
from .citizen_register_client import (
    CLIENT_ID_PARAM,
    DEFAULT_FREG_SCOPE,
    DEFAULT_KRR_SCOPE,
    DEFAULT_REFRESH_DAYS,
    DEFAULT_TOKEN_URL,
    FREG_SCOPE_PARAM,
    FREG_URL_PARAM,
    KEY_ID_PARAM,
    KRR_SCOPE_PARAM,
    KRR_URL_PARAM,
    PRIVATE_KEY_PARAM,
    REFRESH_DAYS_PARAM,
    TOKEN_URL_PARAM,
)
from .mail_thread_gateway import (
    AUTH_SERVERS_PARAM,
    DEFAULT_SENDER_POLICY,
    SENDER_POLICY_PARAM,
)


class ResConfigSettings(models.TransientModel):
    """Settings > Citizen CRM: one block per section below, in the order of
    the form (views/res_config_settings_views.xml)."""

    _inherit = "res.config.settings"

    # ------------------------------------------------------------
    # Inquiries
    # ------------------------------------------------------------

    citizen_default_queue_id = fields.Many2one(
        related="company_id.citizen_default_queue_id",
        readonly=False,
        domain="[('company_id', '=', company_id)]",
    )

    # ------------------------------------------------------------
    # Routing and deadlines
    # ------------------------------------------------------------

    citizen_sla_risk_percent = fields.Integer(
        related="company_id.citizen_sla_risk_percent", readonly=False
    )
    citizen_legal_reminder_days = fields.Integer(
        related="company_id.citizen_legal_reminder_days", readonly=False
    )
    citizen_resource_calendar_id = fields.Many2one(
        related="company_id.resource_calendar_id",
        string="Working Hours",
        readonly=False,
    )

    # ------------------------------------------------------------
    # E-mail intake (system parameters, read by the mail gateway)
    # ------------------------------------------------------------

    citizen_mail_max_size_mb = fields.Integer(
        string="Maximum e-mail size (MB)",
        config_parameter="citizen_crm.mail_max_size_mb",
        default=DEFAULT_MAX_SIZE_MB,
        help="Larger e-mails are not processed but kept as unprocessed e-mails. "
        "0: no limit.",
    )
    citizen_mail_parse_timeout_s = fields.Float(
        string="E-mail processing time budget (s)",
        config_parameter="citizen_crm.mail_parse_timeout_s",
        default=DEFAULT_TIME_BUDGET_S,
        help="An e-mail that takes longer to read and register is stopped and "
        "kept as an unprocessed e-mail. 0: no budget.",
    )
    citizen_mail_answer_days = fields.Integer(
        string="Expected answer time (days)",
        config_parameter="citizen_crm.mail_answer_days",
        default=DEFAULT_ANSWER_DAYS,
        help="Answer date promised in the acknowledgement of an e-mail whose "
        "service has no target resolution time.",
    )
    citizen_mail_sender_policy = fields.Selection(
        [
            ("off", "Off: trust the From address"),
            ("protected", "Strict for protected citizens"),
            ("all", "Strict for everyone"),
        ],
        string="Sender verification",
        config_parameter=SENDER_POLICY_PARAM,
        default=DEFAULT_SENDER_POLICY,
        help="Whether the From address of an e-mail may link it to a citizen and "
        "to their earlier inquiries. Strict: only when our mail server confirms "
        "the sender (DMARC, or DKIM or SPF of the sender's domain, in the "
        "Authentication-Results header); otherwise the e-mail becomes a new "
        "inquiry without a citizen. A failed check counts under both strict "
        "settings, a missing one only for protected citizens under the first.",
    )
    citizen_mail_auth_servers = fields.Char(
        string="Trusted authentication servers",
        config_parameter=AUTH_SERVERS_PARAM,
        help="The authserv-ids our own mail servers write in Authentication-Results "
        "headers, comma-separated (e.g. mx.kommune.no). Empty: the topmost header "
        "is trusted, which is safe only if the server delivering to the fetched "
        "mailbox adds one to every e-mail.",
    )

    # ------------------------------------------------------------
    # Privacy
    # ------------------------------------------------------------

    citizen_log_identity_searches = fields.Boolean(
        string="Log identity-number searches",
        config_parameter=LOG_IDENTITY_SEARCHES,
        help="Write every search by a full identity number to the audit trail, "
        "with the user, the time and the address, also when it finds nobody. "
        "Each search then also writes, which makes it about 1 ms slower.",
    )

    # ------------------------------------------------------------
    # National registers (Maskinporten, Folkeregisteret, KRR)
    # ------------------------------------------------------------

    citizen_maskinporten_token_url = fields.Char(
        string="Maskinporten token URL",
        config_parameter=TOKEN_URL_PARAM,
        default=DEFAULT_TOKEN_URL,
    )
    citizen_maskinporten_client_id = fields.Char(
        string="Maskinporten client id", config_parameter=CLIENT_ID_PARAM
    )
    citizen_maskinporten_key_id = fields.Char(
        string="Key id (kid)",
        config_parameter=KEY_ID_PARAM,
        help="The id Maskinporten knows the organisation's public key by.",
    )
    # System parameters are readable by administrators only (ir.config_parameter).
    citizen_maskinporten_private_key = fields.Char(
        string="Private key (PEM)",
        config_parameter=PRIVATE_KEY_PARAM,
        groups="base.group_system",
        help="The RSA private key the JWT grants are signed with, in PEM.",
    )
    citizen_folkeregister_url = fields.Char(
        string="Folkeregister API",
        config_parameter=FREG_URL_PARAM,
        help="The base URL of the rights package, e.g. "
        "https://folkeregisteret.api.skatteetaten.no/folkeregisteret/"
        "offentlig-med-hjemmel. Empty: no refresh from the API.",
    )
    citizen_folkeregister_scope = fields.Char(
        string="Folkeregister scope",
        config_parameter=FREG_SCOPE_PARAM,
        default=DEFAULT_FREG_SCOPE,
    )
    citizen_krr_url = fields.Char(
        string="KRR lookup API",
        config_parameter=KRR_URL_PARAM,
        help="e.g. https://krr.digdir.no/rest/v1/personer. Empty: no KRR lookups.",
    )
    citizen_krr_scope = fields.Char(
        string="KRR scope", config_parameter=KRR_SCOPE_PARAM, default=DEFAULT_KRR_SCOPE
    )
    citizen_register_refresh_days = fields.Integer(
        string="Refresh window (days)",
        config_parameter=REFRESH_DAYS_PARAM,
        default=DEFAULT_REFRESH_DAYS,
        help="The daily jobs refresh the citizens who had an inquiry in this many "
        "last days.",
    )

    # ------------------------------------------------------------
    # Archive hand-over (Fiks Arkiv)
    # ------------------------------------------------------------

    citizen_archive_transport = fields.Selection(
        TRANSPORTS,
        string="Archive transport",
        config_parameter=PARAM_TRANSPORT,
        default="folder",
        help="How packages reach the archive. Folder: written to the outbox "
        "folder, receipts read from the inbox folder.",
    )
    citizen_archive_outbox = fields.Char(
        string="Archive outbox folder",
        config_parameter=PARAM_OUTBOX,
        help="Folder the packages are written to (one <package id>.zip each), "
        "on this server.",
    )
    citizen_archive_inbox = fields.Char(
        string="Archive receipt folder",
        config_parameter=PARAM_INBOX,
        help="Folder the archive writes its receipts to (<package id>.xml).",
    )
    citizen_archive_inquiry_record = fields.Boolean(
        string="Archive the inquiry's own record",
        config_parameter=PARAM_INQUIRY_RECORD,
        help="Hand over each inquiry's own record (channel, subject, "
        "description, resolution) as an internal registry entry (X), beside "
        "its mail and letters.",
    )
    citizen_archive_part = fields.Char(
        string="Archive part for inquiries without a case",
        config_parameter=PARAM_ARCHIVE_PART,
        default=DEFAULT_ARCHIVE_PART,
        help="The archive part (arkivdel) the registry entries of an inquiry "
        "without a case are filed in.",
    )

    # ------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------

    def set_values(self):
        Audit = self.env["citizen.audit.log"]
        before = Audit._citizen_identity_searches_logged()
        super().set_values()
        after = Audit._citizen_identity_searches_logged()
        if after != before:
            # Who switched the logging of searches on or off is itself audited.
            Audit._citizen_log(
                "change",
                self,
                field_names=["citizen_log_identity_searches"],
                description=(
                    "Logging of identity-number searches switched on"
                    if after
                    else "Logging of identity-number searches switched off"
                ),
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_citizen_generate_public_holidays(self):
        self.ensure_one()
        created = self.company_id._citizen_generate_public_holidays()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s public holidays added.", count=len(created)
                ),
            },
        }
