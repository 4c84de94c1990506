import json

from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    def _citizen_record_of_processing(self):
        """The record of processing (GDPR art. 30) of citizen_crm for one
        municipality, built from its service catalogue."""
        self.ensure_one()
        _ = self.env._
        # The catalogue is public information; read it whole for the record.
        services = (
            self.env["citizen.service"]
            .sudo()
            .search(
                [("company_id", "in", [self.id, False])], order="sequence, name, id"
            )
        )
        return {
            "controller": self.name,
            "system": "citizen_crm (Odoo)",
            "purpose": _(
                "Registering, answering and forwarding citizens' inquiries to the "
                "municipality's one-stop service centre and back office; statistics."
            ),
            "data_subjects": _(
                "Citizens and their contacts; the municipality's staff."
            ),
            "recipients": _(
                "The municipality's staff by role; the archive system (Noark 5) for "
                "case documents. No other recipients."
            ),
            "transfers": _("None."),
            "security": _(
                "Role-based access; confidential inquiries visible to the handling "
                "queue and supervisors only; identity numbers masked and protected "
                "addresses held apart for the privacy officer; audit trail of views, "
                "exports and changes; anonymisation after each service's retention "
                "period."
            ),
            "services": [
                {
                    "name": service.name,
                    "purpose": service.processing_purpose or "",
                    "legal_basis": service.legal_basis or "",
                    "categories": service.personal_data_categories or "",
                    "special_categories": service.special_categories,
                    "retention": _(
                        "%(months)s months after closing",
                        months=service.retention_months,
                    )
                    if service.retention_months
                    else _("Until erasure"),
                }
                for service in services
            ],
        }

    def action_citizen_record_of_processing(self):
        return self.env.ref(
            "citizen_crm.citizen_record_of_processing_report"
        ).report_action(self.env.company)

    def _citizen_record_of_processing_json(self):
        return json.dumps(
            self._citizen_record_of_processing(), ensure_ascii=False, indent=2
        )
