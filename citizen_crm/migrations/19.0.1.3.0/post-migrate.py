"""19.0.1.3.0

1. res.company's scheduled method for the public holidays is renamed from
_citizen_cron_generate_public_holidays to _cron_citizen_generate_public_holidays
(cron methods are named _cron_*). The cron record is noupdate, so Odoo does
not reload its code from data/ir_cron_data.xml: the call is renamed here, in
that cron and in any other server action an administrator wrote with it.

2. A data subject's request is one thing, an inquiry of type
"Data-subject request (GDPR)" with the privacy officer's processing record
(citizen.gdpr.request, now linked by inquiry_id, one per inquiry), whose
deadline is the inquiry's legal deadline.

- A request without an inquiry gets one: type gdpr_request, the same citizen,
  municipality and day received (from the start of that day in the
  municipality's time zone), in the municipality's default queue, with the
  subject new requests get.
- The inquiry of a request already processed (done or refused) is closed when
  the request was processed: the last change of its state, else of the
  request. Refused requests close as "Rejected". Done ones close as
  "Referred elsewhere": the privacy officer answered them outside the
  servicetorg, and "Answered at first contact" would count them in the
  servicetorg's first-contact rate. The resolution note says what happened.
- The inquiry of an erasure that was carried out is anonymised, as a new
  erasure leaves it: the citizen is off it.
- An inquiry of type gdpr_request without a request gets one, of type "Other
  right", for the privacy officer to classify.

Odoo adds the inquiry_id column; its NOT NULL constraint fails while the old
requests have none, and Odoo applies it again at the end of the update
(registry.finalize_constraints), after this script filled every row.
"""

import logging

from odoo import SUPERUSER_ID, Command, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

RENAMED_METHODS = {
    "_citizen_cron_generate_public_holidays": "_cron_citizen_generate_public_holidays",
}
RESOLUTIONS = {"done": "referred", "refused": "rejected"}
NOTE = (
    "Closed on the update to version 19.0.1.3.0: the privacy officer processed "
    "this data-subject request (%(right)s: %(outcome)s) before each request "
    "became an inquiry."
)


def _processing_dates(cr):
    """{request id: when its state last changed}, from the tracked changes."""
    cr.execute(
        """
        SELECT m.res_id, max(m.date)
          FROM mail_message m
          JOIN mail_tracking_value v ON v.mail_message_id = m.id
          JOIN ir_model_fields f ON f.id = v.field_id
         WHERE m.model = 'citizen.gdpr.request'
           AND f.model = 'citizen.gdpr.request'
           AND f.name = 'state'
         GROUP BY m.res_id
        """
    )
    return dict(cr.fetchall())


def _give_requests_inquiries(env):
    env.cr.execute("SELECT id FROM citizen_gdpr_request WHERE inquiry_id IS NULL")
    requests = env["citizen.gdpr.request"].browse(row[0] for row in env.cr.fetchall())
    if not requests:
        return
    Inquiry = env["citizen.inquiry"].with_context(
        mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
    )
    types = dict(requests._fields["request_type"]._description_selection(env))
    states = dict(requests._fields["state"]._description_selection(env))
    processed_on = _processing_dates(env.cr)
    vals_list = []
    for request in requests:
        company = request.company_id
        partner = request.partner_id
        vals = {
            "inquiry_type": "gdpr_request",
            "name": requests._citizen_inquiry_name(request.request_type),
            "partner_id": False if partner.citizen_anonymised else partner.id,
            "company_id": company.id,
            "date_received": requests._citizen_inquiry_received(
                company, request.date_received
            ),
            "gdpr_request_ids": [Command.link(request.id)],
        }
        if request.state in RESOLUTIONS:
            queue = Inquiry._citizen_default_queue(company)
            processed = processed_on.get(request.id) or request.write_date
            vals.update(
                queue_id=queue.id,
                stage_id=Inquiry._citizen_first_stage(queue, closed=True).id,
                resolution=RESOLUTIONS[request.state],
                resolution_note=NOTE
                % {
                    "right": types[request.request_type],
                    "outcome": states[request.state],
                },
                date_first_response=processed,
                date_closed=processed,
            )
        vals_list.append(vals)
    inquiries = Inquiry.create(vals_list)
    inquiries.filtered(
        lambda i: i.gdpr_request_ids.partner_id.citizen_anonymised
    )._citizen_anonymise()
    _logger.info("%s data-subject requests got their inquiry", len(requests))


def _rename_methods(cr):
    for old, new in RENAMED_METHODS.items():
        cr.execute(
            SQL(
                "UPDATE ir_act_server SET code = replace(code, %s, %s) "
                "WHERE strpos(code, %s) > 0",
                f".{old}(",
                f".{new}(",
                f".{old}(",
            )
        )
        if cr.rowcount:
            _logger.info("Renamed %s to %s in %s server actions", old, new, cr.rowcount)


def migrate(cr, version):
    _rename_methods(cr)
    env = api.Environment(cr, SUPERUSER_ID, {})
    _give_requests_inquiries(env)
    inquiries = (
        env["citizen.inquiry"]
        .with_context(active_test=False)
        .search(
            [("inquiry_type", "=", "gdpr_request"), ("gdpr_request_ids", "=", False)]
        )
    )
    inquiries._citizen_sync_gdpr_requests()
    _logger.info("%s data-subject request inquiries got their request", len(inquiries))
