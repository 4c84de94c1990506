"""19.0.1.3.0 renames res.company's scheduled method for the public holidays
from _citizen_cron_generate_public_holidays to
_cron_citizen_generate_public_holidays: cron methods are named _cron_*.

The cron record is noupdate, so Odoo does not reload its code from
data/ir_cron_data.xml: the call is renamed here, in that cron and in any
other server action an administrator wrote with it.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

RENAMED_METHODS = {
    "_citizen_cron_generate_public_holidays": "_cron_citizen_generate_public_holidays",
}


def migrate(cr, version):
    for old, new in RENAMED_METHODS.items():
        cr.execute(
            SQL(
                "UPDATE ir_act_server SET code = replace(code, %s, %s) "
                "WHERE strpos(code, %s) > 0",
                f".{old}(",
                f".{new}(",
                f".{old}(",
            )
        )
        if cr.rowcount:
            _logger.info("Renamed %s to %s in %s server actions", old, new, cr.rowcount)
