from odoo import fields, models

from .citizen_inquiry_mail import DEFAULT_ANSWER_DAYS
from .citizen_mail_dead_letter import DEFAULT_MAX_SIZE_MB, DEFAULT_TIME_BUDGET_S


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
