"""SQL-level data generator for the benchmark: citizens/partners and
inquiries/tickets by the hundred thousand, in minutes.

The ORM would need hours for a million records, so rows are streamed to
PostgreSQL with ``COPY`` from Python (which also makes valid synthetic identity
numbers with ``citizen_crm.models.national_id.generate``). Every row gets what
the ORM would have stored: computed stored fields, the incoming message in the
chatter (``mail_message`` with a Message-Id, the key replies are routed by) and
the citizen as follower. Both databases get the same shape, drawn from the same
random seed:

- citizens: Norwegian names, 80 % with an e-mail address, 90 % with a phone,
  synthetic fødselsnummer (Tenor test numbers: month + 80, never a real person);
- inquiries/tickets over five years, ~80 % closed, channels (counter 30 %,
  phone 35 %, e-mail 20 %...), the front-line queue taking 60 %, 85 % linked to
  a citizen, 70 % assigned.

Ids are taken from the tables' sequences, which are moved past the new rows;
numbers follow each product's format and its number sequence is moved past
them too. The generator appends: call it again to grow a database.
"""

import contextlib
import datetime
import io
import logging
import random

import psycopg2

_logger = logging.getLogger("bench.generate")

FIRST_NAMES = (
    "Anne Inger Kari Marit Ingrid Liv Eva Berit Astrid Bjørg Hilde Anna Solveig "
    "Marianne Randi Ida Nina Maria Elisabeth Kristin Bente Heidi Silje Hanne Ellen "
    "Emma Nora Sara Sofie Olivia Ingeborg Thea Emilie Maja Julie Jan Per Bjørn Ole "
    "Lars Kjell Knut Arne Svein Thomas Hans Geir Tor Morten Terje Odd Erik Martin "
    "Andreas John Anders Rune Trond Tore Jon Lucas Filip Henrik Jakob Oskar Emil "
    "Aksel Noah Isak Magnus Mathias Sindre Eirik Håkon Sander Mohammed Ali Ahmed "
    "Piotr Anna-Lena Kristoffer Vegard Øystein Åse Gunnar Sigrid Torbjørn"
).split()
LAST_NAMES = (
    "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen "
    "Karlsen Johnsen Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen "
    "Jacobsen Dahl Jørgensen Halvorsen Henriksen Lund Sørensen Jakobsen Moen "
    "Gundersen Iversen Strand Solberg Svendsen Eide Knutsen Martinsen Paulsen "
    "Bakken Kristoffersen Mathisen Lie Amundsen Nguyen Rasmussen Ali Lunde "
    "Solheim Berge Moe Nygård Bakke Kristensen Fredriksen Holm Lien Hauge "
    "Christensen Andresen Nordmann Ahmed Knudsen Evensen Sæther Aas Myhre "
    "Hanssen Ruud Aasen Thomassen Kowalski Nowak Sandvik Haugland Tveit Vik "
    "Brekke Fjeld Aune Røed Ødegård Nordby Bjørnstad Hovland Tangen Mikkelsen"
).split()
STREETS = (
    "Storgata Kirkeveien Skolegata Parkveien Fjellveien Solveien Granveien "
    "Bjørkeveien Industrivegen Strandgata Torggata Stasjonsveien Havnegata "
    "Furuveien Eikeveien Nedre gate Øvre gate Sjøveien Elvegata Bakkehaugen"
).split(" ")
POSTAL = [
    ("9800", "Vadsø"),
    ("9810", "Vestre Jakobselv"),
    ("9840", "Varangerbotn"),
    ("9900", "Kirkenes"),
    ("9950", "Vardø"),
    ("9990", "Båtsfjord"),
]
SUBJECTS = [
    "Spørsmål om byggesøknad",
    "Søknad om barnehageplass",
    "Klage på brøyting",
    "Eiendomsskatt: feil i vedtak",
    "Bestilling av renovasjonsdunk",
    "Timebestilling helsestasjon",
    "Parkeringstillatelse for forflytningshemmede",
    "Startlån: status på søknad",
    "Skoleskyss for elev",
    "Vann- og avløpsgebyr",
    "Innsyn i postjournal",
    "Hjemmetjenester: søknad",
    "Gatelys ute av drift",
    "Skjenkebevilling",
    "Kommunal bolig",
    "SFO-plass",
    "Hull i vegen",
    "Støy fra byggeplass",
    "Feiing og tilsyn",
    "Tilskudd til lag og foreninger",
]
BODY = (
    "<p>Hei,</p><p>Jeg viser til {subject_lc} og lurer på hvordan saken står. "
    "Jeg har tidligere tatt kontakt uten å få svar, og ber om en tilbakemelding "
    "så snart som mulig.</p><p>Med vennlig hilsen<br/>{name}</p>"
)
YEARS = 5
# e-mail addresses are ASCII: Bjørg Aasen writes from bjorg.aasen@...
ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "-": "."})
CHUNK = 20000
BULK = 100_000  # from this many rows on, indexes are rebuilt after the load


def weighted(rng, table):
    """Pick a key of ``table`` (a list of (key, weight)) at random."""
    roll = rng.random() * sum(weight for _key, weight in table)
    for key, weight in table:
        roll -= weight
        if roll <= 0:
            return key
    return table[-1][0]


def copy_value(value):
    """Format a Python value for COPY's text format (a hot loop: cheap tests
    first)."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = (
                value.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
        return value
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime.datetime or kind is datetime.date:
        return value.isoformat(" ") if kind is datetime.datetime else value.isoformat()
    return str(value)


def copy_rows(cur, table, columns, rows):
    """COPY ``rows`` (an iterable of tuples) into ``table`` in chunks."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(copy_value(v) for v in row))
        buffer.write("\n")
        count += 1
        if count % CHUNK == 0:
            buffer.seek(0)
            cur.copy_expert(sql, buffer)
            buffer = io.StringIO()
    if buffer.tell():
        buffer.seek(0)
        cur.copy_expert(sql, buffer)
    return count


def plain_indexes(cur, tables):
    """(name, definition) of the tables' indexes that enforce nothing: not
    primary keys, unique indexes or constraints."""
    cur.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
             FROM pg_index i
             JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(%s)
              AND NOT i.indisprimary AND NOT i.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                               WHERE c.conindid = i.indexrelid)""",
        (list(tables),),
    )
    return cur.fetchall()


@contextlib.contextmanager
def bulk_load(conn, cur, tables, rows):
    """Load fast: foreign-key triggers off for this session (the generator
    writes ids it read from the database) and, for big loads, the plain
    indexes dropped during COPY and built again afterwards, which PostgreSQL
    does far faster than maintaining them row by row."""
    cur.execute("SET session_replication_role = replica")
    indexes = plain_indexes(cur, tables) if rows >= BULK else []
    for name, _definition in indexes:
        cur.execute(f"DROP INDEX {name}")
    conn.commit()
    try:
        yield
    finally:
        conn.rollback()  # nothing pending after a success; clears a failed COPY
        cur.execute("SET maintenance_work_mem = '512MB'")
        started = datetime.datetime.now()
        for _name, definition in indexes:
            cur.execute(definition)
        cur.execute("SET session_replication_role = DEFAULT")
        conn.commit()
        if indexes:
            _logger.info(
                "%d indexes rebuilt in %s",
                len(indexes),
                datetime.datetime.now() - started,
            )


def reserve_ids(cur, table, count):
    """Take ``count`` consecutive ids from the table's sequence."""
    seq = f"{table}_id_seq"
    cur.execute(
        f"SELECT GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), last_value) "
        f"FROM {seq}"
    )
    start = cur.fetchone()[0] + 1
    cur.execute("SELECT setval(%s, %s)", (seq, start + count))
    return start


class Generator:
    """Shared part: citizens/partners, messages, followers. A subclass knows
    its product's table, columns and reference data."""

    record_model = None
    record_table = None
    # Stored fields that later features add to the record table, with how to
    # fill them from a generated row (a dict by column): filled when the
    # column exists, so that the data keeps up with the schema.
    optional_columns = {}

    def __init__(self, env, seed=42):
        self.env = env
        self.rng = random.Random(seed)
        self.now = datetime.datetime.now().replace(microsecond=0)
        self.load_shape()

    # -- reference data, read through the ORM once --------------------------

    def load_shape(self):
        env = self.env
        self.company_id = env.company.id
        self.user_ids = (
            env["res.users"].search([("share", "=", False), ("id", ">", 2)]).ids
        )
        self.comment_subtype = env.ref("mail.mt_comment").id
        self.note_subtype = env.ref("mail.mt_note").id
        env.cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
            (self.record_table,),
        )
        existing = {row[0] for row in env.cr.fetchall()}
        self.extra_columns = [
            name for name in self.optional_columns if name in existing
        ]
        # Any other NOT NULL column a later feature adds gets the field's
        # default, so that a new required field cannot break the load.
        env.cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s AND is_nullable = 'NO'",
            (self.record_table,),
        )
        known = set(self.record_columns) | set(self.extra_columns)
        required = [row[0] for row in env.cr.fetchall() if row[0] not in known]
        defaults = env[self.record_model].default_get(required)
        missing = [name for name in required if defaults.get(name) in (None, False)]
        if missing:
            raise RuntimeError(
                f"{self.record_table}: required columns without a default: "
                f"{', '.join(missing)}; teach bench/generate.py to fill them"
            )
        self.default_columns = {name: defaults[name] for name in required}
        self.extra_columns += list(self.default_columns)

    # -- partners -------------------------------------------------------------

    partner_columns = [
        "id",
        "name",
        "complete_name",
        "email",
        "email_normalized",
        "phone",
        "phone_sanitized",
        "street",
        "zip",
        "city",
        "lang",
        "type",
        "active",
        "is_company",
        "partner_share",
        "commercial_partner_id",
        "message_bounce",
        "create_uid",
        "write_uid",
        "create_date",
        "write_date",
    ]

    def national_ids(self, count):
        """Distinct valid synthetic identity numbers with their birth dates."""
        from odoo.addons.citizen_crm.models import national_id as nid

        seen = self.existing_national_ids()
        rng = self.rng
        result = []
        first_day = datetime.date(1930, 1, 1).toordinal()
        last_day = datetime.date(2010, 12, 31).toordinal()
        while len(result) < count:
            birthdate = datetime.date.fromordinal(rng.randint(first_day, last_day))
            individual = (
                rng.randint(0, 499) if birthdate.year < 2000 else rng.randint(500, 999)
            )
            number = nid.generate(birthdate, individual, synthetic=True)
            if number and number not in seen:
                seen.add(number)
                result.append((number, birthdate))
        return result

    def existing_national_ids(self):
        return set()

    def partner_rows(self, start, count):
        rng = self.rng
        ids = self.national_ids(count)
        for offset in range(count):
            pid = start + offset
            first = rng.choice(FIRST_NAMES)
            last = rng.choice(LAST_NAMES)
            if rng.random() < 0.25:
                first = f"{first} {rng.choice(FIRST_NAMES)}"
            name = f"{first} {last}"
            email = None
            if rng.random() < 0.8:
                local = f"{first}.{last}".lower().replace(" ", ".").translate(ASCII)
                email = f"{local}.{pid}@innbygger.example.no"
            phone = sanitized = None
            if rng.random() < 0.9:
                digits = f"9{rng.randint(0, 9999999):07d}"
                phone = f"+47 {digits[:3]} {digits[3:5]} {digits[5:]}"
                sanitized = f"+47{digits}"
            zip_code, city = rng.choice(POSTAL)
            created = self.now - datetime.timedelta(days=rng.random() * 365 * YEARS)
            number, birthdate = ids[offset]
            # drawn for every product, so that both databases get the same people
            facts = {
                "number": number,
                "birthdate": birthdate,
                "protection": weighted(
                    rng,
                    [("ugradert", 985), ("fortrolig", 10), ("strengt_fortrolig", 5)],
                ),
                "language": weighted(
                    rng, [("nb", 85), ("nn", 8), ("en", 5), ("sme", 2)]
                ),
                "krr_reserved": rng.random() < 0.05,
            }
            row = [
                pid,
                name,
                name,
                email,
                email,
                phone,
                sanitized,
                f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                zip_code,
                city,
                "en_US",
                "contact",
                True,
                False,
                True,
                pid,
                0,
                1,
                1,
                created,
                created,
            ]
            yield row + self.partner_extra(facts)

    def partner_extra(self, facts):
        return []

    # -- records ------------------------------------------------------------

    def record_dates(self, rng):
        received = self.now - datetime.timedelta(
            days=rng.random() * 365 * YEARS, minutes=rng.randint(0, 600)
        )
        closed = rng.random() < 0.8
        date_closed = None
        if closed:
            date_closed = min(
                received
                + datetime.timedelta(days=rng.random() * 20, hours=rng.random() * 8),
                self.now,
            )
        return received, closed, date_closed

    def pick_partner(self, rng):
        """85 % of records have a citizen; some citizens come back often."""
        if not self.partner_range or rng.random() >= 0.85:
            return None
        low, high = self.partner_range
        return low + int((high - low) * rng.random() ** 1.3)

    # -- driver ---------------------------------------------------------------

    def generate(self, citizens, records):
        """Append ``citizens`` partners and ``records`` inquiries/tickets."""
        env = self.env
        env.cr.commit()
        conn = self.connect()
        tables = ("res_partner", self.record_table, "mail_message", "mail_followers")
        try:
            with (
                conn.cursor() as cur,
                bulk_load(conn, cur, tables, max(citizens, records)),
            ):
                stats = {}
                started = datetime.datetime.now()
                if citizens:
                    start = reserve_ids(cur, "res_partner", citizens)
                    columns = self.partner_columns + self.partner_extra_columns()
                    stats["partners"] = copy_rows(
                        cur, "res_partner", columns, self.partner_rows(start, citizens)
                    )
                    conn.commit()
                    _logger.info(
                        "%d partners in %s", citizens, datetime.datetime.now() - started
                    )
                cur.execute(
                    "SELECT MIN(id), MAX(id) FROM res_partner WHERE partner_share "
                    "AND email LIKE '%%@innbygger.example.no'"
                )
                low, high = cur.fetchone()
                self.partner_range = (low, high) if low else None
                self.partners = {}
                if self.partner_range:
                    cur.execute(
                        "SELECT id, name, email FROM res_partner "
                        "WHERE id BETWEEN %s AND %s",
                        self.partner_range,
                    )
                    self.partners = {
                        pid: (name, email) for pid, name, email in cur.fetchall()
                    }
                if records:
                    self.generate_records(cur, records)
                    stats["records"] = records
                    conn.commit()
            # What autovacuum does to a production table after a while: fresh
            # statistics, and the visibility map index-only scans rely on.
            conn.autocommit = True
            with conn.cursor() as cur:
                for table in tables:
                    cur.execute(f"VACUUM ANALYZE {table}")
            _logger.info("generated in %s", datetime.datetime.now() - started)
            return stats
        finally:
            conn.close()

    def connect(self):
        from odoo.sql_db import connection_info_for

        _db, info = connection_info_for(self.env.cr.dbname)
        return psycopg2.connect(**info)

    def generate_records(self, cur, count):
        start = reserve_ids(cur, self.record_table, count)
        message_start = reserve_ids(cur, "mail_message", count)
        rows, messages, followers = [], [], []
        numbers = self.number_counters(cur)
        for offset in range(count):
            rid = start + offset
            row, meta = self.record_row(rid, numbers)
            if self.extra_columns:
                values = dict(zip(self.record_columns, row, strict=True))
                row = (
                    *row,
                    *(
                        self.default_columns[c]
                        if c in self.default_columns
                        else self.optional_columns[c](values)
                        for c in self.extra_columns
                    ),
                )
            rows.append(row)
            partner_id, received, subject, body, email_from = meta
            messages.append(
                (
                    message_start + offset,
                    self.record_model,
                    rid,
                    "email" if email_from else "notification",
                    self.comment_subtype if email_from else self.note_subtype,
                    partner_id,
                    email_from,
                    subject,
                    body,
                    f"<bench-gen-{self.record_table}-{rid}@innbygger.example.no>",
                    received,
                    self.company_id,
                    False,
                    1,
                    1,
                    received,
                    received,
                )
            )
            if partner_id:
                followers.append((self.record_model, rid, partner_id))
            if len(rows) >= CHUNK:
                self.flush(cur, rows, messages, followers)
        self.flush(cur, rows, messages, followers)
        self.fix_numbers(numbers)

    def flush(self, cur, rows, messages, followers):
        copy_rows(
            cur, self.record_table, self.record_columns + self.extra_columns, rows
        )
        copy_rows(
            cur,
            "mail_message",
            [
                "id",
                "model",
                "res_id",
                "message_type",
                "subtype_id",
                "author_id",
                "email_from",
                "subject",
                "body",
                "message_id",
                "date",
                "record_company_id",
                "is_internal",
                "create_uid",
                "write_uid",
                "create_date",
                "write_date",
            ],
            messages,
        )
        if followers:
            start = reserve_ids(cur, "mail_followers", len(followers))
            copy_rows(
                cur,
                "mail_followers",
                ["id", "res_model", "res_id", "partner_id"],
                [(start + i, *f) for i, f in enumerate(followers)],
            )
            copy_rows(
                cur,
                "mail_followers_mail_message_subtype_rel",
                ["mail_followers_id", "mail_message_subtype_id"],
                [(start + i, self.comment_subtype) for i in range(len(followers))],
            )
        rows.clear()
        messages.clear()
        followers.clear()

    def contact(self, rng):
        """(partner_id, name, email) of a record's contact."""
        partner_id = self.pick_partner(rng)
        if partner_id and partner_id in self.partners:
            name, email = self.partners[partner_id]
            return partner_id, name, email
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        email = (
            f"ukjent.{rng.randint(1, 10**9)}@example.org"
            if rng.random() < 0.5
            else None
        )
        return None, name, email

    def body(self, subject, name):
        return BODY.format(subject_lc=subject.lower(), name=name)

    def partner_extra_columns(self):
        return []

    def number_counters(self, cur):
        raise NotImplementedError

    def record_row(self, rid, numbers):
        raise NotImplementedError

    def fix_numbers(self, numbers):
        raise NotImplementedError


def _sla_status(row, target):
    """The SLA status the ORM would store for a generated inquiry: breached
    when the target passed before the inquiry was answered/closed (or now)."""
    now = datetime.datetime.now()
    first_due = row["date_received"] + datetime.timedelta(days=1)
    first_done = row["date_first_response"] or now
    first = "breached" if first_done > first_due else "on_track"
    deadline = row["date_deadline"]
    done = row["date_closed"] or now
    resolution = "breached" if deadline and done > deadline else "on_track"
    if target == "first":
        return first
    if target == "resolution":
        return resolution
    return "breached" if "breached" in (first, resolution) else "on_track"


class CitizenGenerator(Generator):
    record_model = "citizen.inquiry"
    record_table = "citizen_inquiry"
    optional_columns = {
        # e-mail intake: the sender's address the loop guard and reply
        # matching look up
        "partner_email_normalized": lambda row: (
            (row["partner_email"] or "").lower() or None
        ),
        # legal deadlines: generated inquiries are general ones
        "inquiry_type": lambda row: "general",
        # service levels: the first answer is due a working day after
        # reception, the resolution at the deadline; the status is what the
        # hourly recompute would have stored
        "date_sla_first_response": lambda row: (
            row["date_received"] + datetime.timedelta(days=1)
        ),
        "sla_first_response_status": lambda row: _sla_status(row, "first"),
        "sla_resolution_status": lambda row: _sla_status(row, "resolution"),
        "sla_status": lambda row: _sla_status(row, "worst"),
        "sla_paused_hours": lambda row: 0.0,
        "is_anonymised": lambda row: False,
        "needs_partner_match": lambda row: False,
    }
    record_columns = [
        "id",
        "number",
        "name",
        "description",
        "active",
        "company_id",
        "partner_id",
        "partner_name",
        "partner_email",
        "partner_phone",
        "channel_id",
        "service_id",
        "los_theme_id",
        "queue_id",
        "stage_id",
        "is_closed",
        "user_id",
        "priority",
        "date_received",
        "date_first_response",
        "date_closed",
        "date_deadline",
        "resolution",
        "first_contact_rate",
        "is_confidential",
        "color",
        "create_uid",
        "write_uid",
        "create_date",
        "write_date",
    ]

    def load_shape(self):
        super().load_shape()
        env = self.env
        channel = {c.code: c.id for c in env["citizen.channel"].search([])}
        self.channels = [
            (channel["counter"], 30),
            (channel["phone"], 35),
            (channel["email"], 20),
            (channel["letter"], 5),
            (channel["web"], 7),
            (channel["chat"], 2),
            (channel["internal"], 1),
        ]
        self.email_channel = channel["email"]
        queues = env["citizen.queue"].search([], order="sequence, id")
        front = (
            queues.filtered(lambda q: q.queue_type == "front_line")[:1] or queues[:1]
        )
        others = queues - front
        self.queues = [(front.id, 60)] + [
            (q.id, 40 / max(len(others), 1)) for q in others
        ]
        stages = env["citizen.inquiry.stage"].search([])
        self.closed_stage = stages.filtered("is_closed")[:1].id
        open_stages = stages.filtered(lambda s: not s.is_closed).sorted("sequence")
        self.open_stages = [
            (s.id, w) for s, w in zip(open_stages, (40, 40, 20, 10), strict=False)
        ]
        self.services = [
            (
                s.id,
                s.los_theme_id.id or None,
                (
                    round(s.sla_resolution_hours / 8 * 7 / 5)
                    if "sla_resolution_hours" in s._fields
                    else s.target_resolution_days
                ),
                s.name,
                s.queue_id.id,
            )
            for s in env["citizen.service"].search([])
        ]
        self.sequence = (
            env["ir.sequence"]
            .sudo()
            .search(
                [
                    ("code", "=", "citizen.inquiry"),
                    ("company_id", "=", self.company_id),
                ],
                limit=1,
            )
        )

    def partner_extra_columns(self):
        return [
            "is_citizen",
            "national_id",
            "national_id_kind",
            "birthdate",
            "address_protection",
            "krr_reserved",
        ]

    def partner_extra(self, facts):
        return [
            True,
            facts["number"],
            "fnr",
            facts["birthdate"],
            facts["protection"],
            facts["krr_reserved"],
        ]

    def existing_national_ids(self):
        self.env.cr.execute(
            "SELECT national_id FROM res_partner WHERE national_id IS NOT NULL"
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def number_counters(self, cur):
        """Next free number per year: HEN-<year>-<n>, as the sequence makes them."""
        cur.execute(
            "SELECT split_part(number, '-', 2), MAX(split_part(number, '-', 3)::int) "
            "FROM citizen_inquiry WHERE number ~ '^HEN-[0-9]{4}-[0-9]+$' GROUP BY 1"
        )
        return {int(year): last for year, last in cur.fetchall()}

    def record_row(self, rid, numbers):
        rng = self.rng
        received, closed, date_closed = self.record_dates(rng)
        year = received.year
        numbers[year] = numbers.get(year, 0) + 1
        partner_id, name, email = self.contact(rng)
        service = (
            rng.choice(self.services) if self.services and rng.random() < 0.85 else None
        )
        channel = weighted(rng, self.channels)
        queue = weighted(rng, self.queues)
        if service and service[4] and rng.random() < 0.3:
            queue = service[4]
        subject = service[3] if service and rng.random() < 0.5 else rng.choice(SUBJECTS)
        deadline = (
            received + datetime.timedelta(days=service[2])
            if service and service[2]
            else None
        )
        resolution = None
        if closed:
            resolution = weighted(
                rng,
                [
                    ("first_contact", 55),
                    ("forwarded", 20),
                    ("case_opened", 10),
                    ("referred", 10),
                    ("rejected", 5),
                ],
            )
        stage = self.closed_stage if closed else weighted(rng, self.open_stages)
        user = (
            rng.choice(self.user_ids) if self.user_ids and rng.random() < 0.7 else None
        )
        body = self.body(subject, name)
        phone = None
        if partner_id is None and rng.random() < 0.5:
            phone = f"+47 9{rng.randint(0, 9999999):07d}"
        row = (
            rid,
            f"HEN-{year}-{numbers[year]:05d}",
            subject,
            body,
            True,
            self.company_id,
            partner_id,
            name,
            email,
            phone,
            channel,
            service[0] if service else None,
            service[1] if service else None,
            queue,
            stage,
            closed,
            user,
            weighted(rng, [("0", 90), ("1", 8), ("2", 2)]),
            received,
            date_closed,
            date_closed,
            deadline,
            resolution,
            100.0 if resolution == "first_contact" else 0.0,
            rng.random() < 0.03,
            0,
            user or 1,
            user or 1,
            received,
            date_closed or received,
        )
        email_from = (
            f"{name} <{email}>" if email and channel == self.email_channel else None
        )
        return row, (partner_id, received, subject, body, email_from)

    def fix_numbers(self, numbers):
        """Move each year's number sequence past the generated numbers."""
        if not self.sequence:
            return
        Range = self.env["ir.sequence.date_range"].sudo()
        for year, last in numbers.items():
            date = datetime.date(year, 6, 1)
            date_range = Range.search(
                [
                    ("sequence_id", "=", self.sequence.id),
                    ("date_from", "<=", date),
                    ("date_to", ">=", date),
                ],
                limit=1,
            )
            if not date_range:
                date_range = self.sequence._create_date_range_seq(date)
            if date_range.number_next_actual <= last:
                date_range.number_next_actual = last + 1
        self.env.cr.commit()


class HelpdeskGenerator(Generator):
    record_model = "helpdesk.ticket"
    record_table = "helpdesk_ticket"
    record_columns = [
        "id",
        "number",
        "name",
        "description",
        "active",
        "company_id",
        "partner_id",
        "commercial_partner_id",
        "partner_name",
        "partner_email",
        "channel_id",
        "category_id",
        "team_id",
        "stage_id",
        "unattended",
        "user_id",
        "priority",
        "sequence",
        "kanban_state",
        "last_stage_update",
        "assigned_date",
        "closed_date",
        "color",
        "create_uid",
        "write_uid",
        "create_date",
        "write_date",
    ]

    def load_shape(self):
        super().load_shape()
        env = self.env
        channel = {c.name: c.id for c in env["helpdesk.ticket.channel"].search([])}
        # helpdesk_mgmt knows four channels: counter, letter and chat are "Other"
        self.channels = [
            (channel["Other"], 30),
            (channel["Phone"], 35),
            (channel["Email"], 20),
            (channel["Other"], 5),
            (channel["Web"], 7),
            (channel["Other"], 3),
        ]
        self.email_channel = channel["Email"]
        teams = env["helpdesk.ticket.team"].search([], order="sequence, id")
        self.queues = [(teams[0].id, 60)] + [
            (t.id, 40 / max(len(teams) - 1, 1)) for t in teams[1:]
        ]
        stages = env["helpdesk.ticket.stage"].search([], order="sequence, id")
        closed = stages.filtered("closed")
        self.closed_stages = [
            (s.id, w) for s, w in zip(closed, (85, 10, 5), strict=False)
        ]
        open_stages = stages - closed
        self.open_stages = [
            (s.id, w, s.unattended)
            for s, w in zip(open_stages, (40, 40, 20, 10), strict=False)
        ]
        self.categories = [
            (c.id, c.name) for c in env["helpdesk.ticket.category"].search([])
        ]
        self.sequence = (
            env["ir.sequence"]
            .sudo()
            .search([("code", "=", "helpdesk.ticket.sequence")], limit=1)
        )

    def partner_extra_columns(self):
        # No identity number field: the number goes to the internal reference,
        # which is what a helpdesk_mgmt site would search it by.
        return ["ref"]

    def partner_extra(self, facts):
        return [facts["number"]]

    def existing_national_ids(self):
        self.env.cr.execute("SELECT ref FROM res_partner WHERE ref ~ '^[0-9]{11}$'")
        return {row[0] for row in self.env.cr.fetchall()}

    def number_counters(self, cur):
        cur.execute(
            "SELECT MAX(substring(number from 3)::int) FROM helpdesk_ticket "
            "WHERE number ~ '^HT[0-9]+$'"
        )
        return {"all": cur.fetchone()[0] or 0}

    def record_row(self, rid, numbers):
        rng = self.rng
        received, closed, date_closed = self.record_dates(rng)
        numbers["all"] += 1
        partner_id, name, email = self.contact(rng)
        category = (
            rng.choice(self.categories)
            if self.categories and rng.random() < 0.85
            else None
        )
        channel = weighted(rng, self.channels)
        team = weighted(rng, self.queues)
        subject = (
            category[1] if category and rng.random() < 0.5 else rng.choice(SUBJECTS)
        )
        if closed:
            stage, unattended = weighted(rng, self.closed_stages), False
        else:
            stage_id = weighted(rng, [(s[0], s[1]) for s in self.open_stages])
            stage = stage_id
            unattended = next(s[2] for s in self.open_stages if s[0] == stage_id)
        user = (
            rng.choice(self.user_ids) if self.user_ids and rng.random() < 0.7 else None
        )
        body = self.body(subject, name)
        row = (
            rid,
            f"HT{numbers['all']:05d}",
            subject,
            body,
            True,
            self.company_id,
            partner_id,
            partner_id,
            name,
            email,
            channel,
            category[0] if category else None,
            team,
            stage,
            unattended,
            user,
            weighted(rng, [("1", 90), ("2", 8), ("3", 2)]),
            10,
            "normal",
            date_closed or received,
            received if user else None,
            date_closed,
            0,
            user or 1,
            user or 1,
            received,
            date_closed or received,
        )
        email_from = (
            f"{name} <{email}>" if email and channel == self.email_channel else None
        )
        return row, (partner_id, received, subject, body, email_from)

    def fix_numbers(self, numbers):
        if self.sequence and self.sequence.number_next_actual <= numbers["all"]:
            self.sequence.number_next_actual = numbers["all"] + 1
        self.env.cr.commit()


GENERATORS = {"citizen": CitizenGenerator, "helpdesk": HelpdeskGenerator}


def generate(env, kind, citizens, records, seed=42):
    """Append ``citizens`` partners and ``records`` inquiries/tickets to the
    database of ``env`` (a superuser environment); commits. Returns the
    numbers of rows added."""
    return GENERATORS[kind](env, seed=seed).generate(citizens, records)
