"""Inquiries and the department's tasks: a task created from an inquiry, its
progress on the inquiry and, in plain words, on the citizen's portal page,
and what a finished task does to the inquiry (the queue's setting).

Every override of an Odoo method of citizen.inquiry in this addon is in this
file, as in citizen_crm's own citizen_inquiry.py."""

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.addons.project.models.project_task import CLOSED_STATES
from odoo.exceptions import UserError
from odoo.tools import html2plaintext, plaintext2html


class CitizenInquiry(models.Model):
    _inherit = "citizen.inquiry"

    resolution = fields.Selection(
        selection_add=[("task_done", "Resolved by the department's task")],
        ondelete={"task_done": "set null"},
    )
    task_ids = fields.One2many(
        "project.task",
        "citizen_inquiry_id",
        string="Tasks",
        groups="project.group_project_user",
    )
    queue_project_id = fields.Many2one(related="queue_id.project_id")
    citizen_task_count = fields.Integer(
        string="Task Count", compute="_compute_citizen_tasks", compute_sudo=True
    )
    citizen_task_summary = fields.Text(
        string="Tasks in Progress",
        compute="_compute_citizen_tasks",
        compute_sudo=True,
        help="Each task made from this inquiry: its project, stage and assignees.",
    )

    # The tasks are read with compute_sudo: whoever reads the inquiry sees
    # where its work stands (project, stage, assignees), not the task's
    # content, even without access to the department's project.
    @api.depends("task_ids.stage_id", "task_ids.state", "task_ids.user_ids")
    def _compute_citizen_tasks(self):
        tasks_by_inquiry = (
            self.env["project.task"]
            .search([("citizen_inquiry_id", "in", self.ids)], order="id")
            .grouped("citizen_inquiry_id")
            if self.ids
            else {}
        )
        state_names = dict(
            self.env["project.task"]._fields["state"]._description_selection(self.env)
        )
        for inquiry in self:
            tasks = tasks_by_inquiry.get(inquiry, self.env["project.task"])
            inquiry.citizen_task_count = len(tasks)
            inquiry.citizen_task_summary = (
                "\n".join(
                    self.env._(
                        "%(project)s: %(task)s, %(stage)s (%(state)s)%(users)s",
                        project=task.project_id.name,
                        task=task.name,
                        stage=task.stage_id.name or "",
                        state=state_names.get(task.state, task.state),
                        users=(", " + ", ".join(task.user_ids.mapped("name")))
                        if task.user_ids
                        else "",
                    )
                    for task in tasks
                )
                or False
            )

    def _citizen_portal_task_lines(self):
        """What the citizen reads about the department's work on ``self``
        (one inquiry), in their language: who works on it and how far it
        has come, in plain words. Nothing when the inquiry is confidential
        (the portal shows none of its details then)."""
        self.ensure_one()
        if self.is_confidential:
            return []
        # The citizen's portal page reads the tasks of their own inquiry:
        # only the department's name, the state in plain words and the
        # assignees' names leave, never the task's content.
        tasks = (
            self.env["project.task"]
            .sudo()
            .search([("citizen_inquiry_id", "=", self.id)], order="id")
        )
        lines = []
        for task in tasks:
            words = self._citizen_task_state_words(task.state)
            department = task.project_id.name
            if task.user_ids and task.state not in CLOSED_STATES:
                lines.append(
                    self.env._(
                        "%(department)s %(words)s (%(names)s).",
                        department=department,
                        words=words,
                        names=", ".join(task.user_ids.mapped("name")),
                    )
                )
            else:
                lines.append(
                    self.env._(
                        "%(department)s %(words)s.", department=department, words=words
                    )
                )
        return lines

    def _citizen_task_state_words(self, state):
        """What a task's state means to a citizen, in plain words (the stage
        names are the department's own and may say nothing to them)."""
        _ = self.env._
        words = {
            "03_approved": _("is finishing it"),
            "04_waiting_normal": _("is waiting for other work to be done first"),
            "1_done": _("has finished its work"),
            "1_canceled": _("has stopped its work"),
        }
        return words.get(state) or _("is working on it")

    def action_create_task(self):
        """Make a task for the department in the project of the inquiry's
        queue, linked both ways, with a note on both chatters."""
        self.ensure_one()
        self.check_access("write")
        project = self.queue_id.project_id
        if not project:
            raise UserError(
                self.env._(
                    "The queue %(queue)s has no project for tasks: an administrator "
                    "chooses one in the queue's settings.",
                    queue=self.queue_id.display_name,
                )
            )
        # The front desk creating the task is seldom a member of the
        # department's project: the task is created past the project's
        # rights, in the project the administrator chose for this queue,
        # holding what the user reads on the inquiry they may write (a
        # confidential inquiry's content stays out, see below). The user
        # stays the author (sudo keeps the uid).
        # Project subscribes the task's author, as for any task: they may
        # open it and follow the department's work from it.
        task = self.env["project.task"].sudo().create(self._citizen_task_vals(project))
        link = task._get_html_link()
        self.message_post(
            body=Markup(self.env._("Task created in %(project)s: %(task)s"))
            % {"project": project.name, "task": link},
            subtype_xmlid="mail.mt_note",
        )
        task.message_post(
            body=Markup(self.env._("Created from the inquiry %(inquiry)s."))
            % {"inquiry": self._get_html_link(title=self.number)},
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "project.task",
            "res_id": task.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _citizen_task_vals(self, project):
        """The task's values: the inquiry's subject and text. A confidential
        inquiry gives its public title only, and no citizen: the department
        reads the rest in the inquiry, if its record rules let it. A
        protected citizen is never set as the task's customer."""
        self.ensure_one()
        confidential = self.is_confidential
        name = self._citizen_public_title()
        if confidential:
            description = plaintext2html(
                self.env._(
                    "Confidential inquiry %(number)s: read it in Citizen CRM.",
                    number=self.number,
                )
            )
        else:
            text = html2plaintext(self.description or "")
            description = plaintext2html(text) if text else False
        partner = self.partner_id
        show_partner = (
            partner and not confidential and not partner._citizen_is_protected()
        )
        return {
            "name": f"{self.number} {name}",
            "project_id": project.id,
            "company_id": project.company_id.id or self.company_id.id,
            "description": description,
            "partner_id": partner.id if show_partner else False,
            "citizen_inquiry_id": self.id,
            # The department assigns it, not the task's default (its author).
            "user_ids": [Command.clear()],
        }

    def action_open_tasks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project.action_view_all_task"
        )
        action.update(
            domain=[("citizen_inquiry_id", "=", self.id)],
            context={"default_citizen_inquiry_id": self.id},
        )
        return action

    def _citizen_tasks_finished(self, tasks):
        """The tasks ``tasks`` of ``self`` were just done or cancelled: close
        the inquiries whose queue says so and whose tasks are all done, or
        ask their owner to answer the citizen."""
        for inquiry in self.filtered(lambda i: not i.is_closed):
            own = tasks.filtered(lambda t, i=inquiry: t.citizen_inquiry_id == i)
            all_tasks = self.env["project.task"].search(
                [("citizen_inquiry_id", "=", inquiry.id)]
            )
            everything_done = all(t.state == "1_done" for t in all_tasks)
            cancelled = any(t.state == "1_canceled" for t in own)
            names = ", ".join(own.mapped("name"))
            resolve = inquiry.queue_id.task_close_action == "resolve"
            if resolve and everything_done:
                inquiry._citizen_close(
                    "task_done",
                    self.env._("Resolved by the task: %(tasks)s", tasks=names),
                )
                continue
            if resolve and not cancelled:
                # The inquiry closes when its last task is done.
                inquiry.message_post(
                    body=self.env._(
                        "Task done: %(tasks)s. The inquiry closes when its other "
                        "tasks are done.",
                        tasks=names,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            summary = (
                self.env._("Task cancelled: %(tasks)s", tasks=names)
                if cancelled
                else self.env._("Task done: %(tasks)s", tasks=names)
            )
            owner = inquiry.user_id or inquiry.queue_id.supervisor_id
            inquiry.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=self.env._("Answer the citizen and close the inquiry."),
                user_id=owner.id or self.env.uid,
            )
