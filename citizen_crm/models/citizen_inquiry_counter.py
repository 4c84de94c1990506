from odoo import api, fields, models


class CitizenInquiryCounter(models.AbstractModel):
    """Registration at the counter: the letter or documents a citizen hands
    in, scanned and attached while the inquiry is registered, and the
    service's responsible queue proposed when the front desk cannot answer."""

    _name = "citizen.inquiry.counter"
    _description = "Inquiry: Counter Registration"

    letter_attachment_ids = fields.Many2many(
        "ir.attachment",
        "citizen_inquiry_letter_attachment_rel",
        "inquiry_id",
        "attachment_id",
        string="Documents",
        copy=False,
        help="Scanned letter or documents handed in, attached at registration.",
    )

    def _citizen_link_letter_attachments(self):
        """Move the documents uploaded in the counter form (not yet linked to a
        record) onto the inquiry, and log them in its history."""
        for inquiry in self.filtered("letter_attachment_ids"):
            pending = inquiry.letter_attachment_ids.filtered(
                lambda attachment: (
                    attachment.res_model in (False, self._name)
                    and not attachment.res_id
                    and attachment.create_uid == self.env.user
                )
            )
            if not pending:
                continue
            # sudo: only attachments this user just uploaded for an inquiry
            # they are registering are moved onto it.
            pending.sudo().write({"res_model": self._name, "res_id": inquiry.id})
            inquiry._message_log(
                body=inquiry._citizen_in_company_lang().env._(
                    "Documents registered with the inquiry."
                ),
                attachment_ids=pending.ids,
            )

    @api.onchange("service_id", "answered_directly")
    def _onchange_service_id_queue(self):
        """At the front line, choosing a service proposes the queue that
        handles it (its Responsible Queue), unless the front desk answered the
        citizen there and then. Saving the proposal is a forward like any
        other (_citizen_announce_forward). A back-office queue is not changed
        behind its caseworkers' back: they forward on purpose."""
        for inquiry in self:
            is_new = not inquiry._origin.id
            if inquiry.is_closed or (
                not is_new and inquiry.queue_id.queue_type != "front_line"
            ):
                continue
            target = not inquiry.answered_directly and inquiry.service_id.queue_id
            if target:
                inquiry.queue_id = target
            elif is_new and inquiry.queue_id.queue_type != "front_line":
                # the service's queue had been proposed: the front line again
                inquiry.queue_id = self._citizen_default_queue(inquiry.company_id)
