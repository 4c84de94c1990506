import logging

from odoo.tools import sql

_logger = logging.getLogger(__name__)


def post_init_hook(env):
    """Number inquiries per municipality from the start, and give every
    company a default (servicetorg) queue."""
    companies = env["res.company"].search([])
    companies._citizen_ensure_inquiry_sequence()
    servicetorg = env.ref(
        "citizen_crm.citizen_queue_servicetorg", raise_if_not_found=False
    )
    if servicetorg:
        for company in companies.filtered(lambda c: not c.citizen_default_queue_id):
            if servicetorg.company_id == company:
                company.citizen_default_queue_id = servicetorg


def uninstall_hook(env):
    """Drop the audit trail's database function: Odoo drops the module's
    tables, but knows nothing of functions."""
    env.cr.execute(
        "DROP FUNCTION IF EXISTS citizen_audit_identity_search("
        "text[], integer, varchar, timestamp, varchar)"
    )


def drop_column_indexes(cr, table, columns):
    """Drop the indexes Odoo made for ``columns`` of ``table`` (index=True)
    once the fields no longer declare them: Odoo keeps such an index, so a
    version's post-migration drops it."""
    for column in columns:
        name = sql.make_index_name(table, column)
        if sql.index_exists(cr, name):
            sql.drop_index(cr, name, table)
            _logger.info("Dropped index %s, no longer used", name)
