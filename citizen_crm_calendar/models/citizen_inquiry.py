"""Appointments booked for an inquiry's citizen (calendar.event linked to the
inquiry). Every override of an Odoo method of citizen.inquiry in this addon
is in this file, as in citizen_crm's own citizen_inquiry.py."""

from odoo import fields, models


class CitizenInquiry(models.Model):
    _inherit = "citizen.inquiry"

    citizen_appointment_count = fields.Integer(
        string="Appointments", compute="_compute_citizen_appointment_count"
    )

    def _compute_citizen_appointment_count(self):
        counts = dict(
            self.env["calendar.event"]._read_group(
                [("citizen_inquiry_id", "in", self.ids)],
                ["citizen_inquiry_id"],
                ["__count"],
            )
        )
        for inquiry in self:
            inquiry.citizen_appointment_count = counts.get(inquiry, 0)

    def action_book_appointment(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Book an Appointment"),
            "res_model": "citizen.appointment.book",
            "view_mode": "form",
            "target": "new",
            "context": {"default_inquiry_id": self.id},
        }

    def action_open_appointments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_crm_calendar.calendar_event_action_citizen"
        )
        action["domain"] = [("citizen_inquiry_id", "=", self.id)]
        action["context"] = {}
        return action
