from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _lang_get
from odoo.exceptions import ValidationError

from .citizen_inquiry_mail import SUBJECT_MAX

# The channels where the citizen talks to the desk: who it is must be known
# (a name, a number to call back, or the citizen picked). A letter may be
# anonymous; mail and the web form bring their own sender.
IDENTIFIED_CHANNELS = ("counter", "phone")
# The counter form's actions set it: the registration checks below apply to
# what the desk types, not to mail or web intake.
COUNTER_CONTEXT = "citizen_counter_registration"


class CitizenInquiryCounter(models.AbstractModel):
    """Registration at the counter: the letter or documents a citizen hands
    in, scanned and attached while the inquiry is registered; what the desk
    sees about the citizen picked (their open inquiries, preferred channel
    and language, and whether contact goes through the privacy officer); the
    service's responsible queue proposed when the desk cannot answer; and
    the checks on what the desk types."""

    _name = "citizen.inquiry.counter"
    _description = "Inquiry: Counter Registration"

    partner_open_inquiry_ids = fields.Many2many(
        "citizen.inquiry",
        string="Open Inquiries of the Citizen",
        compute="_compute_partner_open_inquiries",
        help="The citizen's other open inquiries that you may read.",
    )
    partner_open_inquiry_count = fields.Integer(
        string="Open Inquiries", compute="_compute_partner_open_inquiries"
    )
    partner_preferred_channel_id = fields.Many2one(
        "citizen.channel",
        string="Preferred Channel",
        compute="_compute_partner_desk_facts",
    )
    partner_lang = fields.Selection(
        _lang_get, string="Language", compute="_compute_partner_desk_facts"
    )
    partner_contact_restricted = fields.Boolean(
        string="Contact via Privacy Officer",
        compute="_compute_partner_desk_facts",
        help="Do not disclose anything about this citizen and do not write to "
        "them: ask the privacy officer.",
    )

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

    @api.depends("partner_id")
    def _compute_partner_open_inquiries(self):
        # One search for every citizen of the batch, with the user's record
        # rules: a confidential inquiry of another queue is neither listed
        # nor counted.
        partner_ids = self.partner_id._origin.ids
        open_by_partner = {}
        if partner_ids:
            for other in self.search(
                [("partner_id", "in", partner_ids), ("is_closed", "=", False)]
            ):
                open_by_partner.setdefault(other.partner_id.id, []).append(other.id)
        for inquiry in self:
            ids = open_by_partner.get(inquiry.partner_id._origin.id, [])
            others = self.browse(ids) - inquiry._origin
            inquiry.partner_open_inquiry_ids = others
            inquiry.partner_open_inquiry_count = len(others)

    @api.depends(
        "partner_id.preferred_channel_id",
        "partner_id.lang",
        "partner_id.citizen_contact_restricted",
    )
    def _compute_partner_desk_facts(self):
        # What every internal user may read of the citizen; the flag tells
        # that contact is restricted, never the grading.
        for inquiry in self:
            partner = inquiry.partner_id
            inquiry.partner_preferred_channel_id = partner.preferred_channel_id
            inquiry.partner_lang = partner.lang
            inquiry.partner_contact_restricted = partner.citizen_contact_restricted

    def action_open_partner_open_inquiries(self):
        """The smart button: the citizen's open inquiries."""
        self.ensure_one()
        action = self.partner_id.action_open_citizen_inquiries()
        action["context"] = dict(action["context"], search_default_filter_open=1)
        return action

    @api.constrains("name")
    def _citizen_check_subject_length(self):
        """A subject is a line, not the inquiry: mail intake shortens long
        subjects to the same length."""
        for inquiry in self:
            if inquiry.name and len(inquiry.name) > SUBJECT_MAX:
                raise ValidationError(
                    self.env._(
                        "The subject may have at most %(max)s characters (it has "
                        "%(count)s): write the details in the note.",
                        max=SUBJECT_MAX,
                        count=len(inquiry.name),
                    )
                )

    def _citizen_check_counter_contact(self):
        """An inquiry registered at the counter or on the phone says who it is
        from: the citizen, or a contact name, phone or e-mail."""
        if not self.env.context.get(COUNTER_CONTEXT):
            return
        for inquiry in self:
            if inquiry.channel_id.code not in IDENTIFIED_CHANNELS:
                continue
            if not (
                inquiry.partner_id
                or inquiry.partner_name
                or inquiry.partner_phone
                or inquiry.partner_email
            ):
                raise ValidationError(
                    self.env._(
                        "Who is this inquiry from? Choose the citizen, or give a "
                        "contact name, phone or e-mail (for a caller who will not "
                        'give a name, write "Anonymous").'
                    )
                )
