#!/usr/bin/env python3
"""Benchmark citizen_crm against OCA helpdesk_mgmt on the same machine.

Builds two databases with identical settings (bench_citizen with citizen_crm,
bench_helpdesk with helpdesk_mgmt), does the same work on both and prints one
table with each figure and the ratio citizen_crm / helpdesk_mgmt:

1. new e-mails to a queue/team mailbox through ``message_process``, one commit
   each as the mail fetcher does (median and p95 ms, queries per mail);
2. replies to existing inquiries/tickets (same figures);
3. counter registration through the counter form (``odoo.tests.Form`` on the
   real view), one at a time, and a batch ``create()`` of what the form saves;
4. at full size (SQL-level generator): first list page, kanban, report by
   queue x month, overdue count, identity-number and name lookups, and items
   1 and 2 again;
5. the physical floor: single-row INSERT rate with one commit each.

Run it through ``bench/run`` (it finds Odoo and PostgreSQL like bin/test);
``bench/run --help`` lists the options, bench/README.md explains the figures.
"""

import argparse
import datetime
import importlib.util
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import time
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

import psycopg2

_logger = logging.getLogger("bench")

SMALL = 1000  # size of the "1 k" database: citizens and inquiries before the mails
PHASES = ("intake", "counter", "reads", "intake-large", "floor")
# "large" is short for the two phases at full size
PHASE_ALIASES = {"large": ("reads", "intake-large")}
HELPDESK_INSTALL_HINT = (
    "helpdesk_mgmt (OCA) is not installed for this Python. "
    "Install it beside Odoo with:\n"
    "    {python} -m pip install --no-deps odoo-addon-helpdesk-mgmt\n"
    "or run the benchmark with --skip-helpdesk."
)


def log(message, *args):
    print(
        f"[{datetime.datetime.now():%H:%M:%S}] "
        + (message % args if args else message),
        file=sys.stderr,
        flush=True,
    )


# ---------------------------------------------------------------------------
# options, Odoo and databases
# ---------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="bench/run",
        description="Benchmark citizen_crm against OCA helpdesk_mgmt (issue 6).",
    )
    parser.add_argument("--odoo-conf", required=True, help=argparse.SUPPRESS)
    parser.add_argument("--odoo-bin", required=True, help=argparse.SUPPRESS)
    size = parser.add_argument_group("sizes")
    size.add_argument(
        "--inquiries",
        type=int,
        default=1_000_000,
        help="inquiries/tickets at full size (default 1,000,000)",
    )
    size.add_argument(
        "--citizens",
        type=int,
        default=500_000,
        help="citizens/partners at full size (default 500,000)",
    )
    size.add_argument(
        "--mails",
        type=int,
        default=1000,
        help="new e-mails per intake run (default 1,000)",
    )
    size.add_argument(
        "--replies", type=int, default=300, help="replies per intake run (default 300)"
    )
    size.add_argument(
        "--assigned-mails",
        type=int,
        default=200,
        help="new e-mails per intake run with balanced assignment on, for the "
        "products that have it (default 200; 0 skips them)",
    )
    size.add_argument(
        "--counter",
        type=int,
        default=100,
        help="one-at-a-time counter registrations (default 100)",
    )
    size.add_argument(
        "--batch",
        type=int,
        default=1000,
        help="counter registrations in the batch create (default 1,000)",
    )
    size.add_argument(
        "--runs",
        type=int,
        default=15,
        help="repetitions of each read measurement at least; the median is "
        "shown (default 15)",
    )
    size.add_argument(
        "--read-seconds",
        type=float,
        default=2.0,
        help="repeat each read (up to 500 times) until one product has spent "
        "this long in it (default 2 s), so that fast reads get many runs",
    )
    size.add_argument(
        "--floor",
        type=int,
        default=2000,
        help="single-row INSERTs for the physical floor (default 2,000)",
    )
    run = parser.add_argument_group("what to run")
    run.add_argument(
        "--only",
        default=",".join(PHASES),
        help=f"comma-separated phases among {', '.join(PHASES)}, or large for "
        "reads,intake-large (default: all)",
    )
    run.add_argument(
        "--skip-helpdesk",
        action="store_true",
        help="measure citizen_crm only (no helpdesk_mgmt database, no ratios)",
    )
    run.add_argument(
        "--keep-db",
        action="store_true",
        help="keep bench_citizen and bench_helpdesk after the run",
    )
    run.add_argument(
        "--reuse-db",
        action="store_true",
        help="reuse the databases of a previous --keep-db run instead of "
        "rebuilding them (implies --keep-db); data is only added",
    )
    run.add_argument(
        "--db-prefix", default="bench_", help="database name prefix (default bench_)"
    )
    run.add_argument(
        "--json", metavar="PATH", help="also write the figures as JSON to PATH"
    )
    run.add_argument(
        "--pg-option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="PostgreSQL setting for every connection of both products, "
        "e.g. jit=off (default: the server's settings)",
    )
    args = parser.parse_args(argv)
    phases, args.only = args.only.split(","), set()
    for phase in filter(None, (p.strip() for p in phases)):
        args.only.update(PHASE_ALIASES.get(phase, (phase,)))
    unknown = args.only - set(PHASES)
    if unknown:
        parser.error(
            f"unknown phase(s) {', '.join(sorted(unknown))}; "
            f"choose among {', '.join(PHASES)}"
        )
    if args.reuse_db:
        args.keep_db = True
    return args


def helpdesk_addons_dir():
    """Folder holding helpdesk_mgmt (pip puts it in site-packages/odoo/addons),
    or None when it is not installed."""
    try:
        spec = importlib.util.find_spec("odoo.addons.helpdesk_mgmt")
    except ImportError:
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.dirname(next(iter(spec.submodule_search_locations)))


def init_odoo(args, extra_addons):
    import odoo  # noqa: F401
    from odoo.tools import config

    config.parse_config(["-c", args.odoo_conf, "--log-level=warn"], setup_logging=True)
    paths = [path for path in config["addons_path"] if os.path.isdir(path)]
    for path in extra_addons:
        if path not in paths:
            paths.append(path)
    config["addons_path"] = paths
    from odoo.modules.module import initialize_sys_path

    initialize_sys_path()
    return paths


def pg_connect(dbname):
    from odoo.sql_db import connection_info_for

    _db, info = connection_info_for(dbname)
    return psycopg2.connect(**info)


def database_exists(dbname):
    conn = pg_connect("postgres")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
            return bool(cur.fetchone())
    finally:
        conn.close()


def drop_database(dbname):
    conn = pg_connect("postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (dbname,),
            )
            cur.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
    finally:
        conn.close()


def prewarm(products):
    """Load both databases' tables and indexes into PostgreSQL's cache
    (pg_prewarm) before a timed phase, as a server in use has them, so that
    neither product's figures depend on which pages earlier phases happened
    to read. Returns {dbname: MB loaded}, or {} where pg_prewarm is missing
    (then the phases run on whatever the cache holds)."""
    loaded = {}
    for product in products:
        conn = pg_connect(product.dbname)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
                cur.execute(
                    "SELECT coalesce(sum(pg_prewarm(c.oid)), 0) "
                    "* current_setting('block_size')::bigint / 1048576 "
                    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname IN ('public', 'pg_toast') "
                    "AND c.relkind IN ('r', 'i', 't', 'm')"
                )
                loaded[product.dbname] = int(cur.fetchone()[0])
        except psycopg2.Error as error:
            log("%s: not prewarmed (%s)", product.dbname, str(error).strip())
            return {}
        finally:
            conn.close()
    log(
        "prewarmed %s",
        ", ".join(f"{db} {mb:,} MB" for db, mb in loaded.items()),
    )
    return loaded


def build_databases(args, products, addons_path):
    """Install each product in a fresh database, all at the same time."""
    processes = []
    for product in products:
        drop_database(product.dbname)
        log("installing %s into %s", product.module, product.dbname)
        command = [
            sys.executable,
            args.odoo_bin,
            "-c",
            args.odoo_conf,
            f"--addons-path={','.join(addons_path)}",
            "-d",
            product.dbname,
            "-i",
            product.module,
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
        ]
        processes.append((product, subprocess.Popen(command)))
    for product, process in processes:
        if process.wait():
            sys.exit(f"bench: installing {product.module} into {product.dbname} failed")


def pg_settings(dbname):
    conn = pg_connect(dbname)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT name, setting, unit FROM pg_settings WHERE name IN "
                "('shared_buffers', 'work_mem', 'fsync', 'synchronous_commit', "
                "'random_page_cost', 'effective_cache_size', 'jit')"
            )
            settings = {
                name: f"{value}{'' if not unit else ' ' + unit}"
                for name, value, unit in cur.fetchall()
            }
            cur.execute("SHOW server_version")
            settings["server_version"] = cur.fetchone()[0]
            return settings
    finally:
        conn.close()


# ---------------------------------------------------------------------------
# measuring
# ---------------------------------------------------------------------------


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return None
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class Sample:
    """Wall times (ms) and query counts of repeated operations."""

    def __init__(self):
        self.times, self.queries, self.failures = [], [], 0

    def add(self, seconds, queries):
        self.times.append(seconds * 1000)
        self.queries.append(queries)

    def summary(self):
        return {
            "median_ms": statistics.median(self.times) if self.times else None,
            "p95_ms": percentile(self.times, 0.95),
            "queries": statistics.median(self.queries) if self.queries else None,
            "count": len(self.times),
            "failures": self.failures,
        }


class Target:
    """A product under test with its database registry and staff."""

    def __init__(self, product, registry):
        from products import AGENTS, SUPERVISOR

        self.product = product
        self.kind = product.kind
        self.registry = registry
        with registry.cursor() as cr:
            env = self.env(cr)
            self.agent_id = product.user(env, AGENTS[0]).id
            self.supervisor_id = product.user(env, SUPERVISOR).id
            self.company_id = env.company.id

    def env(self, cr, uid=None, context=None):
        """An environment as a web request or the mail fetcher builds it."""
        from odoo import SUPERUSER_ID, api

        base = {"lang": "en_US", "tz": "Europe/Oslo"}
        if uid:
            base["allowed_company_ids"] = [self.company_id]
        base.update(context or {})
        return api.Environment(cr, uid or SUPERUSER_ID, base)

    def user(self, role):
        return self.agent_id if role == "agent" else self.supervisor_id


def interleaved(targets, count):
    """(index, target) pairs taking the products in turn, each going first
    every other time: load from other processes on the machine hits both
    products alike, so the ratios stay fair on a busy machine."""
    for index in range(count):
        for target in targets if index % 2 == 0 else targets[::-1]:
            yield index, target


def measure_reads(targets, plan, runs, seconds=0.0, max_runs=500):
    """Median of the runs of each read, each run a fresh request (new cursor
    and environment, warm registry caches): at least ``runs`` runs, and more,
    up to ``max_runs``, until one product has spent ``seconds`` in it. A
    read of a few milliseconds in both is then timed hundreds of times: its
    median no longer moves with a moment of the machine. (Waiting for both
    would run a 1.6 s read hundreds of times beside an 8 ms one.)"""
    results = {target.kind: {} for target in targets}
    for key, role, operation in plan:
        log("read: %s", key)
        samples = {target.kind: Sample() for target in targets}
        for index, target in interleaved(targets, max_runs):
            if index >= runs and target is targets[0] and index % 2 == 0:
                spent = max(sum(s.times) for s in samples.values()) / 1000
                if spent >= seconds:
                    break
            with target.registry.cursor() as cr:
                env = target.env(cr, target.user(role))
                count0 = cr.sql_log_count
                start = time.perf_counter()
                operation(target, env)
                env.flush_all()
                samples[target.kind].add(
                    time.perf_counter() - start, cr.sql_log_count - count0
                )
                cr.rollback()
        for kind, sample in samples.items():
            summary = sample.summary()
            results[kind][key] = {
                "median_ms": summary["median_ms"],
                "queries": sample.queries[-1],
                "runs": summary["count"],
            }
            # shown as it comes, so a long run can be followed (and stopped)
            log(
                "read: %s %s: %.1f ms, %d queries, %d runs",
                key,
                kind,
                summary["median_ms"],
                sample.queries[-1],
                summary["count"],
            )
    return results


# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------


def record_count(env, product):
    env.cr.execute(f"SELECT COUNT(*) FROM {env[product.record_model]._table}")
    return env.cr.fetchone()[0]


def generated_partner_count(env):
    column = "national_id" if "national_id" in env["res.partner"]._fields else "ref"
    env.cr.execute(f"SELECT COUNT(*) FROM res_partner WHERE {column} ~ '^[0-9]{{11}}$'")
    return env.cr.fetchone()[0]


def ensure_size(target, citizens, records):
    """Grow the database with the SQL-level generator to at least this size;
    returns the seconds it took."""
    from generate import generate

    with target.registry.cursor() as cr:
        env = target.env(cr)
        missing_citizens = max(0, citizens - generated_partner_count(env))
        missing_records = max(0, records - record_count(env, target.product))
        if not (missing_citizens or missing_records):
            return None
        log(
            "%s: generating %d citizens and %d %s",
            target.product.dbname,
            missing_citizens,
            missing_records,
            target.product.record_model,
        )
        start = time.perf_counter()
        generate(env, target.kind, missing_citizens, missing_records)
        elapsed = time.perf_counter() - start
        log("%s: generated in %.0f s", target.product.dbname, elapsed)
    target.registry.clear_all_caches()
    return elapsed


def pick_senders(target, count, rng, used):
    """(name, email) of generated citizens who have not written yet. Both
    databases hold the same generated people, so both get the same senders."""
    with target.registry.cursor() as cr:
        cr.execute(
            "SELECT name, email FROM res_partner "
            "WHERE email LIKE '%%@innbygger.example.no' ORDER BY id"
        )
        candidates = [row for row in cr.fetchall() if row[1] not in used]
    rng.shuffle(candidates)
    chosen = candidates[:count]
    used.update(email for _name, email in chosen)
    return chosen


# ---------------------------------------------------------------------------
# e-mail intake
# ---------------------------------------------------------------------------

MAIL_SUBJECTS = [
    "Spørsmål om byggesøknad gnr. 12 bnr. 345",
    "Søknad om barnehageplass fra august",
    "Klage på brøyting i Storgata",
    "Feil i vedtak om eiendomsskatt",
    "Når tømmes søppeldunken?",
    "Trenger parkeringstillatelse",
    "Status på søknad om startlån",
    "Skoleskyss for min sønn",
]
MAIL_TEXT = (
    "Hei,\n\nJeg skriver angående {subject}. Jeg har sendt inn dokumentasjon "
    "tidligere og lurer på når jeg kan forvente svar, og om dere trenger noe mer "
    "fra meg. Jeg kan nås på telefon på dagtid.\n\nMed vennlig hilsen\n{name}\n"
)


def build_mail(sender_name, sender_email, to, subject, msgid, reply_to_msgid=None):
    """An RFC 2822 message as a mail client sends it (text and HTML parts)."""
    msg = EmailMessage()
    msg["From"] = formataddr((sender_name, sender_email))
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.datetime.now(datetime.UTC))
    msg["Message-ID"] = msgid
    if reply_to_msgid:
        msg["In-Reply-To"] = reply_to_msgid
        msg["References"] = reply_to_msgid
    text = MAIL_TEXT.format(subject=subject.lower(), name=sender_name)
    msg.set_content(text)
    html = "".join(f"<p>{line}</p>" for line in text.split("\n\n"))
    msg.add_alternative(f"<html><body>{html}</body></html>", subtype="html")
    return msg.as_bytes()


def process_mails(targets, mails):
    """Feed each product its raw mails through message_process, in turn, on
    one cursor per product committing after each mail as the mail fetcher does
    (mail/models/fetchmail.py: superuser, ``fetchmail_cron_running``).
    Notifications are queued rather than sent inline so that no SMTP server's
    latency is measured."""
    sessions, samples = {}, {}
    for target in targets:
        cr = target.registry.cursor()
        env = target.env(
            cr,
            context={"fetchmail_cron_running": True, "mail_notify_force_send": False},
        )
        sessions[target.kind] = (cr, env["mail.thread"].sudo())
        samples[target.kind] = Sample()
    try:
        for index, target in interleaved(targets, len(mails[targets[0].kind])):
            cr, thread = sessions[target.kind]
            count0 = cr.sql_log_count
            start = time.perf_counter()
            try:
                thread.message_process(False, mails[target.kind][index])
                cr.commit()
            except Exception:
                _logger.warning(
                    "bench: a mail failed in %s", target.product.dbname, exc_info=True
                )
                cr.rollback()
                samples[target.kind].failures += 1
                continue
            samples[target.kind].add(
                time.perf_counter() - start, cr.sql_log_count - count0
            )
    finally:
        for cr, _thread in sessions.values():
            cr.close()
    summaries = {kind: sample.summary() for kind, sample in samples.items()}
    for kind, summary in summaries.items():
        log(
            "  %s: median %.1f ms, p95 %.1f ms, %s queries, %d failed",
            kind,
            summary["median_ms"] or 0,
            summary["p95_ms"] or 0,
            summary["queries"],
            summary["failures"],
        )
    return summaries


def intake(targets, args, tag, used_senders):
    """``args.mails`` new mails (70 % from known citizens, to the six
    mailboxes) then ``args.replies`` replies to them, on every product."""
    mails, replies = {}, {}
    stamp = int(time.time())
    for target in targets:
        rng = random.Random(f"{tag}-senders")
        known = pick_senders(
            target, int(args.mails * 0.7), rng, used_senders[target.kind]
        )
        new, answers, sent = [], [], []
        for index in range(args.mails):
            position = index // 10 * 7 + index % 10
            if index % 10 < 7 and position < len(known):
                name, email = known[position]
            else:
                name, email = (
                    f"Ny Innbygger {index}",
                    f"ny.{tag}.{stamp}.{index}@example.org",
                )
            subject = f"{MAIL_SUBJECTS[index % len(MAIL_SUBJECTS)]} ({tag} {index})"
            msgid = make_msgid(f"bench-{tag}-{index}", "example.org")
            to = target.product.mailbox(index)
            new.append(build_mail(name, email, to, subject, msgid))
            sent.append((name, email, to, subject, msgid))
        step = max(1, len(sent) // max(args.replies, 1))
        for index, (name, email, to, subject, msgid) in enumerate(
            sent[::step][: args.replies]
        ):
            reply_id = make_msgid(f"bench-re-{tag}-{index}", "example.org")
            answers.append(
                build_mail(name, email, to, f"Re: {subject}", reply_id, msgid)
            )
        mails[target.kind], replies[target.kind] = new, answers
    for target in targets:
        with target.registry.cursor() as cr:
            target.product.set_acknowledgement(target.env(cr), True)
    try:
        log("intake %s: %d new mails per product", tag, args.mails)
        new_results = process_mails(targets, mails)
        log("intake %s: %d replies per product", tag, len(replies[targets[0].kind]))
        reply_results = process_mails(targets, replies)
        results = {
            kind: {"new": new_results[kind], "reply": reply_results[kind]}
            for kind in new_results
        }
        if args.assigned_mails:
            assigned = assigned_intake(targets, args, tag, used_senders)
            for kind, summary in assigned.items():
                results[kind]["new_assigned"] = summary
    finally:
        for target in targets:
            with target.registry.cursor() as cr:
                target.product.set_acknowledgement(target.env(cr), False)
    return results


def assigned_intake(targets, args, tag, used_senders):
    """``args.assigned_mails`` more new mails from known citizens with
    balanced assignment switched on in every queue, for the products that
    assign automatically (helpdesk_mgmt does not); the queues are set back to
    manual afterwards."""
    assigning = []
    for target in targets:
        with target.registry.cursor() as cr:
            if target.product.set_assignment(target.env(cr), "balanced"):
                assigning.append(target)
    if not assigning:
        return {}
    try:
        mails = {}
        for target in assigning:
            rng = random.Random(f"{tag}-assigned")
            known = pick_senders(
                target, args.assigned_mails, rng, used_senders[target.kind]
            )
            mails[target.kind] = [
                build_mail(
                    name,
                    email,
                    target.product.mailbox(index),
                    f"{MAIL_SUBJECTS[index % len(MAIL_SUBJECTS)]} ({tag} a{index})",
                    make_msgid(f"bench-{tag}-a{index}", "example.org"),
                )
                for index, (name, email) in enumerate(known)
            ]
        log(
            "intake %s: %d new mails with balanced assignment (%s)",
            tag,
            args.assigned_mails,
            ", ".join(target.product.label for target in assigning),
        )
        return process_mails(assigning, mails)
    finally:
        for target in assigning:
            with target.registry.cursor() as cr:
                target.product.set_assignment(target.env(cr), "none")


# ---------------------------------------------------------------------------
# counter
# ---------------------------------------------------------------------------


def counter_partners(target, count):
    with target.registry.cursor() as cr:
        cr.execute(
            "SELECT id FROM res_partner WHERE email LIKE '%%@innbygger.example.no' "
            "ORDER BY id LIMIT %s",
            (count,),
        )
        return [row[0] for row in cr.fetchall()]


def counter(targets, args):
    """Counter registrations one at a time through the form (a fresh request
    each: open the form, fill it in, save), then one batch create() of what
    the form saves."""
    from odoo.tests import Form

    partner_ids = {
        t.kind: counter_partners(t, args.counter + args.batch) for t in targets
    }
    forms = {t.kind: Sample() for t in targets}
    saves = {t.kind: Sample() for t in targets}
    log("counter: %d registrations one at a time per product", args.counter)
    for index, target in interleaved(targets, args.counter):
        ids = partner_ids[target.kind]
        with target.registry.cursor() as cr:
            env = target.env(cr, target.agent_id)
            model, view = target.product.counter_form(env)
            partner = env["res.partner"].browse(ids[index % len(ids)])
            count0 = cr.sql_log_count
            start = time.perf_counter()
            form = Form(model, view)
            target.product.fill_counter_form(form, env, partner, index)
            count1 = cr.sql_log_count
            middle = time.perf_counter()
            form.save()
            cr.commit()
            end = time.perf_counter()
            forms[target.kind].add(end - start, cr.sql_log_count - count0)
            saves[target.kind].add(end - middle, cr.sql_log_count - count1)
    results = {}
    for target in targets:
        log("counter: batch of %d in %s", args.batch, target.product.dbname)
        ids = partner_ids[target.kind][args.counter :] or partner_ids[target.kind]
        with target.registry.cursor() as cr:
            env = target.env(cr, target.agent_id)
            partners = list(env["res.partner"].browse(ids[: args.batch]))
            vals_list = target.product.counter_values(env, partners, 100_000)
            model = target.product.counter_form(env)[0]
            cr.commit()
            count0 = cr.sql_log_count
            start = time.perf_counter()
            model.create(vals_list)
            cr.commit()
            elapsed = time.perf_counter() - start
        save = saves[target.kind].summary()
        log(
            "  %s: save median %.1f ms, %s queries; batch %.1f per second",
            target.kind,
            save["median_ms"] or 0,
            save["queries"],
            len(vals_list) / elapsed,
        )
        results[target.kind] = {
            "form": forms[target.kind].summary(),
            "save": save,
            "batch": {
                "per_second": len(vals_list) / elapsed,
                "seconds": elapsed,
                "queries_per_record": (cr.sql_log_count - count0) / len(vals_list),
            },
        }
    return results


# ---------------------------------------------------------------------------
# reads at full size
# ---------------------------------------------------------------------------

NAME_FRAGMENTS = ("kari nordm", "ingrid haug", "lars berg")


def reads(targets, args):
    numbers, phones = {}, {}
    for target in targets:
        with target.registry.cursor() as cr:
            sample = target.product.sample_identity_numbers(target.env(cr), 1000)
            numbers[target.kind] = sample[len(sample) // 2] if sample else "00000000000"
            cr.execute(
                "SELECT phone FROM res_partner WHERE phone LIKE '+47 9%%' "
                "ORDER BY id LIMIT 1 OFFSET 500"
            )
            row = cr.fetchone()
            # typed as people say it, without the country code
            phones[target.kind] = row[0].removeprefix("+47 ") if row else "912 34 567"
    plan = [
        ("list", "agent", lambda t, env: t.product.list_first_page(env)),
        ("kanban", "agent", lambda t, env: t.product.kanban(env)),
        (
            "kanban_progress",
            "agent",
            lambda t, env: t.product.kanban_progress_bars(env),
        ),
        ("report", "supervisor", lambda t, env: t.product.report(env)),
        ("overdue", "agent", lambda t, env: t.product.overdue_count(env)),
        ("queue_overview", "agent", lambda t, env: t.product.queue_overview(env)),
        (
            "identity",
            "agent",
            lambda t, env: t.product.identity_lookup(env, numbers[t.kind]),
        ),
        (
            "identity_name_search",
            "agent",
            lambda t, env: t.product.name_lookup(env, numbers[t.kind]),
        ),
        ("phone", "agent", lambda t, env: t.product.name_lookup(env, phones[t.kind])),
    ]
    for fragment in NAME_FRAGMENTS:
        plan.append(
            (
                f"name:{fragment}",
                "agent",
                lambda t, env, f=fragment: t.product.name_lookup(env, f),
            )
        )
    results = measure_reads(targets, plan, args.runs, args.read_seconds)
    # Logging every identity-number search is a setting (off by default,
    # as in the rows above); its cost gets a row of its own.
    logging_targets = []
    for target in targets:
        with target.registry.cursor() as cr:
            if target.product.set_identity_search_logging(target.env(cr), True):
                logging_targets.append(target)
    try:
        logged = measure_reads(
            logging_targets,
            [
                (
                    "identity_logged",
                    "agent",
                    lambda t, env: t.product.identity_lookup(env, numbers[t.kind]),
                )
            ],
            args.runs,
            args.read_seconds,
        )
    finally:
        for target in logging_targets:
            with target.registry.cursor() as cr:
                target.product.set_identity_search_logging(target.env(cr), False)
    for kind, kind_results in logged.items():
        results[kind].update(kind_results)
    for kind_results in results.values():
        names = [kind_results.pop(f"name:{fragment}") for fragment in NAME_FRAGMENTS]
        kind_results["name"] = {
            "median_ms": statistics.median(r["median_ms"] for r in names),
            "max_ms": max(r["median_ms"] for r in names),
            "queries": names[0]["queries"],
        }
    return results


# ---------------------------------------------------------------------------
# the physical floor
# ---------------------------------------------------------------------------


def floor(dbname, count):
    """Single-row INSERTs of an inquiry-wide row (30 columns), one commit each."""
    conn = pg_connect(dbname)
    try:
        with conn.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_floor")
            cur.execute(
                """CREATE TABLE bench_floor (
                    id serial PRIMARY KEY,
                    company_id int, partner_id int, channel_id int,
                    service_id int, queue_id int, stage_id int, user_id int,
                    create_uid int, write_uid int,
                    number varchar, name varchar, partner_name varchar,
                    partner_email varchar, partner_phone varchar, priority varchar,
                    resolution varchar, description text,
                    active bool, is_closed bool, is_confidential bool,
                    date_received timestamp, date_deadline timestamp,
                    create_date timestamp, write_date timestamp,
                    first_contact_rate float8)"""
            )
            conn.commit()
            times = []
            total_start = time.perf_counter()
            for index in range(count):
                start = time.perf_counter()
                cur.execute(
                    """INSERT INTO bench_floor (company_id, partner_id, channel_id,
                    service_id, queue_id, stage_id, user_id, create_uid, write_uid,
                    number, name, partner_name, partner_email, partner_phone, priority,
                    resolution, description, active, is_closed, is_confidential,
                    date_received, date_deadline, create_date, write_date,
                    first_contact_rate)
                    VALUES (1, %s, 5, 3, 1, 1, 2, 1, 1, %s, %s, %s, %s, %s, '0', NULL,
                    %s, true, false, false, now(), now() + interval '14 days', now(),
                    now(), 0)""",
                    (
                        index,
                        f"HEN-2026-{index:05d}",
                        MAIL_SUBJECTS[index % len(MAIL_SUBJECTS)],
                        "Kari Nordmann",
                        "kari.nordmann@example.no",
                        "+47 912 34 567",
                        "<p>"
                        + MAIL_TEXT.format(subject="byggesøknad", name="Kari")
                        + "</p>",
                    ),
                )
                conn.commit()
                times.append((time.perf_counter() - start) * 1000)
            total = time.perf_counter() - total_start
            cur.execute("DROP TABLE bench_floor")
            conn.commit()
    finally:
        conn.close()
    return {"median_ms": statistics.median(times), "per_second": count / total}


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------


def fmt(value, digits=1):
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def table_rows(results, args):
    """(figure, citizen, helpdesk, target) rows of the printed table."""
    c, h = results.get("citizen", {}), results.get("helpdesk", {})
    rows = []

    def add(label, path, target=""):
        def get(data):
            for key in path:
                if not isinstance(data, dict) or key not in data:
                    return None
                data = data[key]
            return data

        rows.append((label, get(c), get(h), target))

    small, large = f"{SMALL:,}", f"{args.inquiries:,}"
    if "intake" in args.only:
        add(
            f"new mail @{small}: median ms",
            ("intake_small", "new", "median_ms"),
            "ratio <= 1.0",
        )
        add(f"new mail @{small}: p95 ms", ("intake_small", "new", "p95_ms"))
        add(f"new mail @{small}: queries", ("intake_small", "new", "queries"))
        add(f"new mail @{small}: failed", ("intake_small", "new", "failures"), "0")
        add(
            f"new mail @{small}, balanced assignment: median ms",
            ("intake_small", "new_assigned", "median_ms"),
        )
        add(
            f"new mail @{small}, balanced assignment: queries",
            ("intake_small", "new_assigned", "queries"),
        )
        add(f"reply @{small}: median ms", ("intake_small", "reply", "median_ms"))
        add(f"reply @{small}: p95 ms", ("intake_small", "reply", "p95_ms"))
        add(f"reply @{small}: queries", ("intake_small", "reply", "queries"))
        add(f"reply @{small}: failed", ("intake_small", "reply", "failures"), "0")
    if "counter" in args.only:
        add("counter form, one: median ms", ("counter", "form", "median_ms"))
        add("counter form, one: p95 ms", ("counter", "form", "p95_ms"))
        add("counter form, one: queries", ("counter", "form", "queries"))
        add("counter form, save only: median ms", ("counter", "save", "median_ms"))
        add("counter form, save only: queries", ("counter", "save", "queries"), "<= 30")
        add(
            f"counter batch of {args.batch:,}: per second",
            ("counter", "batch", "per_second"),
            ">= 100",
        )
        add(
            "counter batch: queries per record",
            ("counter", "batch", "queries_per_record"),
        )
    if {"reads", "intake-large"} & args.only:
        add(f"generator: seconds to {large}", ("generate_seconds",), "minutes")
        add(
            f"list first page (80) @{large}: ms",
            ("reads", "list", "median_ms"),
            "<= 150",
        )
        add("list first page: queries", ("reads", "list", "queries"))
        add(f"kanban by stage @{large}: ms", ("reads", "kanban", "median_ms"))
        add(
            f"kanban progress bars @{large}: ms",
            ("reads", "kanban_progress", "median_ms"),
        )
        add(
            f"report queue x month @{large}: ms",
            ("reads", "report", "median_ms"),
            "<= 2000",
        )
        add(f"overdue count @{large}: ms", ("reads", "overdue", "median_ms"), "<= 200")
        add(
            f"queue overview counts @{large}: ms",
            ("reads", "queue_overview", "median_ms"),
        )
        add("queue overview counts: queries", ("reads", "queue_overview", "queries"))
        add(
            f"identity-number search @{args.citizens:,}: ms",
            ("reads", "identity", "median_ms"),
            "<= 5",
        )
        add(
            "identity-number search, every search logged: ms",
            ("reads", "identity_logged", "median_ms"),
        )
        add(
            "identity number typed in citizen field: ms",
            ("reads", "identity_name_search", "median_ms"),
        )
        add(
            f"name lookup (autocomplete) @{args.citizens:,}: ms",
            ("reads", "name", "median_ms"),
            "<= 100",
        )
        add("name lookup, slowest fragment: ms", ("reads", "name", "max_ms"))
        add("phone number typed in citizen field: ms", ("reads", "phone", "median_ms"))
        add(
            f"new mail @{large}: median ms",
            ("intake_large", "new", "median_ms"),
            f"<= @{small}",
        )
        add(f"new mail @{large}: p95 ms", ("intake_large", "new", "p95_ms"))
        add(f"new mail @{large}: queries", ("intake_large", "new", "queries"))
        add(f"new mail @{large}: failed", ("intake_large", "new", "failures"), "0")
        add(
            f"new mail @{large}, balanced assignment: median ms",
            ("intake_large", "new_assigned", "median_ms"),
            f"<= @{small}",
        )
        add(
            f"reply @{large}: median ms",
            ("intake_large", "reply", "median_ms"),
            f"<= @{small}",
        )
        add(f"reply @{large}: p95 ms", ("intake_large", "reply", "p95_ms"))
        add(f"reply @{large}: queries", ("intake_large", "reply", "queries"))
    floor = results.get("floor")
    if floor:
        # a property of the machine, not of a product: shown in both columns
        rows.append(
            (
                "floor: single-row INSERT+COMMIT ms",
                floor["median_ms"],
                floor["median_ms"],
                "machine",
            )
        )
        rows.append(
            (
                "floor: INSERT+COMMIT per second",
                floor["per_second"],
                floor["per_second"],
                "machine",
            )
        )
        for key, label in (("intake_small", small), ("intake_large", large)):
            fractions = []
            for data in (c, h):
                mail_ms = ((data.get(key) or {}).get("new") or {}).get("median_ms")
                fractions.append(
                    100 * floor["median_ms"] / mail_ms if mail_ms else None
                )
            if any(fractions):
                rows.append((f"new mail @{label}: % of floor rate", *fractions, ""))
    return rows


def print_table(results, args, header):
    rows = [
        row
        for row in table_rows(results, args)
        if row[1] is not None or row[2] is not None
    ]
    width = max(len(r[0]) for r in rows) + 2
    out = [header, ""]
    out.append(
        f"{'figure':<{width}}{'citizen_crm':>13}{'helpdesk_mgmt':>15}"
        f"{'ratio':>8}  target"
    )
    out.append("-" * (width + 13 + 15 + 8 + 10))
    for label, cval, hval, target in rows:
        ratio = "-"
        if (
            target != "machine"
            and isinstance(cval, (int, float))
            and isinstance(hval, (int, float))
            and hval
        ):
            ratio = f"{cval / hval:.2f}"
        out.append(
            f"{label:<{width}}{fmt(cval):>13}{fmt(hval):>15}{ratio:>8}  {target}"
        )
    text = "\n".join(out)
    print(text, flush=True)
    return text


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    if args.pg_option:
        # libpq passes these to the server for every connection, both products'
        options = " ".join(f"-c {option}" for option in args.pg_option)
        os.environ["PGOPTIONS"] = f"{os.environ.get('PGOPTIONS', '')} {options}".strip()
    extra = []
    if not args.skip_helpdesk:
        addons_dir = helpdesk_addons_dir()
        if not addons_dir:
            sys.exit(HELPDESK_INSTALL_HINT.format(python=sys.executable))
        extra.append(addons_dir)
    addons_path = init_odoo(args, extra)
    from products import PRODUCTS

    from odoo.modules.registry import Registry

    kinds = ["citizen"] if args.skip_helpdesk else ["citizen", "helpdesk"]
    products = [PRODUCTS[kind](f"{args.db_prefix}{kind}") for kind in kinds]
    to_build = [
        p for p in products if not (args.reuse_db and database_exists(p.dbname))
    ]
    if to_build:
        build_databases(args, to_build, addons_path)

    targets, features = [], {}
    for product in products:
        registry = Registry(product.dbname)
        with registry.cursor() as cr:
            from odoo import SUPERUSER_ID, api

            env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US"})
            if not product.is_set_up(env):
                log("%s: setting up queues, users and services", product.dbname)
                product.setup(env)
            features[product.kind] = product.enable_features(env)
        targets.append(Target(product, registry))
    results = {target.kind: {} for target in targets}

    def store(key, per_kind):
        for kind, value in per_kind.items():
            results[kind][key] = value

    warmed = {}
    if {"intake", "counter"} & args.only:
        for target in targets:
            ensure_size(target, SMALL, SMALL)
        warmed = prewarm(products)
    used_senders = {target.kind: set() for target in targets}
    if "intake" in args.only:
        store("intake_small", intake(targets, args, "small", used_senders))
    if "counter" in args.only:
        store("counter", counter(targets, args))
    if {"reads", "intake-large"} & args.only:
        for target in targets:
            results[target.kind]["generate_seconds"] = ensure_size(
                target, args.citizens, args.inquiries
            )
        warmed = prewarm(products)
    if "reads" in args.only:
        store("reads", reads(targets, args))
    if "intake-large" in args.only:
        warmed = prewarm(products)
        store("intake_large", intake(targets, args, "large", used_senders))
    if "floor" in args.only:
        log("floor: %d single-row INSERTs", args.floor)
        results["floor"] = floor(products[0].dbname, args.floor)

    settings = pg_settings(products[0].dbname)
    if args.pg_option:
        settings["set for this run"] = " ".join(args.pg_option)
    settings["prewarmed before each phase"] = (
        ", ".join(f"{db} {mb:,} MB" for db, mb in warmed.items()) if warmed else "no"
    )
    header = "\n".join(
        [
            "citizen_crm / helpdesk_mgmt benchmark, "
            f"{datetime.datetime.now():%Y-%m-%d %H:%M}, "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
            f"PostgreSQL {settings.pop('server_version')}",
            "PostgreSQL: " + ", ".join(f"{k}={v}" for k, v in sorted(settings.items())),
            f"sizes: {args.inquiries:,} inquiries/tickets, "
            f"{args.citizens:,} citizens/partners, {args.mails:,} mails, "
            f"{args.replies:,} replies, {args.counter:,} + {args.batch:,} "
            f"counter registrations, reads {args.runs}+ runs and "
            f"{args.read_seconds:g} s each",
        ]
        + [f"{kind} features: {'; '.join(items)}" for kind, items in features.items()]
    )
    print_table(results, args, header)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(
                {
                    "args": vars(args) | {"only": sorted(args.only)},
                    "features": features,
                    "results": results,
                },
                handle,
                indent=2,
                default=str,
            )
    if not args.keep_db:
        for product in products:
            Registry.delete(product.dbname)
            drop_database(product.dbname)
    return 0


if __name__ == "__main__":
    sys.exit(main())
