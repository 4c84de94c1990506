from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import email_split, html2plaintext


class CitizenInquiryRouting(models.AbstractModel):
    """Routing and assignment on intake, from every channel.

    Routing rules apply when an inquiry arrives at the front line: in the
    servicetorg (the company's default queue or any front-line queue), be it
    by default, through the servicetorg's mailbox or picked at the counter.
    An inquiry that arrives in a back-office queue on purpose (mail to the
    department's own address, a caseworker registering in their queue) stays
    there: whoever chose the department knew where it belongs, and moving it
    behind their back would lose it. Priority and tags of a matching rule
    apply everywhere. "Apply Routing" on existing inquiries moves them
    whatever their queue, since someone asked for it.
    """

    _name = "citizen.inquiry.routing"
    _description = "Inquiry: Routing and Assignment"

    routing_rule_id = fields.Many2one(
        "citizen.routing.rule",
        string="Routing Rule",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The rule that routed this inquiry.",
    )
    tag_ids = fields.Many2many("citizen.inquiry.tag", string="Tags")

    _queue_assigned_idx = models.Index("(queue_id, id DESC) WHERE user_id IS NOT NULL")
    # Balanced assignment counts the open inquiries of each member on every
    # new inquiry: without it that count read the whole open part of the
    # front line's index on every mail (bench/README.md has the figures).
    _open_user_idx = models.Index(
        "(user_id) INCLUDE (company_id) WHERE active IS TRUE AND is_closed IS NOT TRUE"
    )

    # ------------------------------------------------------------
    # Intake
    # ------------------------------------------------------------

    @api.model
    def _citizen_assignment_context(self, vals_list, assigned):
        """The model to create with: automatic assignment, as crm's lead
        assignment does it, mails nobody. The assignee follows the inquiry
        (and so gets the citizen's mail and every later message), the inquiry
        is in their "My Inquiries" and the chatter says who got it and how
        (_citizen_log_routing); no separate "assigned to you" mail per
        inquiry, which costs its rendering on every registration and every
        incoming mail. Choosing someone by hand still mails them."""
        chosen = {index for index, vals in enumerate(vals_list) if vals.get("user_id")}
        if assigned and chosen == assigned:
            return self.with_context(mail_auto_subscribe_no_notify=True)
        return self

    def _citizen_log_routing(self, routes, assigned):
        """Say in the chatter of the new inquiries (``self``, in the order of
        their values) which rule routed them and who got them."""
        bodies = {}
        for index, inquiry in enumerate(self):
            # In the municipality's language, not the creating user's.
            local = inquiry._citizen_in_company_lang()
            _ = local.env._
            lines = []
            route = routes.get(index)
            if route and route.queue_id and inquiry.queue_id.id != route.queue_id:
                lines.append(
                    _(
                        "The routing rule %(rule)s matched; the inquiry stays in "
                        "%(queue)s, where it was sent on purpose.",
                        rule=route.name,
                        queue=local.queue_id.display_name,
                    )
                )
            elif route:
                lines.append(_("Routed by the rule %(rule)s.", rule=route.name))
            if index in assigned:
                lines.append(
                    _(
                        "Assigned to %(user)s (%(method)s).",
                        user=inquiry.user_id.name,
                        method=local.queue_id._citizen_assignment_label(),
                    )
                )
            if lines:
                bodies[inquiry.id] = Markup("<br/>").join(lines)
        if bodies:
            # Logged as the system decision it is; the user may no longer
            # read an inquiry routed away from their queues.
            # The author is the current user (OdooBot on intake); a log note
            # is never mailed, so it needs no sender address to look up.
            self.filtered(lambda i: i.id in bodies)._message_log_batch(
                bodies, author_id=self.env.user.partner_id.id, email_from=False
            )

    @api.model
    def _citizen_route_vals_list(self, vals_list):
        """Apply the first matching rule to each new inquiry's values.

        Returns {index in vals_list: route} for the routed ones.
        """
        context = self.env.context
        Rule = self.env["citizen.routing.rule"]
        default_company = context.get("default_company_id") or self.env.company.id
        default_channel = (
            context.get("default_channel_id") or self._default_channel_id().id
        )
        service_ids = {
            vals.get("service_id") or context.get("default_service_id")
            for vals in vals_list
        }
        services = self.env["citizen.service"].browse(filter(None, service_ids))
        themes = {service.id: service.los_theme_id.id for service in services}
        partners = self.env["res.partner"].browse(
            filter(None, {vals.get("partner_id") for vals in vals_list})
        )
        partner_emails = {partner.id: partner.email for partner in partners}
        default_queues = {}
        routes = {}
        for index, vals in enumerate(vals_list):
            company_id = vals.get("company_id") or default_company
            if not Rule._citizen_routes(company_id):
                continue
            service_id = (
                vals.get("service_id") or context.get("default_service_id") or False
            )
            email = vals.get("partner_email") or partner_emails.get(
                vals.get("partner_id")
            )
            route = Rule._citizen_match_route(
                company_id,
                {
                    "service_id": service_id,
                    "los_theme_id": themes.get(service_id, False),
                    "channel_id": vals.get("channel_id")
                    or default_channel
                    or self._default_channel_id().id,
                    "text": self._citizen_routing_text(vals, context),
                    "sender_domain": self._citizen_sender_domain(email),
                },
            )
            if not route:
                continue
            routes[index] = route
            vals["routing_rule_id"] = route.id
            if route.queue_id:
                queue_id = vals.get("queue_id") or context.get("default_queue_id")
                if not queue_id:
                    if company_id not in default_queues:
                        company = self.env["res.company"].browse(company_id)
                        default_queues[company_id] = self._citizen_default_queue(
                            company
                        )
                    queue = default_queues[company_id]
                else:
                    queue = self.env["citizen.queue"].browse(queue_id)
                if not queue or queue.queue_type == "front_line":
                    vals["queue_id"] = route.queue_id
                    stage = self.env["citizen.inquiry.stage"].browse(
                        vals.get("stage_id")
                    )
                    if stage.queue_ids and route.queue_id not in stage.queue_ids.ids:
                        del vals["stage_id"]
            if route.priority and route.priority > (
                vals.get("priority") or context.get("default_priority") or "0"
            ):
                vals["priority"] = route.priority
            if route.tag_ids:
                vals["tag_ids"] = list(vals.get("tag_ids") or []) + [
                    Command.link(tag_id) for tag_id in route.tag_ids
                ]
        return routes

    @api.model
    def _citizen_routing_text(self, vals, context):
        parts = [vals.get("name") or "", context.get("citizen_routing_text") or ""]
        if vals.get("description"):
            parts.append(html2plaintext(vals["description"]))
        return "\n".join(parts)

    @api.model
    def _citizen_sender_domain(self, email):
        addresses = email_split(email or "")
        if not addresses or "@" not in addresses[0]:
            return False
        return addresses[0].rsplit("@", 1)[1].lower()

    @api.model
    def _citizen_assign_vals_list(self, vals_list):
        """Pick an assignee for new inquiries of queues that assign
        automatically. Returns the indexes of the assigned values."""
        context = self.env.context
        if context.get("default_user_id"):
            return set()
        default_company = context.get("default_company_id") or self.env.company.id
        default_queues = {}
        per_queue = defaultdict(list)
        for index, vals in enumerate(vals_list):
            if (
                vals.get("user_id")
                or vals.get("answered_directly")
                or vals.get("resolution")
            ):
                continue
            queue_id = vals.get("queue_id") or context.get("default_queue_id")
            if not queue_id:
                company_id = vals.get("company_id") or default_company
                if company_id not in default_queues:
                    company = self.env["res.company"].browse(company_id)
                    default_queues[company_id] = self._citizen_default_queue(company).id
                queue_id = default_queues[company_id]
            if queue_id:
                per_queue[queue_id].append(index)
        assigned = set()
        for queue_id, indexes in per_queue.items():
            queue = self.env["citizen.queue"].browse(queue_id)
            if queue.assignment_method == "none":
                continue
            for index, user_id in zip(
                indexes, queue._citizen_pick_assignees(len(indexes)), strict=False
            ):
                vals_list[index]["user_id"] = user_id
                assigned.add(index)
        return assigned

    # ------------------------------------------------------------
    # On demand
    # ------------------------------------------------------------

    def _citizen_routing_facts(self):
        self.ensure_one()
        email = self.partner_email or self.partner_id.email
        text = "\n".join(
            [
                self.name or "",
                html2plaintext(self.description or "") if self.description else "",
            ]
        )
        return {
            "service_id": self.service_id.id,
            "los_theme_id": self.los_theme_id.id,
            "channel_id": self.channel_id.id,
            "text": text,
            "sender_domain": self._citizen_sender_domain(email),
        }

    def action_apply_routing(self):
        """Run the routing rules again on existing inquiries (button and
        list action), e.g. after the rules were changed."""
        Rule = self.env["citizen.routing.rule"]
        routed = self.browse()
        for inquiry in self.filtered(lambda i: not i.is_closed):
            route = Rule._citizen_match_route(
                inquiry.company_id.id, inquiry._citizen_routing_facts()
            )
            if not route:
                continue
            vals = {"routing_rule_id": route.id}
            if route.priority and route.priority > inquiry.priority:
                vals["priority"] = route.priority
            if route.tag_ids:
                vals["tag_ids"] = [Command.link(tag_id) for tag_id in route.tag_ids]
            inquiry.write(vals)
            inquiry.message_post(
                body=inquiry._citizen_in_company_lang().env._(
                    "Routed by the rule %(rule)s.", rule=route.name
                ),
                subtype_xmlid="mail.mt_note",
            )
            # Last: the user may not write the inquiry once it left their queue.
            if route.queue_id and route.queue_id != inquiry.queue_id.id:
                inquiry._citizen_forward(
                    self.env["citizen.queue"].browse(route.queue_id)
                )
            routed |= inquiry
        unmatched = len(self) - len(routed)
        message = self.env._(
            "%(routed)s inquiries routed; %(unmatched)s matched no rule or were "
            "closed.",
            routed=len(routed),
            unmatched=unmatched,
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if routed else "warning",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------
    # Forwarding: one behaviour, whichever way the queue changes
    # ------------------------------------------------------------

    def _citizen_queue_moves(self, vals):
        """{inquiry id: its queue} of the inquiries a write moves to another
        queue: the Forward wizard, the Queue field of a form or list, routing
        on demand all write the queue, and every one of them is a forward."""
        if not vals.get("queue_id"):
            return {}
        return {
            inquiry.id: inquiry.queue_id
            for inquiry in self
            if inquiry.queue_id.id != vals["queue_id"]
        }

    def _citizen_announce_forward(self, moved, assignee_chosen=False):
        """After inquiries moved to another queue (``moved``: {inquiry id:
        the queue they left}): a closed inquiry or one in a stage the new queue
        does not use starts over in its first stage; an assignee who is not a
        member of the new queue lets go unless chosen with the move; the new
        queue's members (and the assignee) follow the inquiry and are notified
        with the hand-over message, and the queue assigns it when it assigns
        automatically. The note given to the Forward wizard goes with the
        message (context ``citizen_forward_note``)."""
        note = self.env.context.get("citizen_forward_note")
        # sudo: the write that moved the inquiries was checked against the
        # user's rights; the hand-over belongs to it, and the user may have
        # lost access to an inquiry that left their queue.
        forwarded = self.sudo().filtered(lambda inquiry: inquiry.id in moved)
        for inquiry in forwarded:
            queue = inquiry.queue_id
            fix = {}
            stage = inquiry.stage_id
            if stage.is_closed or (stage.queue_ids and queue not in stage.queue_ids):
                fix["stage_id"] = self._citizen_first_stage(queue).id
            if (
                not assignee_chosen
                and inquiry.user_id
                and inquiry.user_id not in queue.member_ids
            ):
                fix["user_id"] = False
            if fix:
                inquiry.write(fix)
            recipients = (queue.member_ids | inquiry.user_id).partner_id
            # First the move: a confidential inquiry is followed and notified
            # only by those who may read it, which the new queue may do now.
            inquiry.message_subscribe(partner_ids=recipients.ids)
            local = inquiry._citizen_in_company_lang().env
            body = local._(
                "Forwarded from %(origin)s to %(target)s.",
                origin=moved[inquiry.id].with_env(local).display_name,
                target=queue.with_env(local).display_name,
            )
            inquiry.message_post(
                body=Markup("{}<br/>{}").format(body, note) if note else body,
                subtype_xmlid="citizen_crm.mt_inquiry_forwarded",
                partner_ids=recipients.ids,
            )
        for queue, inquiries in forwarded.grouped("queue_id").items():
            inquiries._citizen_assign_forwarded(queue)

    def _citizen_announce_registered_forward(self):
        """A front-desk registration (the counter, phone and letter forms,
        context ``citizen_counter_registration``) sent to a back-office queue
        is forwarded from the front line, as if it had been moved after
        saving: logged, and the queue's members notified."""
        if not self.env.context.get("citizen_counter_registration"):
            return
        sent = self.filtered(
            lambda inquiry: (
                not inquiry.is_closed and inquiry.queue_id.queue_type != "front_line"
            )
        )
        moved = {}
        for inquiry in sent:
            front_line = self._citizen_default_queue(inquiry.company_id)
            if front_line and front_line != inquiry.queue_id:
                moved[inquiry.id] = front_line
        if moved:
            # the assignee, if any, was picked by the queue itself on create
            sent._citizen_announce_forward(moved, assignee_chosen=True)

    def _citizen_assign_forwarded(self, queue):
        """Inquiries forwarded to ``queue`` without an assignee get one when
        the queue assigns automatically."""
        if queue.assignment_method == "none":
            return
        # Assigning is the queue's decision, not the forwarding user's, who
        # may not write the inquiry any more once it left their queue.
        waiting = self.sudo().filtered(lambda i: not i.user_id and not i.is_closed)
        for inquiry, user_id in zip(
            waiting, queue._citizen_pick_assignees(len(waiting)), strict=False
        ):
            inquiry.user_id = user_id
