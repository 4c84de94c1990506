from odoo import api, fields, models

from . import res_lang


class ResCompany(models.Model):
    _inherit = "res.company"

    # Base's partner rule, ('company_id', 'parent_of', company_ids), is
    # resolved on every search and access check of partners by staff: the
    # domain optimizer reads the parent_path of the user's companies, in each
    # request's new cache. Prefetched, that read loaded and converted every
    # column of res.company, a large share of an identity-number lookup.
    # Alone it loads one column. A request that also reads other company
    # fields pays one query more (a primary-key lookup of one row); the
    # lookups the front desk makes while the citizen waits (by number, by
    # name, in the citizen field) need nothing else of the company.
    parent_path = fields.Char(prefetch=False)

    citizen_default_queue_id = fields.Many2one(
        "citizen.queue",
        string="Default Inquiry Queue",
        help="Queue receiving inquiries that no rule sends elsewhere "
        "(normally the servicetorg).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._citizen_ensure_inquiry_sequence()
        companies._citizen_generate_public_holidays()
        return companies

    def _citizen_lang(self):
        """The municipality's language, the one the system writes in (chatter
        notes of crons, the mail gateway, users): its partner's language, else
        Bokmål, else the current one, among the active languages."""
        installed = dict(self.env["res.lang"].get_installed())
        # sudo: only the language of the municipality's own partner is read,
        # which whoever works for it, OdooBot or a visitor may know.
        for lang in (self[:1].sudo().partner_id.lang, res_lang.BOKMAL):
            if lang in installed:
                return lang
        return self.env.lang or "en_US"

    def _citizen_ensure_inquiry_sequence(self):
        """Each municipality numbers its inquiries on its own, per year."""
        # Sequences are administrator-only records; creating one per company
        # is configuration, not data the current user could misuse.
        Sequence = self.env["ir.sequence"].sudo()
        existing = set(
            Sequence.search(
                [("code", "=", "citizen.inquiry"), ("company_id", "in", self.ids)]
            ).company_id.ids
        )
        missing = self.filtered(lambda c: c.id not in existing)
        if missing:
            Sequence.create(
                [
                    {
                        "name": f"Citizen inquiry ({company.name})",
                        "code": "citizen.inquiry",
                        "company_id": company.id,
                        "prefix": "HEN-%(range_year)s-",
                        "padding": 5,
                        "use_date_range": True,
                    }
                    for company in missing
                ]
            )
