"""Query budgets of the bridge's hot paths (citizen_crm's test_performance.py
says how budgets are chosen)."""

from odoo.tests import tagged
from odoo.tests.common import warmup

from .common import CitizenProjectCommon

# Measured 40: the task's create (its stage, followers, tracking) and a note
# on each side.
CREATE_TASK = 44


@tagged("post_install", "-at_install")
class TestTaskPerformance(CitizenProjectCommon):
    @warmup
    def test_create_task_query_budget(self):
        inquiry = self.inquiry_building.with_user(self.user_caseworker)
        self.env.invalidate_all()
        with self.assertQueryCount(CREATE_TASK):
            inquiry.action_create_task()
