from odoo import api, fields, models
from odoo.fields import Domain


class CitizenQueue(models.Model):
    """The servicetorg or a back-office department, with members and a mailbox."""

    _name = "citizen.queue"
    _description = "Inquiry Queue"
    _inherit = ["mail.thread", "mail.alias.mixin"]
    # Not by name: grouping inquiries by queue (reports, pivots) sorts every
    # row by the queue's order, and the translated name made the queue x month
    # report over a million inquiries twice as slow (bench/README.md). The
    # sequence is set by dragging queues in their list.
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(
        required=True, help="Short code, e.g. STORG for the servicetorg."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    # Not a measure: a colour's number means nothing summed or averaged.
    color = fields.Integer(string="Color Index", aggregator=None)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    queue_type = fields.Selection(
        [("front_line", "Front line (servicetorg)"), ("back_office", "Back office")],
        string="Type",
        required=True,
        default="back_office",
        tracking=True,
    )
    member_ids = fields.Many2many(
        "res.users",
        "citizen_queue_member_rel",
        "queue_id",
        "user_id",
        string="Members",
        domain=[("share", "=", False)],
        check_company=True,
    )
    supervisor_id = fields.Many2one(
        "res.users",
        string="Supervisor",
        domain=[("share", "=", False)],
        check_company=True,
        tracking=True,
    )
    alias_id = fields.Many2one(
        help="Mail sent to this address creates an inquiry in the queue."
    )
    inquiry_ids = fields.One2many("citizen.inquiry", "queue_id", string="Inquiries")
    open_count = fields.Integer(compute="_compute_inquiry_counts", string="Open")
    unassigned_count = fields.Integer(
        compute="_compute_inquiry_counts", string="Unassigned"
    )
    overdue_count = fields.Integer(compute="_compute_inquiry_counts", string="Overdue")
    is_member = fields.Boolean(
        compute="_compute_is_member", search="_search_is_member", string="I am a member"
    )

    _code_company_unique = models.Constraint(
        "UNIQUE(code, company_id)", "The queue code must be unique per municipality."
    )

    def write(self, vals):
        result = super().write(vals)
        if "member_ids" in vals:
            self._citizen_sync_confidential_followers()
        return result

    def _citizen_sync_confidential_followers(self):
        """A member who leaves stops following the queue's confidential
        inquiries, which they may no longer read."""
        # sudo: the supervisor editing the queue may not read every inquiry
        # of it; followers who lost access are removed, nothing is shown.
        self.env["citizen.inquiry"].sudo().with_context(active_test=False).search(
            [("queue_id", "in", self.ids), ("is_confidential", "=", True)]
        )._citizen_sync_confidential_followers()

    @api.depends_context("uid")
    def _compute_inquiry_counts(self):
        """The queue's workload as the overview shows it to anyone who may
        read the queue: every open inquiry that is not confidential, and the
        confidential ones the user may read.

        Counting only what the user may read showed a caseworker 0/0/0 on the
        servicetorg, which had 8 open: the board is there to see how loaded
        each queue is, whether one is a member or not. A count of ordinary
        inquiries names no citizen, subject or content, and the front desk
        may read each of them anyway; the existence of confidential
        inquiries (taushetsplikt) stays with those who may read them, through
        the record rules (the subquery below runs with the user's rules).
        """
        Inquiry = self.env["citizen.inquiry"]
        base = Domain("queue_id", "in", self.ids) & Domain("is_closed", "=", False)
        readable_confidential = Inquiry._search(
            base & Domain("is_confidential", "=", True)
        )
        base &= Domain("is_confidential", "=", False) | Domain(
            "id", "in", readable_confidential
        )
        # sudo: counts only, no record is read or returned, of the queues the
        # user may read; confidential inquiries are limited to the user's
        # readable ones by the subquery above.
        Inquiry = Inquiry.sudo()
        # open and assigned in one pass: unassigned = open - assigned
        counts, unassigned = {}, {}
        for queue, count, assigned in Inquiry._read_group(
            base, ["queue_id"], ["__count", "user_id:count"]
        ):
            counts[queue] = count
            unassigned[queue] = count - assigned
        overdue = dict(
            Inquiry._read_group(
                base & Inquiry._citizen_overdue_domain(), ["queue_id"], ["__count"]
            )
        )
        for queue in self:
            queue.open_count = counts.get(queue, 0)
            queue.unassigned_count = unassigned.get(queue, 0)
            queue.overdue_count = overdue.get(queue, 0)

    @api.depends_context("uid")
    @api.depends("member_ids")
    def _compute_is_member(self):
        for queue in self:
            queue.is_member = self.env.user in queue.member_ids

    def _search_is_member(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        return [("member_ids", operator, [self.env.uid])]

    # ------------------------------------------------------------
    # Mail alias
    # ------------------------------------------------------------

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("citizen.inquiry")
        if self.id:
            defaults = dict(values.get("alias_defaults") or {})
            defaults.update(queue_id=self.id, company_id=self.company_id.id)
            values["alias_defaults"] = defaults
        return values

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_open_inquiries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_crm.citizen_inquiry_action"
        )
        action["domain"] = [("queue_id", "=", self.id)]
        action["context"] = {
            "default_queue_id": self.id,
            "search_default_filter_open": 1,
        }
        action["display_name"] = self.display_name
        return action

    def action_open_overdue(self):
        action = self.action_open_inquiries()
        action["context"] = dict(action["context"], search_default_filter_overdue=1)
        return action

    def action_open_unassigned(self):
        action = self.action_open_inquiries()
        action["context"] = dict(action["context"], search_default_filter_unassigned=1)
        return action
