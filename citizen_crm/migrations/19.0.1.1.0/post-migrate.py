"""19.0.1.1.0 no longer indexes three partner columns on their own.

- national_id: the unique (national_id, company) index serves every lookup.
- is_citizen: nearly every partner of a municipality is a citizen.
- citizen_anonymised: never searched.

Odoo keeps an index a field no longer declares, so they are dropped here; each
was read by the planner and written on every change of a partner. The removed
models.Index (five trigram indexes now one, the partial e-mail index) are
dropped by Odoo itself at the end of the update, with their constraint records.
"""

import logging

from odoo.tools import sql

_logger = logging.getLogger(__name__)

UNINDEXED_COLUMNS = ("national_id", "is_citizen", "citizen_anonymised")


def migrate(cr, version):
    for column in UNINDEXED_COLUMNS:
        name = sql.make_index_name("res_partner", column)
        if sql.index_exists(cr, name):
            sql.drop_index(cr, name, "res_partner")
            _logger.info("Dropped index %s, no longer used", name)
