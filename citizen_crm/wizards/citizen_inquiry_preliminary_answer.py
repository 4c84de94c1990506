from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.citizen_inquiry_mail import citizen_text_language

TEMPLATE_LANGUAGES = [
    ("nb", "Norwegian Bokmål"),
    ("nn", "Norwegian Nynorsk"),
    ("en", "English"),
]


class CitizenInquiryPreliminaryAnswer(models.TransientModel):
    """Tell the citizen why the answer takes time and when to expect it
    (foreløpig svar, forvaltningsloven § 11a)."""

    _name = "citizen.inquiry.preliminary.answer"
    _inherit = ["citizen.inquiry.wizard.mixin"]
    _description = "Preliminary Answer"

    inquiry_id = fields.Many2one("citizen.inquiry", required=True, ondelete="cascade")
    language = fields.Selection(
        TEMPLATE_LANGUAGES,
        required=True,
        compute="_compute_language",
        store=True,
        readonly=False,
        help="Language of the letter; the citizen's preferred language when we "
        "have a text in it.",
    )
    reason = fields.Text(
        required=True, help="Why the answer takes time, in the citizen's language."
    )
    date_expected = fields.Date(string="Answer Expected By", required=True)
    by_letter = fields.Boolean(
        string="Send by Letter",
        compute="_compute_by_letter",
        store=True,
        readonly=False,
        help="The citizen has reserved against digital contact, is deceased or "
        "has no e-mail: the text is logged to be printed and sent by post.",
    )

    @api.depends("inquiry_id")
    def _compute_language(self):
        for wizard in self:
            lang = wizard.inquiry_id.partner_id.lang
            wizard.language = citizen_text_language(lang) or "nb"

    @api.depends("inquiry_id")
    def _compute_by_letter(self):
        for wizard in self:
            inquiry = wizard.inquiry_id
            wizard.by_letter = bool(
                inquiry.partner_id._citizen_letters_only()
                or not (inquiry.partner_id.email or inquiry.partner_email)
            )

    def action_send(self):
        self.ensure_one()
        inquiry = self.inquiry_id
        if self.date_expected < fields.Date.context_today(self):
            raise UserError(
                self.env._("The expected answer date cannot be in the past.")
            )
        if not self.by_letter and not (
            inquiry.partner_id.email or inquiry.partner_email
        ):
            raise UserError(
                self.env._(
                    "The citizen has no e-mail address: send the preliminary answer "
                    "by letter."
                )
            )
        inquiry._citizen_record_preliminary_answer(self.reason, self.date_expected)
        template = self.env.ref(
            f"citizen_crm.mail_template_preliminary_answer_{self.language}"
        )
        if self.by_letter:
            body = template._render_field("body_html", inquiry.ids)[inquiry.id]
            inquiry.message_post(
                body=body,
                subject=inquiry._citizen_in_company_lang().env._(
                    "Preliminary answer to be sent by letter"
                ),
                subtype_xmlid="mail.mt_note",
            )
        else:
            inquiry.message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        return {"type": "ir.actions.act_window_close"}
