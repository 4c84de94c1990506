from odoo import api, models
from odoo.tools.mail import email_normalize_all

# Context key set by the mail gateway for a message whose sender it could not
# verify: such a message is never attributed to a protected citizen.
SENDER_UNVERIFIED = "citizen_mail_sender_unverified"


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        """A message written by, or from the address of, a citizen under
        contact restriction keeps no trace of that address: it would reach
        every follower's inbox as the From header and every chatter reader.
        Wherever the message is routed (an inquiry, the citizen's own
        chatter, any other thread), the address is withheld and the citizen
        is the author, unless the gateway could not verify the sender."""
        index = self.env["citizen.protected.contact"]._citizen_email_index()
        author_ids = {vals["author_id"] for vals in vals_list if vals.get("author_id")}
        # The neutral flag only decides whether the sender is rewritten.
        restricted = (
            self.env["res.partner"]
            .sudo()
            .browse(author_ids)
            .filtered("citizen_contact_restricted")
            if author_ids
            else self.env["res.partner"]
        )
        for vals in vals_list:
            self._citizen_withhold_restricted_sender(vals, restricted, index)
        return super().create(vals_list)

    @api.model
    def _citizen_withhold_restricted_sender(self, vals, restricted_authors, index):
        """Rewrite ``vals`` in place: the author's or sender's vault address
        becomes a neutral sender, and a Reply-To holding it is dropped."""
        author = restricted_authors.filtered(lambda p: p.id == vals.get("author_id"))
        owner_ids = {
            index[email]
            for key in ("email_from", "reply_to")
            for email in email_normalize_all(vals.get(key) or "")
            if email in index
        }
        if not author and not owner_ids:
            return
        if not author and not vals.get("author_id") and len(owner_ids) == 1:
            if not self.env.context.get(SENDER_UNVERIFIED):
                # sudo: the owner of an address the sender wrote from
                author = self.env["res.partner"].sudo().browse(owner_ids).exists()
                vals["author_id"] = author.id
        if vals.get("email_from"):
            vals["email_from"] = (
                author._citizen_neutral_email_from()
                if author
                else self.env["res.partner"]._citizen_withheld_email_from()
            )
        if owner_ids and vals.get("reply_to"):
            vals["reply_to"] = False
