"""19.0.1.1.0 no longer indexes three partner columns on their own.

- national_id: the unique (national_id, company) index serves every lookup.
- is_citizen: nearly every partner of a municipality is a citizen.
- citizen_anonymised: never searched.

Odoo keeps an index a field no longer declares, so they are dropped here; each
was read by the planner and written on every change of a partner. The removed
models.Index (five trigram indexes now one, the partial e-mail index) are
dropped by Odoo itself at the end of the update, with their constraint records.
"""

from odoo.addons.citizen_crm.hooks import drop_column_indexes

UNINDEXED_COLUMNS = ("national_id", "is_citizen", "citizen_anonymised")


def migrate(cr, version):
    drop_column_indexes(cr, "res_partner", UNINDEXED_COLUMNS)
