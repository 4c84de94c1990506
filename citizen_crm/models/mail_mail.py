import logging

from odoo import api, fields, models

from .mail_thread import foreign_addresses, vault_release_allowed

_logger = logging.getLogger(__name__)


class MailMail(models.Model):
    _inherit = "mail.mail"

    citizen_vault_release = fields.Boolean(
        string="May Reach Protected Citizens",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="Set when the mail was created by a privacy officer: only such mail "
        "is sent to the address held for a citizen under contact restriction.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        # Stamped from the user creating the mail, like create_uid: no caller
        # can pass it in.
        release = vault_release_allowed(self.env)
        for vals in vals_list:
            vals["citizen_vault_release"] = release
        return super().create(vals_list)

    def write(self, vals):
        # Nobody changes who created a mail; resending keeps the stamp.
        vals.pop("citizen_vault_release", None)
        return super().write(vals)

    def _prepare_outgoing_list(self, mail_server=False, doc_to_followers=None):
        """Last line of defence for restricted citizens, whatever created the
        mail (templates, composer, code): a privacy officer's mail from and
        answered to the municipality's own addresses goes to the address held
        in the vault, as a bare address without the name; any other mail to
        them goes nowhere."""
        email_list = super()._prepare_outgoing_list(
            mail_server=mail_server, doc_to_followers=doc_to_followers
        )
        partners = [e["partner_id"] for e in email_list if e.get("partner_id")]
        if not partners:
            return email_list
        # The flag, the stamp and the vault address decide the recipient
        # only; nothing is shown to the user.
        restricted = (
            self.env["res.partner"]
            .sudo()
            .union(*partners)
            .filtered("citizen_contact_restricted")
        )
        if not restricted:
            return email_list
        # sudo: the stamp (system-only field) and the headers decide only
        mail = self.sudo()
        foreign = foreign_addresses(self.env, mail.email_from, mail.reply_to)
        allowed = mail.citizen_vault_release and not foreign
        addresses = (
            self.env["citizen.protected.contact"].sudo()._citizen_email_for(restricted)
            if allowed
            else {}
        )
        for email in email_list:
            partner = email.get("partner_id")
            if not partner or partner.id not in restricted.ids:
                continue
            address = addresses.get(partner.id)
            email["email_to"] = [address] if address else []
            email["email_to_normalized"] = [address.lower()] if address else []
            email["email_to_raw"] = address or ""
            if not address:
                _logger.warning(
                    "mail.mail %s: recipient under contact restriction withheld%s.",
                    self.id,
                    f" (foreign From or Reply-To: {', '.join(foreign)})"
                    if foreign
                    else "",
                )
        return email_list
