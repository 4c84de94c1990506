from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

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
    """One contact from a citizen through one channel (henvendelse)."""

    _name = "citizen.inquiry"
    _description = "Citizen Inquiry"
    _inherit = ["mail.thread.cc", "mail.activity.mixin", "citizen.inquiry.gdpr"]
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
    date_closed = fields.Datetime(string="Closed", copy=False, index=True)
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
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue", string="Overdue"
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
    color = fields.Integer(string="Color Index")

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
    def _get_default_queue(self, company=None):
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
            if not inquiry.name or inquiry._has_automatic_name():
                inquiry.name = inquiry.service_id.name or inquiry.channel_id.name or ""

    def _has_automatic_name(self):
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
                queue = self._get_default_queue(inquiry.company_id)
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
                    first_stages[queue] = inquiry._get_first_stage(queue)
                inquiry.stage_id = first_stages[queue]

    @api.model
    def _get_first_stage(self, queue=None, closed=False):
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
        to_close = self.filtered(lambda i: i.answered_directly and not i.is_closed)
        to_close._close("first_contact")

    @api.depends("resolution")
    def _compute_first_contact_rate(self):
        for inquiry in self:
            inquiry.first_contact_rate = (
                100.0 if inquiry.resolution == "first_contact" else 0.0
            )

    @api.depends("date_deadline", "is_closed")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for inquiry in self:
            inquiry.is_overdue = bool(
                not inquiry.is_closed
                and inquiry.date_deadline
                and inquiry.date_deadline < now
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        domain = self._get_overdue_domain()
        return domain if operator == "in" else ~domain

    @api.model
    def _get_overdue_domain(self):
        return Domain("is_closed", "=", False) & Domain(
            "date_deadline", "<", fields.Datetime.now()
        )

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        queue_id = self.env.context.get("default_queue_id")
        search_domain = Domain("queue_ids", "=", False)
        if queue_id:
            search_domain |= Domain("queue_ids", "in", [queue_id])
        return stages.search(search_domain, order=stages._order)

    @api.depends("number", "name")
    def _compute_display_name(self):
        for inquiry in self:
            inquiry.display_name = f"{inquiry.number} {inquiry.name or ''}".strip()

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        new_label = self.env._("New")
        sequences = {}
        for vals in vals_list:
            if not vals.get("number") or vals["number"] == new_label:
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["number"] = self._next_number(
                    company, vals.get("date_received"), sequences
                )
        inquiries = super().create(vals_list)
        closed = inquiries.filtered("is_closed")
        if closed.filtered(lambda i: not i.resolution):
            raise UserError(
                self.env._("Choose a resolution before closing an inquiry.")
            )
        # one write for the batch, not one per inquiry
        closed.filtered(lambda i: not i.date_closed).date_closed = fields.Datetime.now()
        # GDPR (issue 16): the privacy officer's record of each data-subject request
        inquiries._citizen_sync_gdpr_requests()
        return inquiries

    @api.model
    def _next_number(self, company, date=None, sequences=None):
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

    def write(self, vals):
        if "stage_id" in vals:
            stage = self.env["citizen.inquiry.stage"].browse(vals["stage_id"])
            if stage.is_closed:
                missing = (
                    self.filtered(lambda i: not i.resolution)
                    if not vals.get("resolution")
                    else self.browse()
                )
                if missing:
                    raise UserError(
                        self.env._(
                            "Choose a resolution before closing the inquiry "
                            "%(number)s: "
                            "use the Close button.",
                            number=missing[0].number,
                        )
                    )
                vals.setdefault("date_closed", fields.Datetime.now())
            else:
                vals.setdefault("date_closed", False)
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
        relinked._citizen_rotate_access_token()
        if "inquiry_type" in vals:
            # GDPR (issue 16): the privacy officer's record of each data-subject request
            self._citizen_sync_gdpr_requests()
        return result

    # ------------------------------------------------------------
    # Business flows
    # ------------------------------------------------------------

    def _close(self, resolution, note=False):
        """Close with a resolution; the one path used by buttons, wizard and intake."""
        if resolution == "case_opened" and any(not i.case_id for i in self):
            raise UserError(
                self.env._("Link the case that was opened before closing the inquiry.")
            )
        for queue_inquiries in self.grouped("queue_id").values():
            stage = self._get_first_stage(queue_inquiries.queue_id, closed=True)
            if not stage:
                raise UserError(self.env._("No closing stage is configured."))
            now = fields.Datetime.now()
            vals = {"stage_id": stage.id, "resolution": resolution, "date_closed": now}
            if note:
                vals["resolution_note"] = note
            unanswered = queue_inquiries.filtered(lambda i: not i.date_first_response)
            queue_inquiries.write(vals)
            # one write for the batch, not one per inquiry
            unanswered.date_first_response = now
        return True

    def action_reopen(self):
        """The citizen comes back: the inquiry goes back to the first open stage."""
        for inquiry in self.filtered("is_closed"):
            inquiry.write(
                {
                    "stage_id": self._get_first_stage(inquiry.queue_id).id,
                    "resolution": False,
                    "date_closed": False,
                }
            )
            inquiry.message_post(
                body=self.env._("Inquiry reopened."),
                subtype_xmlid="citizen_crm.mt_inquiry_reopened",
                partner_ids=inquiry.user_id.partner_id.ids,
            )
        return True

    def action_assign_to_me(self):
        self.write({"user_id": self.env.uid})
        return True

    def action_open_close_wizard(self):
        return self._open_wizard("citizen.inquiry.close", self.env._("Close Inquiry"))

    def action_open_forward_wizard(self):
        return self._open_wizard(
            "citizen.inquiry.forward", self.env._("Forward Inquiry")
        )

    def _open_wizard(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def _forward(self, queue, user=None, note=False):
        """Hand the inquiries to another queue; its members are notified."""
        queue.ensure_one()
        self.check_access("write")
        for inquiry in self:
            previous = inquiry.queue_id
            vals = {"queue_id": queue.id, "user_id": user.id if user else False}
            stage = inquiry.stage_id
            if stage.is_closed or (stage.queue_ids and queue not in stage.queue_ids):
                vals["stage_id"] = self._get_first_stage(queue).id
            recipients = (queue.member_ids | (user or self.env["res.users"])).partner_id
            # First: a confidential inquiry is followed and notified only by
            # those who may read it, which the new queue may do once it holds it.
            inquiry.write(vals)
            # Handing the inquiry over may take away the sender's own access;
            # write access was checked above, the hand-over message belongs to it.
            handed_over = inquiry.sudo()
            handed_over.message_subscribe(partner_ids=recipients.ids)
            body = self.env._(
                "Forwarded from %(origin)s to %(target)s.",
                origin=previous.display_name,
                target=queue.display_name,
            )
            handed_over.message_post(
                body=Markup("{}<br/>{}").format(body, note) if note else body,
                subtype_xmlid="citizen_crm.mt_inquiry_forwarded",
                partner_ids=recipients.ids,
            )
        return True

    # ------------------------------------------------------------
    # Mail
    # ------------------------------------------------------------

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values and self.is_closed:
            return self.env.ref("citizen_crm.mt_inquiry_closed")
        return super()._track_subtype(init_values)
