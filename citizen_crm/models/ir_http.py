"""The citizen pages (the web form, the tracking link, the portal) in the
municipality's language."""

from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _match(cls, path):
        """An anonymous visitor's context holds the browser's language (or
        English without one), which Odoo's frontend routing takes over the
        default language (_get_default_lang: Odoo's default for new contacts,
        the municipality's language since the installation). Citizen pages
        open in the municipality's language, unless the visitor chose
        another: the language in the URL (/en/...) or the cookie the language
        selector leaves. Logged-in users have theirs (res.partner.lang); the
        backend pages keep Odoo's choice."""
        if hasattr(request, "is_frontend") or request.session.uid:
            return super()._match(path)
        visitor_lang = request.env.context.get("lang")
        default_lang = cls._get_default_lang().code
        if default_lang:
            request.update_context(lang=default_lang)
        rule, args = super()._match(path)
        if not request.is_frontend and visitor_lang:
            request.update_context(lang=visitor_lang)
        return rule, args
