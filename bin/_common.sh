#!/usr/bin/env bash
# Shared set-up for bin/serve and bin/test: find Odoo 19 and PostgreSQL,
# start a project-local PostgreSQL cluster when none is configured, and
# write an Odoo configuration file pointing at it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
LOCAL_DIR="${CITIZEN_CRM_LOCAL_DIR:-$ROOT/.local}"
ODOO_CONF="$LOCAL_DIR/odoo.conf"

die() {
    echo "citizen_crm: $*" >&2
    exit 1
}

# citizen_crm and its bridge addons (citizen_crm_project...): every addon of
# the repository's root, citizen_crm first. Printed comma-separated.
project_addons() {
    local names=(citizen_crm) manifest name
    for manifest in "$ROOT"/citizen_crm_*/__manifest__.py; do
        [ -e "$manifest" ] || continue
        name="$(basename "$(dirname "$manifest")")"
        names+=("$name")
    done
    local IFS=,
    echo "${names[*]}"
}

check_odoo() {
    command -v "$PYTHON" >/dev/null 2>&1 || die "Python 3 ($PYTHON) is not installed."
    local version
    version="$("$PYTHON" -c 'import odoo.release as r; print(r.version_info[0])' 2>/dev/null)" \
        || die "Odoo 19 Community is not installed for $PYTHON: 'import odoo' fails. Install Odoo 19 (see README.md, Prerequisites)."
    [ "$version" = "19" ] || die "Odoo 19 Community is required; $PYTHON imports Odoo $version."
    ODOO_BIN="$("$PYTHON" - <<'PY'
import os, shutil, odoo
candidates = [shutil.which("odoo")]
for path in odoo.__path__:
    candidates.append(os.path.join(os.path.dirname(path), "odoo-bin"))
print(next((c for c in candidates if c and os.path.isfile(c)), ""))
PY
)"
    [ -n "$ODOO_BIN" ] || die "Odoo 19 is importable but neither 'odoo' nor 'odoo-bin' was found."
    # Odoo's own addons folder (mail, portal...) beside the odoo package.
    ODOO_ADDONS="$("$PYTHON" - <<'PY'
import os, odoo
paths = []
for path in odoo.__path__:
    for candidate in (os.path.join(path, "addons"), os.path.join(os.path.dirname(path), "addons")):
        if os.path.isdir(os.path.join(candidate, "mail")) and candidate not in paths:
            paths.append(candidate)
print(",".join(paths))
PY
)"
    [ -n "$ODOO_ADDONS" ] || die "Odoo 19 is installed but its addons (mail, portal) were not found."
}

find_pg_bin() {
    if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/pg_ctl" ]; then
        return
    fi
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/pg_ctl" ]; then
        PG_BINDIR="$(pg_config --bindir)"
        return
    fi
    local candidate
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$candidate/pg_ctl" ] && [ -x "$candidate/initdb" ]; then
            PG_BINDIR="$candidate"
            return
        fi
    done
    die "PostgreSQL 15+ server binaries (initdb, pg_ctl) were not found. Install them (Debian: apt-get install postgresql) or set PG_BINDIR."
}

# Run a command as the owner of the local cluster: PostgreSQL refuses root.
as_pg() {
    if [ "$(id -u)" = "0" ]; then
        su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
    else
        "$@"
    fi
}

start_local_cluster() {
    PGDATA_DIR="${CITIZEN_CRM_PGDATA:-$LOCAL_DIR/pgdata}"
    PGPORT="${CITIZEN_CRM_PGPORT:-54329}"
    PGHOST_DIR="${CITIZEN_CRM_PGSOCKET:-/tmp/citizen_crm_pg_$PGPORT}"
    DB_USER="odoo"
    mkdir -p "$LOCAL_DIR" "$PGHOST_DIR"
    if [ "$(id -u)" = "0" ]; then
        id postgres >/dev/null 2>&1 || die "running as root needs a 'postgres' system user to own the PostgreSQL cluster."
        chown postgres "$PGHOST_DIR"
        # The postgres user must reach the data folder; a project under a
        # private home folder gets its cluster under /var/tmp instead.
        if [ -z "${CITIZEN_CRM_PGDATA:-}" ] && ! su postgres -s /bin/sh -c "test -x '$LOCAL_DIR'" 2>/dev/null; then
            PGDATA_DIR="/var/tmp/citizen_crm_pg_$(echo "$ROOT" | cksum | cut -d' ' -f1)"
        fi
    fi
    if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
        echo "citizen_crm: creating a project-local PostgreSQL cluster in $PGDATA_DIR"
        mkdir -p "$PGDATA_DIR"
        [ "$(id -u)" = "0" ] && chown postgres "$PGDATA_DIR"
        as_pg "$PG_BINDIR/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
        cat >>"$PGDATA_DIR/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PGHOST_DIR'
fsync = ${CITIZEN_CRM_PG_FSYNC:-on}
CONF
    fi
    if ! as_pg "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
        # Port and socket folder on the command line: CITIZEN_CRM_PGPORT set
        # after the cluster was created still applies. PG_SERVER_OPTIONS:
        # server settings of the command that starts it (bench/run's memory).
        as_pg "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 60 \
            -o "-p $PGPORT -k $PGHOST_DIR ${PG_SERVER_OPTIONS:-}" start >/dev/null \
            || die "the local PostgreSQL cluster did not start; see $PGDATA_DIR/server.log"
        CLUSTER_STARTED_HERE=1
    fi
    "$PG_BINDIR/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'" | grep -q 1 \
        || "$PG_BINDIR/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qc \
            "CREATE ROLE $DB_USER LOGIN SUPERUSER"
    DB_HOST="127.0.0.1"
    DB_PORT="$PGPORT"
    DB_PASSWORD=""
}

stop_local_cluster() {
    as_pg "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null 2>&1 || true
}

# Stop the local cluster if this command started it: a command that runs to
# its end (bin/test, bench/run) leaves no server behind, which would keep the
# port taken once a clone is deleted. A cluster someone else started (bin/serve,
# .ci/run, a developer) keeps running.
stop_cluster_if_started_here() {
    if [ "${CLUSTER_STARTED_HERE:-0}" = "1" ]; then
        stop_local_cluster
    fi
}

# Use the PostgreSQL named by PGHOST/PGPORT/PGUSER when set, else a local cluster.
setup_database_server() {
    find_pg_bin
    if [ -n "${PGHOST:-}" ] && [ -n "${PGUSER:-}" ]; then
        DB_HOST="$PGHOST"
        DB_PORT="${PGPORT:-5432}"
        DB_USER="$PGUSER"
        DB_PASSWORD="${PGPASSWORD:-}"
    else
        start_local_cluster
    fi
    export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER"
    [ -n "$DB_PASSWORD" ] && export PGPASSWORD="$DB_PASSWORD"
    mkdir -p "$LOCAL_DIR/filestore"
    cat >"$ODOO_CONF" <<CONF
[options]
addons_path = $ROOT,$ODOO_ADDONS
data_dir = $LOCAL_DIR/filestore
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = ${DB_PASSWORD}
http_interface = 127.0.0.1
CONF
}
