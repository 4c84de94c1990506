"""citizen_crm uninstalls cleanly, installs again and updates from 19.0.1.0.0.

Runs on a copy of the test database that bin/test installed (it exports
CITIZEN_CRM_ODOO_CONF, CITIZEN_CRM_ODOO_BIN, CITIZEN_CRM_TEST_DB and the
PGHOST/PGPORT/PGUSER of the cluster), so the database the addon tests use is
left alone.
"""

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TABLES = [
    "citizen_inquiry",
    "citizen_queue",
    "citizen_queue_member_rel",
    "citizen_inquiry_stage",
    "citizen_channel",
    "citizen_service",
    "citizen_los_theme",
    "citizen_case",
    "citizen_inquiry_close",
    "citizen_inquiry_forward",
]
PARTNER_COLUMNS = [
    "is_citizen",
    "national_id",
    "national_id_kind",
    "address_protection",
    "krr_reserved",
    "preferred_language",
    "preferred_channel_id",
]

UNINSTALL_SCRIPT = """
module = env["ir.module.module"].search([("name", "=", "citizen_crm")])
assert module.state == "installed", module.state
module.button_immediate_uninstall()
print("CITIZEN_CRM_UNINSTALLED")
"""


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run this test through bin/test")
    return value


@pytest.fixture(scope="module")
def odoo_setup():
    conf = _env("CITIZEN_CRM_ODOO_CONF")
    parser = configparser.ConfigParser()
    parser.read(conf)
    return {
        "conf": conf,
        "bin": _env("CITIZEN_CRM_ODOO_BIN"),
        "source": _env("CITIZEN_CRM_TEST_DB"),
        "data_dir": Path(parser["options"]["data_dir"]),
    }


def _run(args, **kwargs):
    return subprocess.run(
        args, check=True, capture_output=True, text=True, timeout=240, **kwargs
    )


def _sql(db, query):
    result = _run(["psql", "-X", "-q", "-tA", "-d", db, "-c", query])
    return result.stdout.strip()


def _odoo(setup, db, *args, **kwargs):
    return _run(
        [
            sys.executable,
            setup["bin"],
            *args,
            "-c",
            setup["conf"],
            "-d",
            db,
            "--no-http",
            "--log-level=warn",
        ],
        **kwargs,
    )


@pytest.fixture(scope="module")
def database_copy(odoo_setup):
    source = odoo_setup["source"]
    copy = f"{source}_uninstall"
    filestore = odoo_setup["data_dir"] / "filestore"
    _run(["dropdb", "--if-exists", copy])
    try:
        _run(["createdb", "-T", source, copy])
    except subprocess.CalledProcessError:
        # The test session itself holds a connection on the source database,
        # which a template copy does not allow: dump and restore instead.
        _run(["dropdb", "--if-exists", copy])
        _run(["createdb", copy])
        dump = subprocess.Popen(
            ["pg_dump", "--no-owner", source], stdout=subprocess.PIPE
        )
        try:
            _run(
                ["psql", "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", copy],
                stdin=dump.stdout,
            )
        finally:
            dump.stdout.close()
            assert dump.wait() == 0, "pg_dump failed"
    if (filestore / source).is_dir():
        shutil.copytree(filestore / source, filestore / copy, dirs_exist_ok=True)
    try:
        yield copy
    finally:
        subprocess.run(["dropdb", "--if-exists", copy], check=False)
        shutil.rmtree(filestore / copy, ignore_errors=True)


def _state(db):
    return _sql(db, "SELECT state FROM ir_module_module WHERE name = 'citizen_crm'")


def _existing_tables(db):
    names = ",".join(f"'{table}'" for table in TABLES)
    rows = _sql(
        db,
        "SELECT table_name FROM information_schema.tables "
        f"WHERE table_schema = 'public' AND table_name IN ({names})",
    )
    return set(rows.split())


def _partner_columns(db):
    names = ",".join(f"'{column}'" for column in PARTNER_COLUMNS)
    rows = _sql(
        db,
        "SELECT column_name FROM information_schema.columns "
        f"WHERE table_name = 'res_partner' AND column_name IN ({names})",
    )
    return set(rows.split())


def _audit_functions(db):
    return _sql(
        db,
        "SELECT count(*) FROM pg_proc WHERE proname = 'citizen_audit_identity_search'",
    )


def test_uninstall_and_reinstall(odoo_setup, database_copy):
    db = database_copy
    assert _state(db) == "installed"
    assert _existing_tables(db) == set(TABLES)
    assert _partner_columns(db) == set(PARTNER_COLUMNS)
    assert _audit_functions(db) == "1"

    result = _odoo(odoo_setup, db, "shell", input=UNINSTALL_SCRIPT)
    assert "CITIZEN_CRM_UNINSTALLED" in result.stdout, result.stdout + result.stderr

    assert _state(db) == "uninstalled"
    assert _existing_tables(db) == set()
    assert _partner_columns(db) == set()
    # the audit trail's database function goes with its table
    assert _audit_functions(db) == "0"
    assert (
        _sql(
            db,
            "SELECT count(*) FROM information_schema.columns WHERE "
            "table_name = 'res_company' AND column_name = 'citizen_default_queue_id'",
        )
        == "0"
    )
    assert _sql(db, "SELECT count(*) FROM ir_model WHERE model LIKE 'citizen.%'") == "0"
    assert (
        _sql(
            db,
            "SELECT count(*) FROM ir_model_fields WHERE model LIKE 'citizen.%' "
            "OR name IN ('national_id', 'national_id_masked', 'is_citizen')",
        )
        == "0"
    )
    assert (
        _sql(db, "SELECT count(*) FROM ir_model_data WHERE module = 'citizen_crm'")
        == "0"
    )
    assert (
        _sql(db, "SELECT count(*) FROM mail_alias WHERE alias_name = 'servicetorg'")
        == "0"
    )
    assert (
        _sql(
            db,
            "SELECT count(*) FROM mail_message_subtype "
            "WHERE res_model = 'citizen.inquiry'",
        )
        == "0"
    )

    _odoo(odoo_setup, db, "-i", "citizen_crm", "--stop-after-init")
    assert _audit_functions(db) == "1"

    assert _state(db) == "installed"
    assert _existing_tables(db) == set(TABLES)
    assert _partner_columns(db) == set(PARTNER_COLUMNS)
    # The data and the post-install hook ran again.
    assert (
        _sql(
            db,
            "SELECT count(*) FROM res_company c JOIN citizen_queue q "
            "ON q.id = c.citizen_default_queue_id WHERE q.code = 'STORG'",
        )
        == "1"
    )
    assert (
        _sql(db, "SELECT count(*) FROM mail_alias WHERE alias_name = 'servicetorg'")
        == "1"
    )


# Indexes 19.0.1.0.0 had on res_partner that 19.0.1.1.0 no longer has: three
# on a column (index=True), and a declared models.Index standing for the five
# trigram indexes now merged into one.
OLD_COLUMN_INDEXES = [
    "res_partner__national_id_index",
    "res_partner__is_citizen_index",
    "res_partner__citizen_anonymised_index",
]
OLD_DECLARED_INDEX = "res_partner_ref_trgm_idx"
OLD_DECLARED_INDEX_SQL = f"""
CREATE INDEX {OLD_DECLARED_INDEX} ON res_partner USING gin (ref gin_trgm_ops);
WITH c AS (
    INSERT INTO ir_model_constraint
        (name, definition, type, model, module, create_date, write_date)
    SELECT '{OLD_DECLARED_INDEX}', 'USING gin (ref gin_trgm_ops)', 'i', m.id,
           mm.id, now(), now()
      FROM ir_model m, ir_module_module mm
     WHERE m.model = 'res.partner' AND mm.name = 'citizen_crm'
    RETURNING id
)
INSERT INTO ir_model_data (module, name, model, res_id, noupdate)
SELECT 'citizen_crm', 'constraint_{OLD_DECLARED_INDEX}', 'ir.model.constraint',
       c.id, false
  FROM c;
"""


def _partner_indexes(db):
    return set(
        _sql(
            db, "SELECT indexname FROM pg_indexes WHERE tablename = 'res_partner'"
        ).split()
    )


def test_update_from_1_0_drops_the_unused_indexes(odoo_setup, database_copy):
    db = database_copy
    assert _state(db) == "installed"
    # Put the database back where 19.0.1.0.0 left it.
    for name in OLD_COLUMN_INDEXES:
        column = name.removeprefix("res_partner__").removesuffix("_index")
        _sql(db, f'CREATE INDEX {name} ON res_partner ("{column}")')
    _sql(db, OLD_DECLARED_INDEX_SQL)
    _sql(
        db,
        "UPDATE ir_module_module SET latest_version = '19.0.1.0.0' "
        "WHERE name = 'citizen_crm'",
    )
    assert set(OLD_COLUMN_INDEXES) | {OLD_DECLARED_INDEX} <= _partner_indexes(db)

    _odoo(odoo_setup, db, "-u", "citizen_crm", "--stop-after-init")

    assert (
        _sql(
            db,
            "SELECT latest_version FROM ir_module_module WHERE name = 'citizen_crm'",
        )
        == "19.0.1.1.0"
    )
    indexes = _partner_indexes(db)
    assert not indexes & (set(OLD_COLUMN_INDEXES) | {OLD_DECLARED_INDEX})
    # what replaced them is there
    assert {
        "res_partner_national_id_company_unique",
        "res_partner_name_search_trgm_idx",
    } <= indexes
    assert (
        _sql(
            db,
            "SELECT count(*) FROM ir_model_constraint "
            f"WHERE name = '{OLD_DECLARED_INDEX}'",
        )
        == "0"
    )
