"""19.0.1.2.0 no longer indexes nine inquiry columns on their own.

- number and partner_id: the unique (number, company_id) constraint and the
  (partner_id, date_received) index lead with them and serve every lookup.
- company_id, is_closed, priority, resolution, channel_id, screening_basis_id
  and is_anonymised: a few values, each on a large share of the inquiries; the
  partial indexes of open inquiries serve the queues and the scheduled jobs.

Odoo keeps an index a field no longer declares, so they are dropped here: each
was written by every new inquiry. The partner phone index Odoo's
phone_validation already keeps replaces citizen_crm's own; that removed
models.Index is dropped by Odoo itself at the end of the update.
"""

from odoo.addons.citizen_crm.hooks import drop_column_indexes

UNINDEXED_COLUMNS = (
    "number",
    "partner_id",
    "company_id",
    "is_closed",
    "priority",
    "resolution",
    "channel_id",
    "screening_basis_id",
    "is_anonymised",
)


def migrate(cr, version):
    drop_column_indexes(cr, "citizen_inquiry", UNINDEXED_COLUMNS)
