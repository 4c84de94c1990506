from odoo import fields, models
from odoo.addons.citizen_crm.models.res_partner import INQUIRY_GROUPS
from odoo.addons.project.models.project_task import CLOSED_STATES


class ProjectTask(models.Model):
    _inherit = "project.task"

    # Only the citizen service's staff read inquiries: the link is theirs to
    # see; the department reads the task's own note ("Created from...").
    citizen_inquiry_id = fields.Many2one(
        "citizen.inquiry",
        string="Inquiry",
        index="btree_not_null",
        copy=False,
        ondelete="set null",
        groups=INQUIRY_GROUPS,
        help="The citizen's inquiry this task was made from. When the task is "
        "done, the inquiry's queue says whether the inquiry is closed or its "
        "owner asked to answer the citizen.",
    )

    def write(self, vals):
        finishing = self.browse()
        if vals.get("state") in CLOSED_STATES:
            # The link is read past the groups of whoever closes the task:
            # a department member who does not work with inquiries.
            finishing = self.sudo().filtered(
                lambda t: t.citizen_inquiry_id and t.state not in CLOSED_STATES
            )
        result = super().write(vals)
        if finishing:
            # The department's member closing a task may not read the
            # inquiry: its queue's setting closes it or asks its owner to
            # answer, and nothing of it is shown to them.
            finishing.citizen_inquiry_id._citizen_tasks_finished(finishing)
        return result
