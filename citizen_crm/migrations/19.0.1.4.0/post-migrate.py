"""19.0.1.4.0

One language field: a citizen's language is Odoo's own res.partner.lang, the
one Odoo renders mails, documents and the portal in; the addon's
preferred_language selection is gone.

1. Bokmål and Nynorsk are activated (Nynorsk created: Odoo does not ship it),
   and Bokmål becomes the language of new contacts and of the municipalities
   still in Odoo's default English, as on a new installation.
2. The old values move to lang: nb to nb_NO, nn to nn_NO, en to en_US unless
   the partner already has an English lang. Northern Sami and "other" have no
   Odoo language: those partners keep their lang (their acknowledgements were
   Bokmål and English), and each gets a note saying what they had chosen.
3. The old column is dropped, its values moved.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL, sql

_logger = logging.getLogger(__name__)

LANGS = {"nb": "nb_NO", "nn": "nn_NO", "en": "en_US"}
UNMAPPED = {"sme": "Northern Sami", "other": "another language"}
NOTE = (
    "On the update to version 19.0.1.4.0 the citizen's preferred language "
    "was %s, which Odoo has no language for: the language field was left as "
    "it was."
)


def _move_values(env):
    cr = env.cr
    for old, lang in LANGS.items():
        condition = SQL(
            "preferred_language = %s AND lang IS DISTINCT FROM %s", old, lang
        )
        if old == "en":
            condition = SQL("%s AND coalesce(lang, '') NOT LIKE 'en\\_%%'", condition)
        cr.execute(SQL("UPDATE res_partner SET lang = %s WHERE %s", lang, condition))
        _logger.info("%s partners now have the language %s", cr.rowcount, lang)
    for old, label in UNMAPPED.items():
        cr.execute("SELECT id FROM res_partner WHERE preferred_language = %s", [old])
        partners = env["res.partner"].browse(row[0] for row in cr.fetchall())
        for partner in partners:
            partner._message_log(body=NOTE % label)
        _logger.info("%s partners preferred %s: noted", len(partners), label)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.lang"]._citizen_install_municipal_languages()
    if sql.column_exists(cr, "res_partner", "preferred_language"):
        _move_values(env)
        cr.execute("ALTER TABLE res_partner DROP COLUMN preferred_language")
    env.invalidate_all()
