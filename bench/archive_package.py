#!/usr/bin/env python3
"""Time the build of the archive packages of a case (issue 18).

Creates, in a database with citizen_crm (bench_archive, installed when
missing), a case with one inquiry holding ``--entries`` documents (the
citizen's e-mails, every other one with an attachment, and the replies), then
times ``citizen.archive.transfer._citizen_queue``: the case folder and one
registry entry per document, each with the PDF of its message rendered by
wkhtmltopdf, zipped with its files. Each run is rolled back, so every run
builds everything; the median of ``--runs`` runs is the figure. Nothing is
kept in the database. Run it through ``bench/archive_package``.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import psycopg2


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="bench/archive_package",
        description="Time the arkivmelding package build for a case (issue 18).",
    )
    parser.add_argument("--odoo-conf", required=True, help=argparse.SUPPRESS)
    parser.add_argument("--odoo-bin", required=True, help=argparse.SUPPRESS)
    parser.add_argument(
        "--db", default="bench_archive", help="database (default bench_archive)"
    )
    parser.add_argument(
        "--entries", type=int, default=20, help="registry entries (default 20)"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="use the database as it is when it exists (default: reinstall)",
    )
    return parser.parse_args(argv)


def database_exists(dbname):
    from odoo.sql_db import connection_info_for

    _db, info = connection_info_for("postgres")
    conn = psycopg2.connect(**info)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
            return bool(cur.fetchone())
    finally:
        conn.close()


def build_case(env, entries):
    """A case with one inquiry holding ``entries`` documents."""
    caseworker = env.ref("base.user_admin")
    queue = env["citizen.queue"].create(
        {
            "name": "Byggesak (bench)",
            "code": "BENCH",
            "member_ids": [(4, caseworker.id)],
        }
    )
    citizen = env["res.partner"].create(
        {
            "name": "Ola Nordmann",
            "is_citizen": True,
            "street": "Storgata 1",
            "zip": "0155",
            "city": "Oslo",
            "email": "ola@example.no",
        }
    )
    case = env["citizen.case"].create({"title": "Garasje", "partner_id": citizen.id})
    inquiry = env["citizen.inquiry"].create(
        {
            "partner_id": citizen.id,
            "name": "Søknad om garasje",
            "queue_id": queue.id,
            "user_id": caseworker.id,
            "case_id": case.id,
        }
    )
    body = "<p>" + "Jeg søker om å bygge en garasje på tomten. " * 40 + "</p>"
    for index in range(entries):
        if index % 2:
            inquiry.with_user(caseworker).message_post(
                body=body,
                subject=f"Svar {index}",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        else:
            inquiry.message_post(
                body=body,
                subject=f"Ettersending {index}",
                message_type="email",
                subtype_xmlid="mail.mt_comment",
                author_id=citizen.id,
                attachments=[(f"tegning-{index}.png", b"\x89PNG" + b"0" * 20000)],
            )
    return case.with_user(caseworker), inquiry.with_user(caseworker)


class Rollback(Exception):
    pass


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    import odoo  # noqa: F401
    from odoo.tools import config

    config.parse_config(["-c", args.odoo_conf, "--log-level=warn"], setup_logging=True)
    if not (args.reuse_db and database_exists(args.db)):
        print(f"installing citizen_crm into {args.db}", file=sys.stderr, flush=True)
        subprocess.run(
            [
                os.path.join(os.environ.get("PG_BINDIR", ""), "dropdb"),
                "--if-exists",
                args.db,
            ],
            check=False,
        )
        subprocess.run(
            [
                sys.executable,
                args.odoo_bin,
                "-c",
                args.odoo_conf,
                "-d",
                args.db,
                "-i",
                "citizen_crm",
                "--stop-after-init",
                "--log-level=warn",
                "--no-http",
            ],
            check=True,
        )
    from odoo import SUPERUSER_ID, api
    from odoo.addons.base.models.ir_actions_report import _wkhtml
    from odoo.modules.registry import Registry

    registry = Registry(args.db)
    timings, counts = [], []
    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"lang": "en_US", "tracking_disable": True}
        )
        case, inquiry = build_case(env, args.entries)
        env.flush_all()
        Transfer = env["citizen.archive.transfer"].with_env(case.env)
        for _run in range(args.runs):
            try:
                with cr.savepoint():
                    start = time.perf_counter()
                    transfers = Transfer._citizen_queue(case, inquiry)
                    case.env.flush_all()
                    timings.append(time.perf_counter() - start)
                    counts.append(len(transfers))
                    raise Rollback
            except Rollback:
                case.env.invalidate_all()
        cr.rollback()
    wkhtml = _wkhtml()
    print(
        f"wkhtmltopdf {wkhtml.version} "
        f"({'patched' if wkhtml.is_patched_qt else 'unpatched'} Qt)"
    )
    print(
        f"arkivmelding packages of a case with {args.entries} registry entries "
        f"({counts[0]} packages, PDFs included), {args.runs} runs:"
    )
    print("  runs (s): " + ", ".join(f"{t:.2f}" for t in timings))
    print(f"  median: {statistics.median(timings):.2f} s (target <= 2 s)")


if __name__ == "__main__":
    main()
