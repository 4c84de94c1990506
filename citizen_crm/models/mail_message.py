from odoo import api, models


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        """A message written by a citizen under contact restriction keeps the
        author but not their address: it would reach every follower's inbox
        as the From header and every chatter reader."""
        author_ids = {vals["author_id"] for vals in vals_list if vals.get("author_id")}
        if author_ids:
            # The neutral flag only decides whether the sender is rewritten.
            restricted = (
                self.env["res.partner"]
                .sudo()
                .browse(author_ids)
                .filtered("citizen_contact_restricted")
            )
            for vals in vals_list:
                author = restricted.filtered(
                    lambda p, v=vals: p.id == v.get("author_id")
                )
                if author and vals.get("email_from"):
                    vals["email_from"] = author._citizen_neutral_email_from()
        return super().create(vals_list)
