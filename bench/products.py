"""The two products under test, behind one interface.

Each product sets up the same organisation (one municipality, a front-line
queue/team and five back-office ones with a mailbox each, ten staff, twenty
services/categories) and knows how its users do the measured work: the
mailbox address, the counter form, the list/kanban/report views and the
lookups. Everything goes through public interfaces (mail aliases,
``message_process``, ``odoo.tests.Form`` on the real views, ``web_search_read``
and friends as the web client calls them), so features merged later into
citizen_crm (intake, routing, SLA, portal) are picked up without changing the
benchmark.
"""

import datetime
import logging

from lxml import etree

_logger = logging.getLogger("bench.products")

ALIAS_DOMAIN = "bench.example.com"
QUEUES = [
    ("Servicetorg", "STORG", "servicetorg"),
    ("Building and Planning", "BYGG", "bygg"),
    ("Health and Care", "HELSE", "helse"),
    ("Schools and Kindergartens", "SKOLE", "skole"),
    ("Technical Services", "TEKN", "teknisk"),
    ("Property Tax", "SKATT", "skatt"),
]
SERVICES = [
    ("Building permit", 21),
    ("Kindergarten place", 30),
    ("Snow clearing", 7),
    ("Property tax", 14),
    ("Waste collection", 7),
    ("Health centre appointment", 7),
    ("Disabled parking permit", 21),
    ("Start-up loan", 30),
    ("School transport", 14),
    ("Water and sewage fees", 14),
    ("Access to public records", 5),
    ("Home care services", 14),
    ("Street lighting", 14),
    ("Alcohol licence", 30),
    ("Municipal housing", 30),
    ("After-school care", 14),
    ("Road maintenance", 14),
    ("Noise complaint", 14),
    ("Chimney sweeping", 14),
    ("Grants to associations", 30),
]
# The front-line staff answer the counter and the phone; caseworkers sit in
# one back-office queue each; one supervisor/manager reads the reports.
AGENTS = ["bench_agent1", "bench_agent2", "bench_agent3", "bench_agent4"]
CASEWORKERS = [
    "bench_case1",
    "bench_case2",
    "bench_case3",
    "bench_case4",
    "bench_case5",
]
SUPERVISOR = "bench_supervisor"
OVERDUE_DAYS = 14  # helpdesk_mgmt has no deadline: "open for more than 14 days"


def view_spec(model, view_type, view=None):
    """The web_read specification the web client builds from a view: every
    field of the arch (hidden optional columns excepted), many2one and
    x2many values with their display name."""
    view_id = model.env.ref(view).id if view else False
    result = model.get_views([(view_id, view_type)])
    arch = etree.fromstring(result["views"][view_type]["arch"])
    fields_info = result["models"][model._name]["fields"]
    spec = {}
    for node in arch.iter("field"):
        name = node.get("name")
        if name not in fields_info or node.get("optional") == "hide":
            continue
        ftype = fields_info[name]["type"]
        widget = node.get("widget") or ""
        if ftype == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif ftype in ("one2many", "many2many"):
            if "tags" in widget:
                spec[name] = {"fields": {"display_name": {}, "color": {}}}
            else:
                spec[name] = {"fields": {}}
        else:
            spec[name] = {}
    return spec


class Product:
    """One product: its module, database, set-up and user operations."""

    label = None
    module = None
    kind = None
    record_model = None
    queue_model = None

    def __init__(self, dbname):
        self.dbname = dbname
        self._specs = {}

    def spec(self, model, view_type, view):
        """The view's read specification, built once: the web client loads
        a view once, then reads records with it."""
        key = (model._name, view_type, view, model.env.uid)
        if key not in self._specs:
            self._specs[key] = view_spec(model, view_type, view)
        return self._specs[key]

    # -- set-up -------------------------------------------------------------

    def is_set_up(self, env):
        return bool(env["res.users"].search_count([("login", "=", SUPERVISOR)]))

    def setup(self, env):
        """Create the organisation; commits."""
        domain = env["mail.alias.domain"].search([("name", "=", ALIAS_DOMAIN)])
        if not domain:
            domain = env["mail.alias.domain"].create({"name": ALIAS_DOMAIN})
        env.company.alias_domain_id = domain
        users = self.create_users(env)
        queues = self.create_queues(env, users)
        env["mail.alias"].search(
            [("alias_domain_id", "=", False)]
        ).alias_domain_id = domain
        self.create_services(env, queues)
        env.cr.commit()

    def create_users(self, env):
        Users = env["res.users"].with_context(
            no_reset_password=True, mail_create_nolog=True
        )
        groups = self.user_groups(env)
        users = {}
        for login in AGENTS + CASEWORKERS + [SUPERVISOR]:
            role = (
                "agent"
                if login in AGENTS
                else "case"
                if login in CASEWORKERS
                else "sup"
            )
            users[login] = Users.create(
                {
                    "name": login.replace("bench_", "Bench ").title(),
                    "login": login,
                    "email": f"{login}@{ALIAS_DOMAIN}",
                    "group_ids": [(6, 0, groups[role])],
                }
            )
        return users

    def user(self, env, login):
        return env["res.users"].search([("login", "=", login)], limit=1)

    def user_env(self, env, login):
        user = self.user(env, login)
        return env(user=user.id, su=False, context=dict(env.context, lang="en_US"))

    def enable_features(self, env):
        """Switch on what the product offers for intake; returns what is on."""
        return []

    def set_acknowledgement(self, env, on):
        """Acknowledge new e-mails (or stop); commits. citizen_crm always
        acknowledges an e-mail, and never a counter visit."""

    def set_assignment(self, env, method):
        """Automatic assignment method of every queue, where the product has
        one; returns whether it has; commits."""
        return False

    def set_identity_search_logging(self, env, on):
        """Log every search by identity number in an audit trail (or stop),
        where the product can; returns whether it can; commits."""
        return False

    # -- e-mail intake --------------------------------------------------------

    def mailbox(self, index):
        """Mailbox address of the index-th mail: 60 % to the front line, the
        rest to the five back offices in turn."""
        alias = QUEUES[0][2] if index % 5 < 3 else QUEUES[1 + (index // 5) % 5][2]
        return f"{alias}@{ALIAS_DOMAIN}"

    # -- counter -------------------------------------------------------------

    def counter_form(self, env):
        raise NotImplementedError

    def fill_counter_form(self, form, env, partner, index):
        raise NotImplementedError

    def counter_values(self, env, partners, start):
        """The values the counter form saves, for a batch create()."""
        from odoo.tests import Form

        result = []
        form = Form(*self.counter_form(env))
        self.fill_counter_form(form, env, partners[0], start)
        template = form._get_save_values()
        for offset, partner in enumerate(partners):
            vals = dict(template)
            vals.update(self.counter_partner_values(env, partner, start + offset))
            result.append(vals)
        return result

    def counter_model(self, env):
        return self.counter_form(env)[0]

    # -- reads ---------------------------------------------------------------

    def list_domain(self, env):
        raise NotImplementedError

    def list_first_page(self, env):
        model = env[self.record_model]
        spec = self.spec(model, "list", self.list_view)
        return model.web_search_read(
            self.list_domain(env), spec, offset=0, limit=80, count_limit=10001
        )

    def kanban(self, env):
        model = env[self.record_model].with_context(read_group_expand=True)
        spec = self.spec(model, "kanban", self.kanban_view)
        return model.web_read_group(
            self.list_domain(env),
            ["stage_id"],
            auto_unfold=True,
            unfold_read_specification=spec,
            unfold_read_default_limit=40,
        )

    def kanban_progress_bars(self, env):
        model = env[self.record_model]
        return model.read_progress_bar(
            self.list_domain(env), "stage_id", self.progress_bar
        )

    def report(self, env):
        return env[self.record_model].formatted_read_group(
            [], [self.queue_field, f"{self.date_field}:month"], ["__count"]
        )

    def queue_overview(self, env):
        return env[self.queue_model].web_search_read(
            [], {"display_name": {}, **{name: {} for name in self.queue_counters}}
        )

    def overdue_count(self, env):
        return env[self.record_model].search_count(self.overdue_domain(env))

    def name_lookup(self, env, text):
        return self.partner_model(env).web_name_search(
            text, {"display_name": {}}, limit=8
        )

    def partner_model(self, env):
        return env["res.partner"]

    def identity_lookup(self, env, number):
        raise NotImplementedError

    def sample_identity_numbers(self, env, count):
        raise NotImplementedError


class CitizenProduct(Product):
    label = "citizen_crm"
    module = "citizen_crm"
    kind = "citizen"
    record_model = "citizen.inquiry"
    queue_model = "citizen.queue"
    queue_field = "queue_id"
    date_field = "date_received"
    list_view = "citizen_crm.citizen_inquiry_view_list"
    kanban_view = "citizen_crm.citizen_inquiry_view_kanban"
    progress_bar = {
        "field": "priority",
        "colors": {"2": "danger", "1": "warning", "0": "muted"},
    }
    queue_counters = ("open_count", "unassigned_count", "overdue_count")

    def user_groups(self, env):
        ref = env.ref
        return {
            "agent": [ref("citizen_crm.group_frontdesk").id],
            "case": [ref("citizen_crm.group_caseworker").id],
            "sup": [ref("citizen_crm.group_supervisor").id],
        }

    def create_queues(self, env, users):
        Queue = env["citizen.queue"]
        front = env.ref("citizen_crm.citizen_queue_servicetorg")
        front.member_ids = [(6, 0, [users[login].id for login in AGENTS])]
        front.supervisor_id = users[SUPERVISOR]
        queues = [front]
        for (name, code, alias), login in zip(QUEUES[1:], CASEWORKERS, strict=True):
            queues.append(
                Queue.create(
                    {
                        "name": name,
                        "code": code,
                        "alias_name": alias,
                        "member_ids": [(6, 0, [users[login].id])],
                        "supervisor_id": users[SUPERVISOR].id,
                    }
                )
            )
        return queues

    def create_services(self, env, queues):
        themes = env["citizen.los.theme"].search([])
        Service = env["citizen.service"]
        # Working-hour SLA targets replaced the service's target days.
        if "sla_resolution_hours" in Service._fields:

            def target(days):
                return {"sla_resolution_hours": round(days * 5 / 7) * 8}
        else:

            def target(days):
                return {"target_resolution_days": days}

        Service.create(
            [
                {
                    "name": name,
                    **target(days),
                    "queue_id": queues[1 + index % 5].id,
                    "los_theme_id": themes[index % len(themes)].id if themes else False,
                }
                for index, (name, days) in enumerate(SERVICES)
            ]
        )

    def enable_features(self, env):
        """Deadlines come from the services' target times (set up above).
        Intake switches added by later features (acknowledgement, citizen
        matching, routing) are booleans of the company or the queues: switch on
        every such citizen_crm boolean whose name says so, and tell which."""
        enabled = ["deadlines (service target days)"]
        keywords = ("ack", "match", "rout", "sla", "auto_assign", "receipt", "confirm")
        for model_name, records in (
            ("res.company", env.company),
            ("citizen.queue", env["citizen.queue"].search([])),
        ):
            for name, field in env[model_name]._fields.items():
                if (
                    field.type == "boolean"
                    and field.store
                    and not field.compute
                    and name.startswith(
                        ("citizen_", "use_", "send_", "auto_", "match_")
                    )
                    and any(word in name for word in keywords)
                ):
                    records.write({name: True})
                    enabled.append(f"{model_name}.{name}")
        try:
            with env.cr.savepoint():
                enabled += self._enable_routing(env)
        except Exception as error:  # reported in the header of the table
            enabled.append(f"routing NOT configured ({error})")
        enabled.append(
            "message_new from " + type(env["citizen.inquiry"]).message_new.__module__
        )
        env.cr.commit()
        return enabled

    def set_assignment(self, env, method):
        queues = env["citizen.queue"].search([])
        if "assignment_method" not in queues._fields:
            return False
        queues.write({"assignment_method": method})
        env.cr.commit()
        return True

    def set_identity_search_logging(self, env, on):
        key = "citizen_crm.log_identity_searches"
        if "citizen_log_identity_searches" not in env["res.config.settings"]._fields:
            return False
        env["ir.config_parameter"].set_param(key, "True" if on else False)
        env.cr.commit()
        return True

    def _enable_routing(self, env):
        """Routing rules, assignment and service levels, where the routing
        feature is installed: what a municipality would configure."""
        enabled = []
        queues = env["citizen.queue"].search([], order="sequence, id")
        services = self._services(env)
        if "citizen.routing.rule" in env and not env[
            "citizen.routing.rule"
        ].search_count([]):
            keywords = [
                "byggesøknad",
                "barnehage",
                "eiendomsskatt",
                "brøyting",
                "skoleskyss",
            ]
            env["citizen.routing.rule"].create(
                [
                    {
                        "name": f"Bench: {word}",
                        "keywords": word,
                        "service_ids": [(6, 0, services[index::5].ids)],
                        "queue_id": queues[1 + index % (len(queues) - 1)].id,
                    }
                    for index, word in enumerate(keywords)
                ]
            )
            enabled.append("5 routing rules")
        if "assignment_method" in queues._fields:
            # Automatic assignment is not among the features the intake
            # target names, and helpdesk_mgmt has none: the queues keep
            # their default (manual) and the intake phases measure balanced
            # assignment in a separate run (set_assignment).
            enabled.append("manual assignment (balanced: separate rows)")
        sla = {"sla_first_response_hours": 8.0, "sla_resolution_hours": 80.0}
        sla = {name: value for name, value in sla.items() if name in services._fields}
        if sla:
            services.write(sla)
            enabled.append("service levels")
        return enabled

    def counter_form(self, env):
        from odoo.tools.safe_eval import safe_eval

        action = env["ir.actions.act_window"]._for_xml_id(
            "citizen_crm.citizen_inquiry_action_counter"
        )
        context = safe_eval(action.get("context") or "{}", {"uid": env.uid})
        model = env["citizen.inquiry"].with_context(**context)
        return model, "citizen_crm.citizen_inquiry_view_form_counter"

    def _services(self, env):
        return env["citizen.service"].search([], order="id")

    def fill_counter_form(self, form, env, partner, index):
        services = self._services(env)
        form.partner_id = partner
        form.service_id = services[index % len(services)]
        form.name = f"Counter visit {index}: {services[index % len(services)].name}"
        form.description = (
            "<p>Asked about the opening hours and the application form.</p>"
        )
        form.answered_directly = index % 2 == 0

    def counter_partner_values(self, env, partner, index):
        services = self._services(env)
        return {
            "partner_id": partner.id,
            "service_id": services[index % len(services)].id,
            "name": f"Counter visit {index}: {services[index % len(services)].name}",
            "answered_directly": index % 2 == 0,
        }

    def front_queue(self, env):
        return env.ref("citizen_crm.citizen_queue_servicetorg")

    def list_domain(self, env):
        return [("queue_id", "=", self.front_queue(env).id), ("is_closed", "=", False)]

    def overdue_domain(self, env):
        return [("is_overdue", "=", True)]

    def partner_model(self, env):
        # the citizen field of the inquiry forms searches with this context
        return env["res.partner"].with_context(citizen_search=True)

    def identity_lookup(self, env, number):
        return env["res.partner"].search([("national_id_masked", "=", number)])

    def sample_identity_numbers(self, env, count):
        env.cr.execute(
            "SELECT national_id FROM res_partner WHERE national_id IS NOT NULL "
            "ORDER BY id LIMIT %s",
            (count,),
        )
        return [row[0] for row in env.cr.fetchall()]


# The acknowledgement helpdesk_mgmt sends in the bench: what citizen_crm's
# says (number, team, how to add something), to the ticket's partner or,
# without one, to the sender's address.
HELPDESK_ACK_BODY = """<div style="margin: 0px; padding: 0px;">
    <p>Hello,</p>
    <p>Thank you for contacting <t t-out="object.team_id.name or ''"/> at
        <t t-out="object.company_id.name or ''"/>. Your request has the reference
        <strong t-out="object.number or ''"/>.</p>
    <p>You can expect an answer within 14 days. If you want to add something,
        reply to this e-mail and keep the reference in the subject.</p>
    <p>Kind regards<br/><t t-out="object.team_id.name or ''"/></p>
    <p style="font-size: 12px; color: #888888;">This is an automatic
        confirmation that we received your e-mail.</p>
</div>"""
HELPDESK_ACK = {
    "name": "Bench: ticket received",
    "subject": "We have received your request - {{ object.number }}",
    "partner_to": "{{ object.partner_id.id or '' }}",
    "email_to": "{{ (not object.partner_id and object.partner_email) or '' }}",
    "auto_delete": True,
    "body_html": HELPDESK_ACK_BODY,
}


class HelpdeskProduct(Product):
    label = "helpdesk_mgmt"
    module = "helpdesk_mgmt"
    kind = "helpdesk"
    record_model = "helpdesk.ticket"
    queue_model = "helpdesk.ticket.team"
    queue_field = "team_id"
    date_field = "create_date"
    list_view = "helpdesk_mgmt.ticket_view_tree"
    kanban_view = "helpdesk_mgmt.view_helpdesk_ticket_kanban"
    progress_bar = {
        "field": "activity_state",
        "colors": {"planned": "success", "today": "warning", "overdue": "danger"},
    }
    queue_counters = (
        "todo_ticket_count",
        "todo_ticket_count_unassigned",
        "todo_ticket_count_unattended",
        "todo_ticket_count_high_priority",
    )

    def user_groups(self, env):
        ref = env.ref
        return {
            "agent": [ref("helpdesk_mgmt.group_helpdesk_user_team").id],
            "case": [ref("helpdesk_mgmt.group_helpdesk_user_team").id],
            "sup": [ref("helpdesk_mgmt.group_helpdesk_manager").id],
        }

    def create_queues(self, env, users):
        Team = env["helpdesk.ticket.team"]
        members = [AGENTS] + [[login] for login in CASEWORKERS]
        teams = []
        for (name, _code, alias), logins in zip(QUEUES, members, strict=True):
            teams.append(
                Team.create(
                    {
                        "name": name,
                        "alias_name": alias,
                        "user_ids": [(6, 0, [users[login].id for login in logins])],
                        "user_id": users[SUPERVISOR].id,
                    }
                )
            )
        return teams

    def create_services(self, env, queues):
        env["helpdesk.ticket.category"].create(
            [{"name": name} for name, _days in SERVICES]
        )

    def enable_features(self, env):
        return [
            "helpdesk_mgmt: no deadlines, routing rules or automatic assignment",
            "acknowledgement of e-mails: a mail template on the New stage "
            "(helpdesk_mgmt's way), switched on for the intake phases only",
        ]

    def set_acknowledgement(self, env, on):
        """helpdesk_mgmt mails the customer the template of a ticket's stage
        when the stage is set, also at creation: a template on the New stage
        is its acknowledgement of receipt. Counter visits are acknowledged by
        neither product, so it is on only while e-mails come in."""
        stage = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        template = env.ref("__bench__.helpdesk_ack", raise_if_not_found=False)
        if on and not template:
            template = env["mail.template"].create(
                dict(HELPDESK_ACK, model_id=env["ir.model"]._get_id("helpdesk.ticket"))
            )
            env["ir.model.data"].create(
                {
                    "module": "__bench__",
                    "name": "helpdesk_ack",
                    "model": "mail.template",
                    "res_id": template.id,
                }
            )
        stage.mail_template_id = template if on else False
        env.cr.commit()

    def counter_form(self, env):
        return env["helpdesk.ticket"], None

    def fill_counter_form(self, form, env, partner, index):
        categories = env["helpdesk.ticket.category"].search([], order="id")
        form.partner_id = partner
        form.team_id = self.front_queue(env)
        form.channel_id = env.ref("helpdesk_mgmt.helpdesk_ticket_channel_other")
        form.category_id = categories[index % len(categories)]
        form.name = f"Counter visit {index}: {categories[index % len(categories)].name}"
        form.description = (
            "<p>Asked about the opening hours and the application form.</p>"
        )
        if index % 2 == 0:
            # answered at the counter: the agent closes it in the same form
            form.stage_id = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")

    def counter_partner_values(self, env, partner, index):
        categories = env["helpdesk.ticket.category"].search([], order="id")
        category = categories[index % len(categories)]
        vals = {
            "partner_id": partner.id,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "category_id": category.id,
            "name": f"Counter visit {index}: {category.name}",
        }
        done = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        new = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        vals["stage_id"] = done.id if index % 2 == 0 else new.id
        return vals

    def front_queue(self, env):
        return env["helpdesk.ticket.team"].search([], order="sequence, id", limit=1)

    def list_domain(self, env):
        return [
            ("team_id", "=", self.front_queue(env).id),
            ("stage_id.closed", "=", False),
        ]

    def overdue_domain(self, env):
        limit = datetime.datetime.now() - datetime.timedelta(days=OVERDUE_DAYS)
        return [("stage_id.closed", "=", False), ("create_date", "<", limit)]

    def identity_lookup(self, env, number):
        return env["res.partner"].search([("ref", "=", number)])

    def sample_identity_numbers(self, env, count):
        env.cr.execute(
            "SELECT ref FROM res_partner WHERE ref ~ '^[0-9]{11}$' "
            "ORDER BY id LIMIT %s",
            (count,),
        )
        return [row[0] for row in env.cr.fetchall()]


PRODUCTS = {"citizen": CitizenProduct, "helpdesk": HelpdeskProduct}
