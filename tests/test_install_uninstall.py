"""citizen_crm uninstalls cleanly, installs again and updates from 19.0.1.0.0.

Runs on a copy of the test database that bin/test installed (it exports
CITIZEN_CRM_ODOO_CONF, CITIZEN_CRM_ODOO_BIN, CITIZEN_CRM_TEST_DB and the
PGHOST/PGPORT/PGUSER of the cluster), so the database the addon tests use is
left alone. The update of data-subject requests to 19.0.1.3.0 runs on a
database of its own, installed from the git history as 19.0.1.2.0 was.
"""

import ast
import configparser
import json
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
    kwargs.setdefault("text", True)
    return subprocess.run(args, check=True, capture_output=True, timeout=240, **kwargs)


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


# Indexes earlier versions had that the current one no longer has. On a
# column (index=True): Odoo keeps those, the migrations drop them. Declared
# (models.Index, with a constraint record and its xmlid): Odoo drops those.
OLD_INDEXES = {
    # 19.0.1.1.0 dropped three partner column indexes, and merged five
    # trigram indexes (one of them ref's) into one.
    "19.0.1.0.0": {
        "columns": {
            "res_partner": ["national_id", "is_citizen", "citizen_anonymised"],
        },
        "declared": {
            "res_partner_ref_trgm_idx": ("res_partner", "USING gin (ref gin_trgm_ops)"),
        },
    },
    # 19.0.1.2.0 dropped nine inquiry column indexes, and its own partner
    # phone index for phone_validation's.
    "19.0.1.1.0": {
        "columns": {
            "citizen_inquiry": [
                "number",
                "partner_id",
                "company_id",
                "is_closed",
                "priority",
                "resolution",
                "channel_id",
                "screening_basis_id",
                "is_anonymised",
            ],
        },
        "declared": {
            "res_partner_phone_digits_trgm_idx": (
                "res_partner",
                "USING gin ((regexp_replace(phone, '[^0-9]', '', 'g')) gin_trgm_ops)",
            ),
        },
    },
}
VERSIONS = sorted(OLD_INDEXES)
# What replaced them, and must be there after the update.
KEPT_INDEXES = {
    "res_partner_national_id_company_unique",
    "res_partner_name_search_trgm_idx",
    "res_partner_phone_partial_gin_idx",
    "citizen_inquiry_number_company_unique",
    "citizen_inquiry_partner_date_idx",
    "citizen_inquiry_open_queue_order_idx",
}


def _declared_index_sql(name, table, definition):
    """The index as an earlier version declared it: the index, and the
    constraint record and xmlid through which Odoo knows it is the addon's."""
    model = table.replace("_", ".")
    return f"""
CREATE INDEX {name} ON {table} {definition};
WITH c AS (
    INSERT INTO ir_model_constraint
        (name, definition, type, model, module, create_date, write_date)
    SELECT '{name}', $def${definition}$def$, 'i', m.id, mm.id, now(), now()
      FROM ir_model m, ir_module_module mm
     WHERE m.model = '{model}' AND mm.name = 'citizen_crm'
    RETURNING id
)
INSERT INTO ir_model_data (module, name, model, res_id, noupdate)
SELECT 'citizen_crm', 'constraint_{name}', 'ir.model.constraint', c.id, false
  FROM c;
"""


def _indexes(db):
    return set(
        _sql(
            db,
            "SELECT indexname FROM pg_indexes "
            "WHERE tablename IN ('res_partner', 'citizen_inquiry')",
        ).split()
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_update_drops_the_unused_indexes(odoo_setup, database_copy, version):
    db = database_copy
    assert _state(db) == "installed"
    # Put the database back where that version left it: the indexes it and
    # the versions before it had, all dropped since.
    old, declared = set(), set()
    for since in VERSIONS[VERSIONS.index(version) :]:
        for table, columns in OLD_INDEXES[since]["columns"].items():
            for column in columns:
                name = f"{table}__{column}_index"
                _sql(db, f'CREATE INDEX {name} ON {table} ("{column}")')
                old.add(name)
        for name, (table, definition) in OLD_INDEXES[since]["declared"].items():
            _sql(db, _declared_index_sql(name, table, definition))
            declared.add(name)
    old |= declared
    _sql(
        db,
        f"UPDATE ir_module_module SET latest_version = '{version}' "
        "WHERE name = 'citizen_crm'",
    )
    assert old <= _indexes(db)

    _odoo(odoo_setup, db, "-u", "citizen_crm", "--stop-after-init")

    manifest = ast.literal_eval(
        (Path(__file__).parents[1] / "citizen_crm" / "__manifest__.py").read_text()
    )
    assert (
        _sql(
            db,
            "SELECT latest_version FROM ir_module_module WHERE name = 'citizen_crm'",
        )
        == manifest["version"]
    )
    indexes = _indexes(db)
    assert not indexes & old
    assert KEPT_INDEXES <= indexes
    assert (
        _sql(
            db,
            "SELECT count(*) FROM ir_model_constraint WHERE name IN ({})".format(
                ", ".join(f"'{name}'" for name in declared)
            ),
        )
        == "0"
    )


CRON_ACTION_SQL = """
SELECT c.ir_actions_server_id FROM ir_cron c
  JOIN ir_model_data d ON d.model = 'ir.cron' AND d.res_id = c.id
 WHERE d.module = 'citizen_crm' AND d.name = 'ir_cron_citizen_public_holidays'
"""
CRON_CODE_SQL = f"SELECT code FROM ir_act_server WHERE id = ({CRON_ACTION_SQL})"


def test_update_renames_the_cron_method(odoo_setup, database_copy):
    """19.0.1.3.0 renamed the public holidays cron's method; its record is
    noupdate, so the migration renames the call in its code."""
    db = database_copy
    assert _state(db) == "installed"
    _sql(
        db,
        "UPDATE ir_act_server SET code = "
        "'model._citizen_cron_generate_public_holidays()' "
        f"WHERE id = ({CRON_ACTION_SQL})",
    )
    assert _sql(db, CRON_CODE_SQL) == "model._citizen_cron_generate_public_holidays()"
    _sql(
        db,
        "UPDATE ir_module_module SET latest_version = '19.0.1.2.0' "
        "WHERE name = 'citizen_crm'",
    )

    _odoo(odoo_setup, db, "-u", "citizen_crm", "--stop-after-init")

    assert _sql(db, CRON_CODE_SQL) == "model._cron_citizen_generate_public_holidays()"


# ----------------------------------------------------------------------
# 19.0.1.3.0: each data-subject request becomes one with its inquiry
# ----------------------------------------------------------------------

# The last commit of 19.0.1.2.0, whose requests knew no inquiry.
GDPR_BEFORE_COMMIT = "9d49971"

# Run by the old code: requests in every state, none with an inquiry, and
# inquiries typed as data-subject requests with no request of their own.
GDPR_OLD_DATA_SCRIPT = """
import json
Partner = env["res.partner"]
anna, bjorn, cecilie, dag = Partner.create([
    {"name": "Anna Innsyn", "is_citizen": True},
    {"name": "Bjorn Sletting", "is_citizen": True},
    {"name": "Cecilie Avslag", "is_citizen": True},
    {"name": "Dag Henvendelse", "is_citizen": True},
])
Request = env["citizen.gdpr.request"]
Inquiry = env["citizen.inquiry"]
new = Request.create(
    {"partner_id": anna.id, "request_type": "access", "date_received": "2026-01-31"}
)
done = Request.create(
    {"partner_id": anna.id, "request_type": "access", "date_received": "2026-01-05"}
)
done.write({"state": "done", "result_note": "Report sent by letter."})
erased = Request.create(
    {"partner_id": bjorn.id, "request_type": "erasure", "date_received": "2026-02-02"}
)
erased.action_process()
blocking = Inquiry.create({"partner_id": cecilie.id, "name": "Still open"})
refused = Request.create(
    {"partner_id": cecilie.id, "request_type": "erasure", "date_received": "2026-02-16"}
)
refused.action_process()
typed = Inquiry.create({
    "partner_id": dag.id,
    "name": "Innsyn etter GDPR",
    "inquiry_type": "gdpr_request",
    "date_received": "2026-03-02 09:00:00",
})
general = Inquiry.create({"partner_id": dag.id, "name": "Vanlig sporsmal"})
states = (erased.state, refused.state)
assert states == ("done", "refused"), states
env.cr.commit()
records = {
    "requests": {"new": new, "done": done, "erased": erased, "refused": refused},
    "inquiries": {"typed": typed, "general": general, "blocking": blocking},
    "partners": {"anna": anna, "bjorn": bjorn, "cecilie": cecilie, "dag": dag},
}
print("GDPR_IDS" + json.dumps({
    kind: {key: record.id for key, record in named.items()}
    for kind, named in records.items()
}))
"""

# Run by the new code after the update: what became of them.
GDPR_CHECK_SCRIPT = """
import json
ids = json.loads('''{ids}''')
Request = env["citizen.gdpr.request"].with_context(active_test=False)
Inquiry = env["citizen.inquiry"].with_context(active_test=False)
def inquiry_data(inquiry):
    return {{
        "type": inquiry.inquiry_type,
        "partner": inquiry.partner_id.id,
        "company": inquiry.company_id.id,
        "queue": inquiry.queue_id.id,
        "closed": inquiry.is_closed,
        "resolution": inquiry.resolution,
        "anonymised": inquiry.is_anonymised,
        "legal_deadline": str(inquiry.legal_deadline),
        "requests": inquiry.gdpr_request_ids.ids,
    }}
out = {{"requests": {{}}, "inquiries": {{}}}}
for key, request_id in ids["requests"].items():
    request = Request.browse(request_id)
    out["requests"][key] = {{
        "partner": request.partner_id.id,
        "company": request.company_id.id,
        "type": request.request_type,
        "state": request.state,
        "date_received": str(request.date_received),
        "date_deadline": str(request.date_deadline),
        "inquiry": inquiry_data(request.inquiry_id),
    }}
for key, inquiry_id in ids["inquiries"].items():
    inquiry = Inquiry.browse(inquiry_id)
    data = inquiry_data(inquiry)
    data["request_types"] = inquiry.gdpr_request_ids.mapped("request_type")
    data["request_states"] = inquiry.gdpr_request_ids.mapped("state")
    out["inquiries"][key] = data
out["default_queue"] = env.company.citizen_default_queue_id.id
out["company"] = env.company.id
print("GDPR_RESULT" + json.dumps(out))
"""


def _printed(result, marker):
    for line in result.stdout.splitlines():
        if line.startswith(marker):
            return json.loads(line[len(marker) :])
    pytest.fail(f"no {marker} line in the output:\n{result.stdout}\n{result.stderr}")


@pytest.fixture
def gdpr_old_addons(odoo_setup, tmp_path):
    """The addon as 19.0.1.2.0 shipped it, and an addons path holding it in
    place of this checkout."""
    root = Path(__file__).parents[1]
    try:
        archive = _run(
            ["git", "-C", str(root), "archive", GDPR_BEFORE_COMMIT, "citizen_crm"],
            text=False,
        ).stdout
    except subprocess.CalledProcessError as error:
        pytest.fail(
            f"the upgrade test installs citizen_crm from commit {GDPR_BEFORE_COMMIT}: "
            f"this checkout must hold the git history ({error.stderr!r})"
        )
    addons = tmp_path / "addons"
    addons.mkdir()
    _run(["tar", "-x", "-C", str(addons)], input=archive, text=False)
    manifest = ast.literal_eval(
        (addons / "citizen_crm" / "__manifest__.py").read_text()
    )
    assert manifest["version"] == "19.0.1.2.0"
    parser = configparser.ConfigParser()
    parser.read(odoo_setup["conf"])
    paths = [
        path
        for path in parser["options"]["addons_path"].split(",")
        if Path(path.strip()).resolve() != root.resolve()
    ]
    return ",".join([str(addons), *paths])


@pytest.fixture
def gdpr_old_database(odoo_setup):
    db = f"{odoo_setup['source']}_gdpr_upgrade"
    filestore = odoo_setup["data_dir"] / "filestore"
    _run(["dropdb", "--if-exists", db])
    try:
        yield db
    finally:
        subprocess.run(["dropdb", "--if-exists", db], check=False)
        shutil.rmtree(filestore / db, ignore_errors=True)


def test_update_makes_each_gdpr_request_one_with_its_inquiry(
    odoo_setup, gdpr_old_addons, gdpr_old_database
):
    db = gdpr_old_database
    old_path = f"--addons-path={gdpr_old_addons}"
    _odoo(odoo_setup, db, old_path, "-i", "citizen_crm", "--stop-after-init")
    ids = _printed(
        _odoo(odoo_setup, db, "shell", old_path, input=GDPR_OLD_DATA_SCRIPT),
        "GDPR_IDS",
    )
    assert (
        _sql(
            db,
            "SELECT count(*) FROM information_schema.columns WHERE "
            "table_name = 'citizen_gdpr_request' AND column_name = 'inquiry_id'",
        )
        == "0"
    ), "the old shape has no inquiry on a request"

    _odoo(odoo_setup, db, "-u", "citizen_crm", "--stop-after-init")

    assert (
        _sql(
            db,
            "SELECT latest_version FROM ir_module_module WHERE name = 'citizen_crm'",
        )
        == "19.0.1.4.0"
    )
    # 19.0.1.4.0: one language field, Odoo's lang, in Bokmål and Nynorsk
    assert (
        _sql(
            db,
            "SELECT count(*) FROM information_schema.columns WHERE "
            "table_name = 'res_partner' AND column_name = 'preferred_language'",
        )
        == "0"
    ), "the old language field's values moved to lang"
    assert (
        _sql(
            db,
            "SELECT string_agg(code, ',' ORDER BY code) FROM res_lang "
            "WHERE active AND code IN ('nb_NO', 'nn_NO')",
        )
        == "nb_NO,nn_NO"
    )
    assert (
        _sql(
            db,
            "SELECT is_nullable FROM information_schema.columns WHERE "
            "table_name = 'citizen_gdpr_request' AND column_name = 'inquiry_id'",
        )
        == "NO"
    ), "every request has its inquiry, and must keep one"
    result = _printed(
        _odoo(
            odoo_setup,
            db,
            "shell",
            input=GDPR_CHECK_SCRIPT.format(ids=json.dumps(ids)),
        ),
        "GDPR_RESULT",
    )
    requests, inquiries = result["requests"], result["inquiries"]
    partners = ids["partners"]
    for key, request in requests.items():
        inquiry = request["inquiry"]
        assert inquiry["type"] == "gdpr_request", key
        assert inquiry["company"] == request["company"] == result["company"], key
        assert inquiry["queue"] == result["default_queue"], key
        assert request["date_deadline"] == inquiry["legal_deadline"] != "False", key
        assert inquiry["requests"] == [ids["requests"][key]], key
    # Waiting: an open inquiry with the day received, counted by the planner
    # (31 January + 1 month is Saturday 28 February: Monday 2 March), where
    # the old request counted the calendar month alone.
    new = requests["new"]
    assert (new["type"], new["state"]) == ("access", "new")
    assert new["partner"] == new["inquiry"]["partner"] == partners["anna"]
    assert new["date_received"] == "2026-01-31"
    assert new["date_deadline"] == "2026-03-02"
    assert not new["inquiry"]["closed"]
    # Processed: closed, with a resolution that says who answered.
    done = requests["done"]
    assert done["inquiry"]["closed"] and done["inquiry"]["resolution"] == "referred"
    assert done["date_received"] == "2026-01-05"
    refused = requests["refused"]
    assert refused["state"] == "refused"
    assert refused["inquiry"]["closed"]
    assert refused["inquiry"]["resolution"] == "rejected"
    assert refused["inquiry"]["partner"] == partners["cecilie"]
    # Carried out erasure: the citizen stays on the request, not on the inquiry.
    erased = requests["erased"]
    assert erased["partner"] == partners["bjorn"]
    assert not erased["inquiry"]["partner"]
    assert erased["inquiry"]["anonymised"]
    assert erased["inquiry"]["closed"]
    assert erased["inquiry"]["resolution"] == "referred"
    # An inquiry typed as a data-subject request gets the officer's record.
    typed = inquiries["typed"]
    assert typed["request_types"] == ["other"]
    assert typed["request_states"] == ["new"]
    assert not typed["closed"]
    assert inquiries["general"]["requests"] == []
    assert inquiries["blocking"]["requests"] == []
