import bisect
import heapq

from odoo import fields, models
from odoo.fields import Domain
from odoo.tools import SQL

# The models this file's classes inherit, defined before them whatever the
# order of models/__init__.py.
from . import (  # noqa: F401
    citizen_queue,
    citizen_registry_cache,
    citizen_sla_mixin,
)

ASSIGNMENT_METHODS = [
    ("none", "Manual"),
    ("round_robin", "Round-robin"),
    ("balanced", "Balanced by open load"),
]


class CitizenQueue(models.Model):
    """Who in a queue gets a new inquiry, and the queue's service level."""

    _name = "citizen.queue"
    _inherit = ["citizen.queue", "citizen.sla.mixin", "citizen.registry.cache"]
    # Routing rules cache whether their queue is active.
    _citizen_cached_fields = frozenset({"active"})

    assignment_method = fields.Selection(
        ASSIGNMENT_METHODS,
        string="Assignment",
        required=True,
        default="none",
        tracking=True,
        help="Manual: inquiries wait in the queue until someone takes them. "
        "Round-robin: available members get new inquiries in turn. Balanced: "
        "the available member with the fewest open inquiries gets the next one.",
    )
    unavailable_user_ids = fields.Many2many(
        "res.users",
        "citizen_queue_unavailable_user_rel",
        "queue_id",
        "user_id",
        string="Unavailable Members",
        domain="[('id', 'in', member_ids)]",
        help="Members who get no new inquiries for now (away, busy elsewhere). "
        "Members on validated time off are skipped without being listed here.",
    )

    # ------------------------------------------------------------
    # Assignment
    # ------------------------------------------------------------

    def _citizen_assignment_label(self):
        self.ensure_one()
        selection = self._fields["assignment_method"]._description_selection(self.env)
        return dict(selection)[self.assignment_method]

    def _citizen_available_members(self):
        """Members who can take new inquiries now, ordered by id."""
        self.ensure_one()
        # One query for what three reads of the ORM would fetch (members,
        # unavailable members, active): it runs for every new inquiry of
        # an assigning queue.
        self.flush_model(["member_ids", "unavailable_user_ids"])
        self.env["res.users"].flush_model(["active"])
        self.env.cr.execute(
            SQL(
                """SELECT member.user_id
                     FROM citizen_queue_member_rel member
                     JOIN res_users users ON users.id = member.user_id
                    WHERE member.queue_id = %(queue)s
                      AND users.active
                      AND NOT EXISTS (
                          SELECT 1 FROM citizen_queue_unavailable_user_rel away
                           WHERE away.queue_id = member.queue_id
                             AND away.user_id = member.user_id)
                 ORDER BY member.user_id""",
                queue=self.id,
            )
        )
        members = self.env["res.users"].browse(row[0] for row in self.env.cr.fetchall())
        if not members:
            return members
        return members - members._citizen_on_leave()

    def _citizen_pick_assignees(self, count):
        """User ids for the next ``count`` inquiries of the queue, in order.

        Empty when the queue assigns by hand or nobody is available.
        """
        self.ensure_one()
        if self.assignment_method == "none" or count <= 0:
            return []
        members = self._citizen_available_members()
        if not members:
            return []
        if self.assignment_method == "round_robin":
            return self._citizen_round_robin(members, count)
        return self._citizen_balanced(members, count)

    def _citizen_round_robin(self, members, count):
        # The turn passes from whoever got the queue's latest inquiry; no
        # counter is stored, so concurrent intakes never fight over a row.
        # Assignment looks at every inquiry of the queue, including those
        # the current user may not read.
        last = (
            self.env["citizen.inquiry"]
            .sudo()
            .search(
                [("queue_id", "=", self.id), ("user_id", "in", members.ids)],
                order="id desc",
                limit=1,
            )
            .user_id
        )
        ids = members.ids
        start = bisect.bisect_right(ids, last.id) if last else 0
        return [ids[(start + index) % len(ids)] for index in range(count)]

    def _citizen_balanced(self, members, count):
        # A person's load is everything open on their desk in the
        # municipality, whoever may read it.
        loads = dict(
            self.env["citizen.inquiry"]
            .sudo()
            ._read_group(
                Domain("user_id", "in", members.ids)
                & Domain("is_closed", "=", False)
                & Domain("company_id", "=", self.company_id.id),
                ["user_id"],
                ["__count"],
            )
        )
        heap = [(loads.get(user, 0), user.id) for user in members]
        heapq.heapify(heap)
        picked = []
        for _index in range(count):
            load, user_id = heapq.heappop(heap)
            picked.append(user_id)
            heapq.heappush(heap, (load + 1, user_id))
        return picked
