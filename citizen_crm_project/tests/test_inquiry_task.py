"""A task from an inquiry: made in the queue's project by staff who are not
members of it, linked on both sides, its progress on the inquiry, and what a
finished task does to the inquiry."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CitizenProjectCommon


@tagged("post_install", "-at_install")
class TestInquiryTask(CitizenProjectCommon):
    def _make_task(self, inquiry, user=None):
        inquiry.with_user(user or self.user_caseworker).action_create_task()
        return self.env["project.task"].search(
            [("citizen_inquiry_id", "=", inquiry.id)]
        )

    def test_caseworker_without_project_rights_creates_the_task(self):
        caseworker = self.user_caseworker
        self.assertFalse(caseworker.has_group("project.group_project_user"))
        # The department's project is for its invited members only.
        self.project.privacy_visibility = "followers"
        result = self.inquiry_building.with_user(caseworker).action_create_task()
        task = self.env["project.task"].search(
            [("citizen_inquiry_id", "=", self.inquiry_building.id)]
        )
        self.assertEqual(len(task), 1)
        # As Odoo does for any task, its author follows it, and so may open it.
        self.assertEqual(
            (result["res_model"], result["res_id"]), ("project.task", task.id)
        )
        self.assertIn(caseworker.partner_id, task.message_partner_ids)
        self.assertEqual(task.project_id, self.project)
        self.assertEqual(task.create_uid, caseworker)
        # the department assigns it
        self.assertFalse(task.user_ids)
        self.assertEqual(task.partner_id, self.citizen_ola)
        self.assertIn(self.inquiry_building.number, task.name)
        # the link is on both chatters
        self.assertIn(task.name, self.inquiry_building.message_ids[0].body)
        self.assertIn(self.inquiry_building.number, task.message_ids[0].body)
        # Someone else of the front desk, who does not follow it, cannot open
        # the task: the inquiry tells them where its work stands.
        with self.assertRaises(AccessError):
            task.with_user(self.user_supervisor).check_access("read")
        inquiry = self.inquiry_building.with_user(self.user_supervisor)
        self.assertEqual(inquiry.citizen_task_count, 1)
        self.assertIn(self.project.name, inquiry.citizen_task_summary)
        inquiry = self.inquiry_building.with_user(caseworker)
        self.assertEqual(inquiry.citizen_task_count, 1)
        self.assertIn(self.project.name, inquiry.citizen_task_summary)
        self.assertIn("To Do", inquiry.citizen_task_summary)
        task.write(
            {
                "stage_id": self.stage_doing.id,
                "user_ids": [Command.set(self.user_department.ids)],
            }
        )
        inquiry.invalidate_recordset()
        self.assertIn("Doing", inquiry.citizen_task_summary)
        self.assertIn("Per Prosjekt", inquiry.citizen_task_summary)

    def test_project_member_opens_the_task_made(self):
        user = self._new_user(
            "tst_caseworker_project",
            "base.group_user,citizen_crm.group_caseworker,project.group_project_user",
            company=self.company_a,
        )
        self.queue_building_a.member_ids |= user
        result = self.inquiry_building.with_user(user).action_create_task()
        self.assertEqual(result["res_model"], "project.task")
        task = self.env["project.task"].browse(result["res_id"])
        self.assertEqual(task.with_user(user).citizen_inquiry_id, self.inquiry_building)

    def test_queue_without_project_is_a_clear_error(self):
        with self.assertRaisesRegex(UserError, "has no project"):
            self.inquiry_health_assigned.with_user(
                self.user_caseworker
            ).action_create_task()

    def test_user_who_cannot_write_the_inquiry_cannot_make_a_task(self):
        with self.assertRaises(AccessError):
            self.inquiry_building.with_user(self.user_employee).action_create_task()

    def test_confidential_inquiry_gives_no_content_to_the_project(self):
        inquiry = self.inquiry_building_confidential
        inquiry.description = "<p>Naboen truer meg</p>"
        task = self._make_task(inquiry, user=self.user_supervisor)
        self.assertNotIn("Nabotvist", task.name)
        self.assertIn(inquiry.number, task.name)
        self.assertNotIn("truer", task.description or "")
        self.assertFalse(task.partner_id)

    def test_protected_citizen_is_not_the_task_customer(self):
        self.citizen_ola.sudo().address_protection = "strengt_fortrolig"
        task = self._make_task(self.inquiry_building)
        self.assertFalse(task.partner_id)

    def test_done_task_tells_the_owner(self):
        inquiry = self.inquiry_building
        inquiry.user_id = self.user_caseworker
        task = self._make_task(inquiry)
        # closed by the department's member, who cannot read inquiries
        task.with_user(self.user_department).write({"state": "1_done"})
        self.assertFalse(inquiry.is_closed)
        activity = inquiry.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_caseworker)
        self.assertIn(task.name, activity.summary)
        with self.assertRaises(AccessError):
            task.with_user(self.user_department).read(["citizen_inquiry_id"])

    def test_done_tasks_close_the_inquiry_when_the_queue_says_so(self):
        self.queue_building_a.task_close_action = "resolve"
        inquiry = self.inquiry_building
        first = self._make_task(inquiry)
        inquiry.with_user(self.user_caseworker).action_create_task()
        second = inquiry.sudo().task_ids - first
        first.with_user(self.user_department).write({"state": "1_done"})
        self.assertFalse(inquiry.is_closed, "one task of two is done")
        self.assertFalse(inquiry.activity_ids, "the inquiry waits for the other")
        self.assertIn(first.name, inquiry.message_ids[0].body)
        second.with_user(self.user_department).write({"state": "1_done"})
        self.assertTrue(inquiry.is_closed)
        self.assertEqual(inquiry.resolution, "task_done")
        self.assertIn(second.name, inquiry.resolution_note)
        self.assertFalse(inquiry.activity_ids)

    def test_cancelled_task_tells_the_owner_even_when_the_queue_closes(self):
        self.queue_building_a.task_close_action = "resolve"
        inquiry = self.inquiry_building
        task = self._make_task(inquiry)
        task.write({"state": "1_canceled"})
        self.assertFalse(inquiry.is_closed)
        self.assertIn("cancelled", inquiry.activity_ids.summary)
        # the queue has no supervisor and the inquiry no owner: whoever
        # closed the task is asked
        self.assertEqual(inquiry.activity_ids.user_id, self.env.user)

    def test_queue_form_sets_the_project(self):
        queue = self.queue_health_a
        with Form(queue) as form:
            form.project_id = self.project
            form.task_close_action = "resolve"
        self.assertEqual(queue.project_id, self.project)
        self.assertEqual(queue.task_close_action, "resolve")
