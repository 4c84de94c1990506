from odoo import fields, models

TASK_CLOSE_ACTIONS = [
    ("notify", "Tell the inquiry's owner"),
    ("resolve", "Close the inquiry"),
]


class CitizenQueue(models.Model):
    _inherit = "citizen.queue"

    project_id = fields.Many2one(
        "project.project",
        string="Project for Tasks",
        check_company=True,
        help="Tasks created from this queue's inquiries go to this project: the "
        "department's own project, where its staff plan the work.",
    )
    task_close_action = fields.Selection(
        TASK_CLOSE_ACTIONS,
        string="When the Task Is Done",
        default="notify",
        required=True,
        help="Tell the inquiry's owner: an activity asks them to answer the "
        "citizen. Close the inquiry: the inquiry is closed as resolved by the "
        "department, with the task in its note. A cancelled task always tells "
        "the owner.",
    )
