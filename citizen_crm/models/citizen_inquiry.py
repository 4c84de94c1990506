from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

# The models this file's classes inherit, defined before them whatever the
# order of models/__init__.py.
from . import (  # noqa: F401
    citizen_inquiry_archive,
    citizen_inquiry_counter,
    citizen_inquiry_deadlines,
    citizen_inquiry_gdpr,
    citizen_inquiry_legal,
    citizen_inquiry_mail,
    citizen_inquiry_portal,
    citizen_inquiry_privacy,
    citizen_inquiry_routing,
    citizen_inquiry_sla,
)
from .citizen_inquiry_privacy import FOLLOWER_ACCESS_FIELDS
from .mail_thread_gateway import record_inquiries

PRIORITIES = [
    ("0", "Normal"),
    ("1", "High"),
    ("2", "Urgent"),
]

RESOLUTIONS = [
    ("first_contact", "Answered at first contact"),
    ("forwarded", "Forwarded"),
    ("case_opened", "Case opened"),
    ("referred", "Referred elsewhere"),
    ("rejected", "Rejected"),
]


class CitizenInquiry(models.Model):
    """One contact from a citizen through one channel (henvendelse).

    The inquiry is put together from named mixins, one per concern, each in
    its own file (``citizen_inquiry_<concern>.py``): routing and assignment,
    deadlines, service level, legal deadlines, privacy, the mail gateway,
    the portal, the counter and data-subject requests. They hold the
    concern's fields and steps.

    Every method Odoo calls on an inquiry (``create``, ``write``,
    ``message_new``, ``_compute_display_name``…) is overridden here and only
    here: it calls the concerns' named steps in the order you read below, so
    no behaviour depends on the order in which the files are imported (a test,
    test_architecture.py, checks that no mixin overrides an Odoo method or
    another mixin's).
    """

    _name = "citizen.inquiry"
    _description = "Citizen Inquiry"
    _inherit = [
        "mail.thread.cc",
        "mail.activity.mixin",
        "portal.mixin",
        "citizen.inquiry.routing",
        "citizen.inquiry.deadlines",
        "citizen.inquiry.sla",
        "citizen.inquiry.legal",
        "citizen.inquiry.privacy",
        "citizen.inquiry.mail",
        "citizen.inquiry.portal",
        "citizen.inquiry.counter",
        "citizen.inquiry.gdpr",
        "citizen.inquiry.archive",
    ]
    _order = "priority desc, date_received desc, id desc"
    _rec_names_search = ["number", "name"]
    _primary_email = "partner_email"
    _check_company_auto = True

    number = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
    )
    name = fields.Char(
        string="Subject",
        required=True,
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    description = fields.Html()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Municipality",
        required=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Citizen",
        tracking=True,
        check_company=True,
        domain=lambda self: self.env["res.partner"]._citizen_picker_domain(),
    )
    partner_name = fields.Char(
        string="Contact Name",
        compute="_compute_partner_contact",
        store=True,
        readonly=False,
        help="Name of an unidentified contact; filled from the citizen otherwise.",
    )
    partner_email = fields.Char(
        string="Contact E-mail",
        compute="_compute_partner_contact",
        store=True,
        readonly=False,
    )
    partner_phone = fields.Char(
        string="Contact Phone",
        compute="_compute_partner_contact",
        store=True,
        readonly=False,
    )
    channel_id = fields.Many2one(
        "citizen.channel",
        string="Channel",
        required=True,
        ondelete="restrict",
        default=lambda self: self._default_channel_id(),
    )
    service_id = fields.Many2one(
        "citizen.service",
        string="Service",
        index=True,
        tracking=True,
        check_company=True,
    )
    los_theme_id = fields.Many2one(
        related="service_id.los_theme_id", store=True, string="LOS Theme", index=True
    )
    queue_id = fields.Many2one(
        "citizen.queue",
        string="Queue",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
        compute="_compute_queue_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    stage_id = fields.Many2one(
        "citizen.inquiry.stage",
        string="Stage",
        index=True,
        tracking=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_stage_ids",
        compute="_compute_stage_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="['|', ('queue_ids', '=', False), ('queue_ids', '=', queue_id)]",
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        index=True,
        tracking=True,
        domain=[("share", "=", False)],
        check_company=True,
    )
    priority = fields.Selection(PRIORITIES, default="0")
    date_received = fields.Datetime(
        string="Received",
        required=True,
        index=True,
        default=fields.Datetime.now,
        copy=False,
    )
    date_first_response = fields.Datetime(string="First Response", copy=False)
    date_closed = fields.Datetime(
        string="Closed",
        copy=False,
        index=True,
        compute="_compute_date_closed",
        store=True,
        readonly=False,
        precompute=True,
        help="When the inquiry reached a closing stage; moving between closing "
        "stages keeps it, reopening clears it.",
    )
    resolution = fields.Selection(RESOLUTIONS, tracking=True, copy=False)
    resolution_note = fields.Text(copy=False)
    answered_directly = fields.Boolean(
        string="Answered directly",
        compute="_compute_answered_directly",
        inverse="_inverse_answered_directly",
        help="The citizen got the answer at the counter or on the phone: the "
        "inquiry is closed as answered at first contact.",
    )
    first_contact_rate = fields.Float(
        string="Answered at First Contact (%)",
        compute="_compute_first_contact_rate",
        store=True,
        aggregator="avg",
    )
    is_confidential = fields.Boolean(
        string="Confidential",
        tracking=True,
        help="Subject to a duty of confidentiality (taushetsplikt, offl. § 13): "
        "only members of the handling queue and supervisors can see it.",
    )
    case_id = fields.Many2one(
        "citizen.case", string="Case", index=True, tracking=True, check_company=True
    )
    # Not a measure: a colour's number means nothing summed or averaged.
    color = fields.Integer(string="Color Index", aggregator=None)

    # Every index is written by each new inquiry and planned for each query,
    # so columns no query can narrow by have none of their own:
    # - number and partner_id lead the unique constraint and _partner_date_idx;
    # - company_id, is_closed, priority, resolution, channel_id,
    #   screening_basis_id and is_anonymised hold a few values, each on a large
    #   share of the rows; open inquiries are read through the partial indexes
    #   below, and reports group over every row anyway.
    # Columns filtered on a rare value (inquiry_type, sla_status,
    # legal_deadline_state, stage_id for "Waiting on Citizen") and those
    # searched by date keep theirs.
    _number_company_unique = models.Constraint(
        "UNIQUE(number, company_id)", "The inquiry number must be unique."
    )
    _open_queue_stage_idx = models.Index("(queue_id, stage_id) WHERE active IS TRUE")
    _partner_date_idx = models.Index("(partner_id, date_received DESC)")
    # Open inquiries of a queue in the list's default order, carrying what the
    # queue views filter, count and group on (stage, assignee, deadline, the
    # record rules' company and confidentiality): the first list page, the
    # kanban columns, the queue counters and the overdue count read this
    # index alone, in milliseconds at a million inquiries (bench/README.md).
    _open_queue_order_idx = models.Index(
        "(queue_id, priority DESC, date_received DESC, id DESC) "
        "INCLUDE (stage_id, user_id, date_deadline, company_id, is_confidential) "
        "WHERE active IS TRUE AND is_closed IS NOT TRUE"
    )
    # The queue x month report reads this instead of the whole table.
    _queue_date_received_idx = models.Index(
        "(queue_id, date_received) INCLUDE (company_id) WHERE active IS TRUE"
    )

    # ------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------

    @api.model
    def _default_channel_id(self):
        # the xmlid's record id is cached; env.ref() would also check that
        # the record exists, one query per new inquiry
        return self.env["citizen.channel"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(
                "citizen_crm.channel_counter", raise_if_not_found=False
            )
        )

    @api.model
    def _citizen_default_queue(self, company=None):
        company = company or self.env.company
        queue = company.citizen_default_queue_id
        if not queue or not queue.active:
            queue = self.env["citizen.queue"].search(
                [("company_id", "=", company.id), ("queue_type", "=", "front_line")],
                limit=1,
            )
        user = self.env.user
        # The queue is a stored compute, evaluated as superuser: decide on the
        # user's groups, not on env.su. The mail gateway, the web form and the
        # crons run as users without these groups and keep the front line.
        if (
            queue
            and user.has_group("citizen_crm.group_caseworker")
            and not user.has_group("citizen_crm.group_frontdesk")
            and user not in queue.member_ids
        ):
            # A caseworker taking a phone call may only register inquiries in
            # their own queues: start there rather than fail on the front line.
            own_queue = self.env["citizen.queue"].search(
                [("company_id", "=", company.id), ("member_ids", "in", user.ids)],
                limit=1,
            )
            return own_queue or queue
        return queue

    @api.depends("service_id", "channel_id")
    def _compute_name(self):
        for inquiry in self:
            if not inquiry.name or inquiry._citizen_has_automatic_name():
                inquiry.name = inquiry.service_id.name or inquiry.channel_id.name or ""

    def _citizen_has_automatic_name(self):
        """The subject was filled from a channel or a service, not typed: it
        follows the service chosen afterwards."""
        self.ensure_one()
        channel_names = self.env["citizen.channel"].search([]).mapped("name")
        services = self.env["citizen.service"]
        return self.name in channel_names or bool(
            services.search_count([("name", "=", self.name)], limit=1)
        )

    @api.depends("partner_id")
    def _compute_partner_contact(self):
        for inquiry in self:
            partner = inquiry.partner_id
            if partner:
                inquiry.partner_name = partner.name
                inquiry.partner_email = partner.email
                inquiry.partner_phone = partner.phone

    @api.depends("company_id")
    def _compute_queue_id(self):
        for inquiry in self:
            if (
                not inquiry.queue_id
                or inquiry.queue_id.company_id != inquiry.company_id
            ):
                queue = self._citizen_default_queue(inquiry.company_id)
                if not queue:
                    raise UserError(
                        self.env._(
                            "%(company)s has no front-line queue to receive "
                            "inquiries: a supervisor must create one first.",
                            company=inquiry.company_id.name,
                        )
                    )
                inquiry.queue_id = queue

    @api.depends("queue_id")
    def _compute_stage_id(self):
        # one stage search per queue, not per inquiry: batch registration
        first_stages = {}
        for inquiry in self:
            if not inquiry.stage_id:
                queue = inquiry.queue_id
                if queue not in first_stages:
                    first_stages[queue] = inquiry._citizen_first_stage(queue)
                inquiry.stage_id = first_stages[queue]

    @api.model
    def _citizen_first_stage(self, queue=None, closed=False):
        domain = Domain("is_closed", "=", closed)
        if queue:
            domain &= Domain("queue_ids", "=", False) | Domain(
                "queue_ids", "in", queue.ids
            )
        else:
            domain &= Domain("queue_ids", "=", False)
        return self.env["citizen.inquiry.stage"].search(
            domain, order="sequence, id", limit=1
        )

    @api.depends("resolution")
    def _compute_answered_directly(self):
        for inquiry in self:
            inquiry.answered_directly = inquiry.resolution == "first_contact"

    def _inverse_answered_directly(self):
        # On an existing inquiry; create closes those answered after they
        # exist, where the stage may set the closing date.
        to_close = self.filtered(lambda i: i.answered_directly and not i.is_closed)
        to_close._citizen_close("first_contact")

    @api.depends("resolution")
    def _compute_first_contact_rate(self):
        for inquiry in self:
            inquiry.first_contact_rate = (
                100.0 if inquiry.resolution == "first_contact" else 0.0
            )

    @api.depends("stage_id.is_closed")
    def _compute_date_closed(self):
        # The one writer of the closing date: a stage change closes or reopens.
        now = fields.Datetime.now()
        for inquiry in self:
            if inquiry.stage_id.is_closed:
                inquiry.date_closed = inquiry.date_closed or now
            else:
                inquiry.date_closed = False

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        queue_id = self.env.context.get("default_queue_id")
        search_domain = Domain("queue_ids", "=", False)
        if queue_id:
            search_domain |= Domain("queue_ids", "in", [queue_id])
        return stages.search(search_domain, order=stages._order)

    @api.depends("number", "name", "public_title", "is_confidential")
    def _compute_display_name(self):
        # The display name travels: mail subjects, record names of messages,
        # links from other records. A confidential inquiry shows its public title.
        for inquiry in self:
            title = inquiry._citizen_public_title()
            inquiry.display_name = f"{inquiry.number} {title or ''}".strip()

    # ------------------------------------------------------------
    # CRUD: every step of every concern, in the order it runs
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Before: values decided by the addon.
        self._citizen_number_vals_list(vals_list)
        self._citizen_closing_vals_list(vals_list)
        self._citizen_screening_vals_list(vals_list)
        routes, assigned, model = {}, set(), self
        if not self.env.context.get("citizen_skip_routing"):
            routes = self._citizen_route_vals_list(vals_list)
            assigned = self._citizen_assign_vals_list(vals_list)
            model = self._citizen_assignment_context(vals_list, assigned)
        answered = [bool(vals.pop("answered_directly", False)) for vals in vals_list]
        inquiries = super(CitizenInquiry, model).create(vals_list).with_env(self.env)
        # After, in this order.
        inquiries._citizen_check_counter_contact()
        inquiries._citizen_check_closing_resolution()
        inquiries._citizen_close_answered_directly(answered)
        inquiries._citizen_log_routing(routes, assigned)
        inquiries._citizen_start_sla_clock()
        inquiries._citizen_clear_restricted_contact()
        inquiries._citizen_sync_confidential_followers()
        inquiries._citizen_link_letter_attachments()
        inquiries._citizen_flag_manual_deadlines(
            [vals.get("date_deadline") for vals in vals_list]
        )
        inquiries._citizen_sync_gdpr_requests()
        inquiries._citizen_announce_registered_forward()
        return inquiries

    def write(self, vals):
        # Before: values decided by the addon, and what the write will change.
        self._citizen_screening_vals(vals)
        self._citizen_check_closing_vals(vals)
        sla_clock = self._citizen_sla_clock_changes(vals)
        moved = self._citizen_queue_moves(vals)
        if vals.get("user_id"):
            self.message_subscribe(
                partner_ids=self.env["res.users"].browse(vals["user_id"]).partner_id.ids
            )
        relinked = self.browse()
        if "partner_id" in vals:
            relinked = self.filtered(
                lambda i: i.partner_id.id != (vals["partner_id"] or False)
            )
        result = super().write(vals)
        # After, in this order.
        if "stage_id" in vals:
            self._citizen_stamp_closing_date()
        relinked._citizen_rotate_access_token()
        self._citizen_apply_sla_clock(sla_clock)
        if {"partner_id", "partner_email", "partner_phone"} & set(vals):
            self._citizen_clear_restricted_contact()
        if FOLLOWER_ACCESS_FIELDS & set(vals):
            self._citizen_sync_confidential_followers()
        if "letter_attachment_ids" in vals:
            self._citizen_link_letter_attachments()
        if "date_deadline" in vals:
            self._citizen_flag_manual_deadlines([vals["date_deadline"]] * len(self))
        if "inquiry_type" in vals:
            self._citizen_sync_gdpr_requests()
        if moved:
            self._citizen_announce_forward(moved, assignee_chosen="user_id" in vals)
        return result

    def _read_group_select(self, aggregate_spec, query):
        # super() checks the field and the user's access to it first.
        sql = super()._read_group_select(aggregate_spec, query)
        return self._citizen_duration_select(aggregate_spec, query, sql)

    def read(self, fields=None, load="_classic_read"):
        result = super().read(fields, load)
        if not self.env.su:
            self._citizen_audit_confidential("view", fields or ["*"])
        return result

    def export_data(self, fields_to_export):
        result = super().export_data(fields_to_export)
        roots = sorted({path.split("/")[0] for path in fields_to_export})
        self._citizen_audit_confidential("export", roots)
        return result

    @api.model
    def _citizen_number_vals_list(self, vals_list):
        """Give each new inquiry the next number of its municipality."""
        new_label = self.env._("New")
        sequences = {}
        for vals in vals_list:
            if not vals.get("number") or vals["number"] == new_label:
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["number"] = self._citizen_next_number(
                    company, vals.get("date_received"), sequences
                )

    @api.model
    def _citizen_next_number(self, company, date=None, sequences=None):
        """Next number of the municipality's sequence for the date.

        ``sequences`` (a dict kept by the caller across one create()) remembers
        the sequence, or its yearly range, per municipality and date: a batch of
        registrations then costs one ``nextval`` per inquiry instead of three
        queries (what ``next_by_code`` does each time).
        """
        sequence_date = fields.Date.to_date(date) if date else fields.Date.today()
        key = (company.id, sequence_date)
        current = sequences.get(key) if sequences is not None else None
        if current is None:
            # The sequence is used by every user who registers an inquiry, but
            # ir.sequence is only readable by administrators.
            Sequence = self.env["ir.sequence"].sudo().with_company(company)
            domain = [
                ("code", "=", "citizen.inquiry"),
                ("company_id", "in", [company.id, False]),
            ]
            sequence = Sequence.search(domain, order="company_id", limit=1)
            if not sequence:
                company._citizen_ensure_inquiry_sequence()
                sequence = Sequence.search(domain, order="company_id", limit=1)
            current = sequence._get_current_sequence(sequence_date)
            if sequences is not None:
                sequences[key] = current
        if current._name == "ir.sequence.date_range":
            # as ir.sequence._next() calls it, for the range's year in the prefix
            return current.with_context(
                ir_sequence_date_range=current.date_from
            )._next()
        return current._next()

    @api.model
    def _citizen_closing_vals_list(self, vals_list):
        """Leave the closing date to the stage: an empty one (a form sends
        every field) is no value, and left in it would keep the stage from
        setting it when the inquiry is closed during its creation (answered
        at the counter)."""
        for vals in vals_list:
            if "date_closed" in vals and not vals["date_closed"]:
                del vals["date_closed"]

    def _citizen_stamp_closing_date(self):
        """Compute the closing date now, at the stage change: computed
        whenever it is next read, it would say when it was read."""
        self.mapped("date_closed")

    def _citizen_close_answered_directly(self, answered):
        """Close the new inquiries (``self``) whose ``answered`` flag says the
        citizen got the answer at the counter or on the phone. Done after
        creation, where the stage may still set the closing date."""
        self.browse(
            inquiry.id
            for inquiry, directly in zip(self, answered, strict=True)
            if directly and not inquiry.is_closed
        )._citizen_close("first_contact")

    def _citizen_check_closing_resolution(self):
        """A new inquiry registered as closed says how it was resolved."""
        if self.filtered(lambda i: i.is_closed and not i.resolution):
            raise UserError(
                self.env._("Choose a resolution before closing an inquiry.")
            )

    def _citizen_check_closing_vals(self, vals):
        """Closing an inquiry needs a resolution (the Close button asks)."""
        if "stage_id" not in vals or vals.get("resolution"):
            return
        stage = self.env["citizen.inquiry.stage"].browse(vals["stage_id"])
        missing = self.filtered(lambda i: not i.resolution) if stage.is_closed else []
        if missing:
            raise UserError(
                self.env._(
                    "Choose a resolution before closing the inquiry %(number)s: "
                    "use the Close button.",
                    number=missing[0].number,
                )
            )

    # ------------------------------------------------------------
    # Business flows
    # ------------------------------------------------------------

    def _citizen_close(self, resolution, note=False):
        """Close with a resolution; the one path used by buttons, wizard and intake."""
        if resolution == "case_opened" and any(not i.case_id for i in self):
            raise UserError(
                self.env._("Link the case that was opened before closing the inquiry.")
            )
        for queue_inquiries in self.grouped("queue_id").values():
            stage = self._citizen_first_stage(queue_inquiries.queue_id, closed=True)
            if not stage:
                raise UserError(self.env._("No closing stage is configured."))
            vals = {"stage_id": stage.id, "resolution": resolution}
            if note:
                vals["resolution_note"] = note
            unanswered = queue_inquiries.filtered(lambda i: not i.date_first_response)
            queue_inquiries.write(vals)
            # Closing answers the citizen: it is the first response when no
            # message did it before.
            unanswered._citizen_mark_first_response()
        return True

    def _citizen_suggested_resolutions(self):
        """{inquiry: the resolution its history points to, or False}: a case
        linked to it, a case opened; forwarded, forwarded. Otherwise nothing:
        only the user knows whether the citizen was answered at the first
        contact, and a default would inflate that share."""
        forwarded_subtype = self.env["ir.model.data"]._xmlid_to_res_id(
            "citizen_crm.mt_inquiry_forwarded"
        )
        # sudo: only whether a forward was logged on inquiries the user closes
        forwarded = {
            res_id
            for (res_id,) in self.env["mail.message"]
            .sudo()
            ._read_group(
                [
                    ("model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("subtype_id", "=", forwarded_subtype),
                ],
                ["res_id"],
            )
        }
        return {
            inquiry: "case_opened"
            if inquiry.case_id
            else "forwarded"
            if inquiry.id in forwarded
            else False
            for inquiry in self
        }

    def action_reopen(self):
        """The citizen comes back: the inquiry goes back to the first open stage."""
        for inquiry in self.filtered("is_closed"):
            inquiry.write(
                {
                    "stage_id": self._citizen_first_stage(inquiry.queue_id).id,
                    "resolution": False,
                }
            )
            inquiry.message_post(
                body=inquiry._citizen_in_company_lang().env._("Inquiry reopened."),
                subtype_xmlid="citizen_crm.mt_inquiry_reopened",
                partner_ids=inquiry.user_id.partner_id.ids,
            )
        return True

    def action_register(self):
        """The counter form's Register button (the form saves first): say the
        number to tell the citizen, and open the inquiry where the user may
        still read it (routing may have sent it to a back office)."""
        self.ensure_one()
        readable = self.has_access("read")
        # sudo: who registered it, then its number for them only; anyone
        # else needs read access, as for any inquiry.
        if not readable and self.sudo().create_uid != self.env.user:
            self.check_access("read")
        number = self.sudo().number
        params = {
            "type": "success",
            "sticky": True,
            "title": self.env._("Inquiry %(number)s registered", number=number),
            "message": self.env._(
                "Give the citizen the number %(number)s: it is their reference "
                "in every answer and on the tracking page.",
                number=number,
            ),
        }
        if readable:
            params["next"] = {
                "type": "ir.actions.act_window",
                "res_model": self._name,
                "res_id": self.id,
                "views": [[False, "form"]],
                "target": "current",
            }
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": params,
        }

    @api.model
    def _citizen_home_action(self):
        """Where the Servicetorg app opens for the user: the queue overview
        for a supervisor, the servicetorg's open inquiries (today's desk, with
        the Register menu above) for the front desk, their queues' open
        inquiries for a caseworker."""
        user = self.env.user
        if user.has_group("citizen_crm.group_supervisor"):
            return self.env["ir.actions.act_window"]._for_xml_id(
                "citizen_crm.citizen_queue_action_overview"
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_crm.citizen_inquiry_action"
        )
        if user.has_group("citizen_crm.group_frontdesk"):
            action["name"] = action["display_name"] = self.env._("Today's Desk")
            action["context"] = {
                "search_default_filter_front_line": 1,
                "search_default_filter_open": 1,
            }
        else:
            action["name"] = action["display_name"] = self.env._("My Queues")
            action["context"] = {
                "search_default_filter_my_queues": 1,
                "search_default_filter_open": 1,
            }
        return action

    def action_assign_to_me(self):
        self.write({"user_id": self.env.uid})
        return True

    def action_open_close_wizard(self):
        return self._citizen_open_wizard(
            "citizen.inquiry.close", self.env._("Close Inquiry")
        )

    def action_open_forward_wizard(self):
        return self._citizen_open_wizard(
            "citizen.inquiry.forward", self.env._("Forward Inquiry")
        )

    def _citizen_open_wizard(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def _citizen_forward(self, queue, user=None, note=False):
        """Hand the inquiries to another queue (the Forward wizard, routing on
        demand): the same write as changing the Queue field, which
        _citizen_announce_forward follows with the log, the notification and
        the assignment."""
        queue.ensure_one()
        self.check_access("write")
        self.with_context(citizen_forward_note=note or False).write(
            {"queue_id": queue.id, "user_id": user.id if user else False}
        )
        return True

    # ------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A new mail becomes an inquiry: the sender is matched to a citizen,
        the inquiry is created and routed (on the mail's text as well), then
        acknowledged. mail.thread(.cc)'s message_new is not called (see
        _citizen_create_from_mail): an addon overriding mail.thread.message_new
        for every model must extend this one as well for inquiries."""
        # The gateway user (OdooBot) must not become the assignee.
        self = self.with_context(default_user_id=False)
        intake = self._citizen_mail_intake(msg_dict, custom_values)
        inquiry = self._citizen_create_from_mail(intake["msg_dict"], intake["values"])
        record_inquiries(inquiry.ids)
        inquiry._citizen_log_partial_reading()
        if intake["unverified"]:
            inquiry._citizen_log_unverified_sender(intake["unverified"])
            # the mail itself is posted next, under this verdict
            inquiry = inquiry.with_context(
                citizen_mail_sender_unverified=intake["unverified"]
            )
        inquiry._citizen_send_acknowledgement(
            msg_dict, withhold_address=intake["withheld"]
        )
        # the gateway posts the mail itself next: the message that opens the
        # inquiry, not a follow-up for its handlers
        return inquiry.with_context(citizen_new_inquiry=True)

    def message_update(self, msg_dict, update_vals=None):
        record_inquiries(self.ids)
        if not self._citizen_mail_automated_reason(msg_dict, reopening=True):
            # The citizen came back; automated mail (out-of-office...) does not
            # reopen an answered inquiry.
            self.filtered("is_closed").action_reopen()
        self._citizen_log_partial_reading()
        return super().message_update(msg_dict, update_vals=update_vals)

    @api.model
    def _routing_check_route(self, message, message_dict, route, raise_exception=True):
        route = self._citizen_route_by_subject_number(message_dict, route)
        return super()._routing_check_route(
            message, message_dict, route, raise_exception=raise_exception
        )

    @api.model
    def _detect_loop_sender_domain(self, email_from_normalized):
        """Same query as Odoo's (recent inquiries from this sender), on the
        normalized address: an equality served by _partner_email_recent_idx
        instead of an unindexable ILIKE '%address%'."""
        if not email_from_normalized:
            return []
        return [("partner_email_normalized", "=", email_from_normalized)]

    # ------------------------------------------------------------
    # Messages and notifications
    # ------------------------------------------------------------

    def _citizen_in_company_lang(self):
        """This inquiry in its municipality's language: what the system writes
        in the chatter is in it, whoever made it write (a user in another
        language, OdooBot's crons in English)."""
        self.ensure_one()
        return self.with_context(lang=self.company_id._citizen_lang())

    def _creation_message(self):
        """ "Inquiry created", in the municipality's language."""
        return super(
            CitizenInquiry, self._citizen_in_company_lang()
        )._creation_message()

    def _message_post_after_hook(self, message, msg_values):
        self._citizen_check_first_response(message)
        return super()._message_post_after_hook(message, msg_values)

    def _message_compute_author(self, author_id=None, email_from=None):
        public_author = self._citizen_public_author(author_id, email_from)
        if public_author:
            return public_author
        return super()._message_compute_author(
            author_id=author_id, email_from=email_from
        )

    def _message_subscribe(self, partner_ids=None, subtype_ids=None, customer_ids=None):
        """The ways of following by request (the Followers button, the
        author of a post, an addressee with autofollow, the assignment in
        write, a forward) end here: nobody who may not read a confidential
        inquiry starts following it. Odoo's own subscriptions in create and
        write (creator, auto-subscribed assignee) are checked right after, by
        _citizen_sync_confidential_followers."""
        # sudo: the confidentiality flag decides only which path is taken
        if not partner_ids or not any(self.sudo().mapped("is_confidential")):
            return super()._message_subscribe(partner_ids, subtype_ids, customer_ids)
        # sudo: deciding only; the caller's own rights were checked by
        # message_subscribe, or it is a system step (assignment, forward).
        allowed = self.sudo()._citizen_allowed_followers(
            self.env["res.partner"].browse(partner_ids)
        )
        for partners, inquiries in self._citizen_group_by(allowed).items():
            super(CitizenInquiry, inquiries.with_env(self.env))._message_subscribe(
                partners.ids, subtype_ids, customer_ids
            )
        return True

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        recipients = super()._notify_get_recipients(
            message, msg_vals=msg_vals, **kwargs
        )
        recipients = self._citizen_add_handler_recipients(recipients, message, msg_vals)
        return self._citizen_screen_recipients(recipients, message)

    def _notify_get_reply_to(self, default=None, author_id=False):
        """Replies go to the queue's mailbox."""
        res = self._citizen_queue_reply_to(default=default, author_id=author_id)
        leftover = self.filtered(lambda inquiry: not res.get(inquiry.id))
        if leftover:
            res.update(
                super(CitizenInquiry, leftover)._notify_get_reply_to(
                    default=default, author_id=author_id
                )
            )
        return res

    def _message_get_suggested_recipients_batch(self, *args, **kwargs):
        suggested = super()._message_get_suggested_recipients_batch(*args, **kwargs)
        self._citizen_unlink_shared_address_suggestions(suggested)
        return suggested

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values and self.is_closed:
            return self.env.ref("citizen_crm.mt_inquiry_closed")
        return super()._track_subtype(init_values)

    # ------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------

    def _compute_access_url(self):
        super()._compute_access_url()
        for inquiry in self:
            inquiry.access_url = f"/my/inquiries/{inquiry.id}"

    @api.model
    def _get_thread_with_access(self, thread_id, *, mode="read", **kwargs):
        """A token or signed link opens only the public part of an inquiry:
        the messages of a confidential one stay with the staff entitled to it
        (handling queue and supervisors, by record rules)."""
        thread = super()._get_thread_with_access(thread_id, mode=mode, **kwargs)
        if thread and thread.sudo().is_confidential:
            if not self.browse(thread_id).has_access(mode):
                return self.browse()
        return thread
