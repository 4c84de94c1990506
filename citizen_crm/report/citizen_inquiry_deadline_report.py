from odoo import fields, models

from ..models.citizen_inquiry_legal import INQUIRY_TYPES, LEGAL_STATES
from ..models.citizen_inquiry_sla import SLA_STATUSES


class CitizenInquiryDeadlineReport(models.Model):
    """Compliance with SLA targets and legal deadlines, one row per inquiry.

    A compliance measure is 100 when the deadline was kept, 0 when it was
    missed and empty while it is still running, so that its average is the
    share of decided deadlines that were kept. It reads the stored statuses,
    which the scheduled actions keep up to date.
    """

    _name = "citizen.inquiry.deadline.report"
    _description = "Inquiry Deadline Compliance"
    _auto = False
    _order = "date_received desc"

    inquiry_id = fields.Many2one("citizen.inquiry", string="Inquiry", readonly=True)
    company_id = fields.Many2one("res.company", string="Municipality", readonly=True)
    queue_id = fields.Many2one("citizen.queue", string="Queue", readonly=True)
    service_id = fields.Many2one("citizen.service", string="Service", readonly=True)
    los_theme_id = fields.Many2one(
        "citizen.los.theme", string="LOS Theme", readonly=True
    )
    channel_id = fields.Many2one("citizen.channel", string="Channel", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned to", readonly=True)
    inquiry_type = fields.Selection(INQUIRY_TYPES, string="Type", readonly=True)
    date_received = fields.Datetime(string="Received", readonly=True)
    is_closed = fields.Boolean(string="Closed", readonly=True)
    sla_status = fields.Selection(SLA_STATUSES, string="SLA Status", readonly=True)
    legal_deadline_state = fields.Selection(
        LEGAL_STATES, string="Legal Deadline", readonly=True
    )
    sla_first_response_compliance = fields.Float(
        string="First Response on Time (%)", readonly=True, aggregator="avg"
    )
    sla_resolution_compliance = fields.Float(
        string="Resolved on Time (%)", readonly=True, aggregator="avg"
    )
    legal_deadline_compliance = fields.Float(
        string="Legal Deadline Kept (%)", readonly=True, aggregator="avg"
    )
    sla_breached_count = fields.Integer(
        string="SLA Breaches", readonly=True, aggregator="sum"
    )

    def _select(self):
        return """
            i.id AS id,
            i.id AS inquiry_id,
            i.company_id,
            i.queue_id,
            i.service_id,
            i.los_theme_id,
            i.channel_id,
            i.user_id,
            i.inquiry_type,
            i.date_received,
            i.is_closed,
            i.sla_status,
            i.legal_deadline_state,
            CASE i.sla_first_response_status
                WHEN 'breached' THEN 0.0
                ELSE CASE WHEN i.date_first_response IS NOT NULL
                          AND i.sla_first_response_status IS NOT NULL THEN 100.0 END
            END AS sla_first_response_compliance,
            CASE i.sla_resolution_status
                WHEN 'breached' THEN 0.0
                ELSE CASE WHEN i.is_closed
                          AND i.sla_resolution_status IS NOT NULL THEN 100.0 END
            END AS sla_resolution_compliance,
            CASE i.legal_deadline_state
                WHEN 'met' THEN 100.0
                WHEN 'overdue' THEN 0.0
                WHEN 'refused' THEN 0.0
            END AS legal_deadline_compliance,
            CASE WHEN i.sla_status = 'breached' THEN 1 ELSE 0 END AS sla_breached_count
        """

    @property
    def _table_query(self):
        return f"SELECT {self._select()} FROM citizen_inquiry i WHERE i.active"
