"""The languages of a Norwegian municipality: Bokmål and Nynorsk, the two
written forms of Norwegian, active so that a citizen's language
(res.partner.lang) and the citizen pages can be either."""

from odoo import api, models

BOKMAL = "nb_NO"
NYNORSK = "nn_NO"
MUNICIPAL_LANGUAGES = (BOKMAL, NYNORSK)
# Odoo ships Bokmål (base.lang_nb_NO) but not Nynorsk: it is made as Odoo
# makes Bokmål, with the Norwegian formats.
NYNORSK_VALUES = {
    "name": "Norwegian Nynorsk / Norsk nynorsk",
    "code": NYNORSK,
    "iso_code": "nn",
    "url_code": "nn",
    "direction": "ltr",
    "grouping": "[3,0]",
    "decimal_point": ",",
    "thousands_sep": "\xa0",
    "date_format": "%d.%m.%Y",
    "time_format": "%H:%M:%S",
    "week_start": "1",
}


class ResLang(models.Model):
    _inherit = "res.lang"

    @api.model
    def _citizen_install_municipal_languages(self):
        """Activate Bokmål and Nynorsk (creating Nynorsk), with the
        translations of the installed modules; make Bokmål the language of
        new contacts and of the municipalities still in Odoo's default
        English, as the database was created."""
        Lang = self.with_context(active_test=False)
        if not Lang.search_count([("code", "=", NYNORSK)]):
            Lang.create(dict(NYNORSK_VALUES, active=False))
        for code in MUNICIPAL_LANGUAGES:
            Lang._activate_and_install_lang(code)
        IrDefault = self.env["ir.default"]
        if IrDefault._get("res.partner", "lang") in (None, "en_US"):
            IrDefault.set("res.partner", "lang", BOKMAL)
        companies = self.env["res.company"].search([])
        companies.partner_id.filtered(lambda p: p.lang in (False, "en_US")).write(
            {"lang": BOKMAL}
        )
