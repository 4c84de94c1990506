from odoo import fields, models

from .citizen_audit_log import LOG_IDENTITY_SEARCHES


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    citizen_log_identity_searches = fields.Boolean(
        string="Log identity-number searches",
        config_parameter=LOG_IDENTITY_SEARCHES,
        help="Write every search by a full identity number to the audit trail, "
        "with the user, the time and the address, also when it finds nobody. "
        "Each search then also writes, which makes it about 1 ms slower.",
    )

    def set_values(self):
        Audit = self.env["citizen.audit.log"]
        before = Audit._identity_searches_logged()
        super().set_values()
        after = Audit._identity_searches_logged()
        if after != before:
            # Who switched the logging of searches on or off is itself audited.
            Audit._log(
                "change",
                self,
                field_names=["citizen_log_identity_searches"],
                description=(
                    "Logging of identity-number searches switched on"
                    if after
                    else "Logging of identity-number searches switched off"
                ),
            )
