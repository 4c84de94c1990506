from markupsafe import Markup

from odoo import api, fields, models


class CitizenRetentionPreview(models.TransientModel):
    """Dry run of the retention job: what the scheduled action would anonymise."""

    _name = "citizen.retention.preview"
    _description = "Retention Dry Run"

    summary = fields.Html(readonly=True, sanitize=True)
    inquiry_count = fields.Integer(readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        candidates = self.env["citizen.inquiry"]._citizen_retention_candidates()
        values["inquiry_count"] = len(candidates)
        values["summary"] = self._citizen_render_summary(candidates)
        return values

    @api.model
    def _citizen_render_summary(self, inquiries):
        if not inquiries:
            return Markup("<p>%s</p>") % self.env._(
                "Nothing is past its retention period."
            )
        rows = Markup()
        for service, service_inquiries in inquiries.grouped("service_id").items():
            numbers = ", ".join(service_inquiries.sorted("number").mapped("number"))
            rows += Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>") % (
                service.name,
                service.retention_months,
                len(service_inquiries),
                numbers,
            )
        header = Markup("<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>") % (
            self.env._("Service"),
            self.env._("Retention (months)"),
            self.env._("Inquiries"),
            self.env._("Numbers"),
        )
        return Markup('<table class="table table-sm">%s%s</table>') % (header, rows)

    def action_anonymise(self):
        anonymised = self.env["citizen.inquiry"]._cron_citizen_retention()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s inquiries anonymised.", count=len(anonymised)
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
