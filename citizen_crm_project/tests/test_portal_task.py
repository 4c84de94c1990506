"""The citizen reads the department's work on their inquiry in plain words
on its portal page; never for a confidential inquiry."""

from odoo import Command
from odoo.addons.citizen_crm.tests.common import CitizenPortalCommon
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestPortalTask(CitizenPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = cls.env["project.project"].create(
            {"name": "Barnehagekontoret", "company_id": cls.company.id}
        )
        cls.inquiry1.queue_id.project_id = cls.project
        cls.inquiry1_confidential.queue_id.project_id = cls.project

    def _page(self, inquiry, token=None):
        if token:  # the tracking link, the one way to a confidential inquiry
            self.authenticate(None, None)
            response = self.url_open(f"/my/inquiries/{inquiry.id}?access_token={token}")
        else:
            self.authenticate("portal1", "portal1")
            response = self.url_open(f"/my/inquiries/{inquiry.id}")
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_task_in_plain_words(self):
        self.inquiry1.with_user(self.caseworker).action_create_task()
        task = self.inquiry1.sudo().task_ids
        task.user_ids = [Command.set(self.caseworker.ids)]
        page = self._page(self.inquiry1)
        self.assertIn("o_citizen_inquiry_tasks", page)
        self.assertIn("Barnehagekontoret is working on it (Kari Saksbehandler).", page)
        self.assertNotIn(task.stage_id.name or "no stage", page)
        task.state = "1_done"
        page = self._page(self.inquiry1)
        self.assertIn("Barnehagekontoret has finished its work.", page)

    def test_nothing_of_a_confidential_inquiry(self):
        inquiry = self.inquiry1_confidential
        inquiry.with_user(self.caseworker).action_create_task()
        page = self._page(inquiry, token=inquiry._portal_ensure_token())
        self.assertIn("handled confidentially", page)
        self.assertNotIn("o_citizen_inquiry_tasks", page)
        self.assertNotIn("Barnehagekontoret", page)
