"""Where citizen_crm's time per new e-mail goes: intake with balanced
assignment and the acknowledgement, with one of them, and with neither.

Run it on a database the benchmark kept (``bench/run ... --keep-db``), e.g.::

    python3 bench/breakdown.py --odoo-conf .local/odoo.conf --db bench_citizen

Each variant feeds ``--mails`` new mails from known citizens to the front
line's mailbox through ``message_process`` with a commit each, as bench/run
does, and prints the median time and the queries of one mail. The queues'
assignment method is set to balanced or manual for each variant and set back
afterwards; the acknowledgement is switched off by replacing its method
for the run (nothing is changed in the database for it). The mails stay in the
database like those of bench/run.
"""

import argparse
import os
import statistics
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--odoo-conf", required=True)
    parser.add_argument("--db", default="bench_citizen")
    parser.add_argument("--mails", type=int, default=30)
    return parser.parse_args(argv)


def run_variant(registry, mails, without_ack, without_assignment):
    from run import build_mail

    from odoo import SUPERUSER_ID, api
    from odoo.addons.citizen_crm.models.citizen_inquiry_mail import (
        CitizenInquiryMail as CitizenInquiry,
    )

    original_ack = CitizenInquiry._citizen_send_acknowledgement
    if without_ack:
        CitizenInquiry._citizen_send_acknowledgement = lambda self, msg_dict, **kw: (
            False
        )
    times, queries = [], []
    with registry.cursor() as cr:
        env = api.Environment(
            cr,
            SUPERUSER_ID,
            {
                "lang": "en_US",
                "tz": "Europe/Oslo",
                "fetchmail_cron_running": True,
                "mail_notify_force_send": False,
            },
        )
        queues = env["citizen.queue"].search([])
        methods = {queue: queue.assignment_method for queue in queues}
        try:
            queues.write(
                {"assignment_method": "none" if without_assignment else "balanced"}
            )
            cr.commit()
            cr.execute(
                "SELECT name, email FROM res_partner "
                "WHERE email LIKE '%%@innbygger.example.no' "
                "ORDER BY random() LIMIT %s",
                (mails,),
            )
            for name, email in cr.fetchall():
                raw = build_mail(
                    name,
                    email,
                    "servicetorg@bench.example.com",
                    "Spørsmål om byggesøknad",
                    f"<breakdown-{uuid.uuid4().hex}@example.org>",
                )
                count0 = cr.sql_log_count
                start = time.perf_counter()
                env["mail.thread"].sudo().message_process(False, raw)
                cr.commit()
                times.append((time.perf_counter() - start) * 1000)
                queries.append(cr.sql_log_count - count0)
        finally:
            CitizenInquiry._citizen_send_acknowledgement = original_ack
            for queue, method in methods.items():
                queue.assignment_method = method
            cr.commit()
    # the first mails warm the caches up
    return statistics.median(times[3:] or times), queries[-1]


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    from odoo.tools import config

    config.parse_config(["-c", args.odoo_conf, "--log-level=warn"], setup_logging=True)
    from odoo.modules.registry import Registry

    registry = Registry(args.db)
    print(f"{args.db}: {args.mails} new mails per variant")
    print(f"{'variant':40} {'median ms':>10} {'queries':>8}")
    for label, without_ack, without_assignment in (
        ("balanced assignment and acknowledgement", False, False),
        ("balanced assignment, no acknowledgement", True, False),
        ("acknowledgement, manual assignment", False, True),
        ("neither", True, True),
    ):
        median, queries = run_variant(
            registry, args.mails, without_ack, without_assignment
        )
        print(f"{label:40} {median:10.1f} {queries:8d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
