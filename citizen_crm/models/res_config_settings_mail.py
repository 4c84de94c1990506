from odoo import fields, models

from .citizen_inquiry_mail import DEFAULT_ANSWER_DAYS
from .citizen_mail_dead_letter import DEFAULT_MAX_SIZE_MB, DEFAULT_TIME_BUDGET_S
from .mail_thread_gateway import (
    AUTH_SERVERS_PARAM,
    DEFAULT_SENDER_POLICY,
    SENDER_POLICY_PARAM,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

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
