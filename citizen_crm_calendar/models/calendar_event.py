from odoo import fields, models
from odoo.addons.citizen_crm.models.res_partner import INQUIRY_GROUPS


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    # The citizen service's staff read inquiries: the links are theirs to see.
    citizen_inquiry_id = fields.Many2one(
        "citizen.inquiry",
        string="Inquiry",
        index="btree_not_null",
        copy=False,
        ondelete="set null",
        groups=INQUIRY_GROUPS,
    )
    citizen_partner_id = fields.Many2one(
        "res.partner",
        string="Citizen",
        copy=False,
        groups=INQUIRY_GROUPS,
        help="The citizen the appointment is with.",
    )
