import logging

from odoo import models

from .mail_thread import _is_privacy_officer

_logger = logging.getLogger(__name__)


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _prepare_outgoing_list(self, mail_server=False, doc_to_followers=None):
        """Last line of defence for restricted citizens, whatever created the
        mail (templates, composer, code): a privacy officer's mail goes to the
        address held in the vault, as a bare address without the name; any
        other mail to them goes nowhere."""
        email_list = super()._prepare_outgoing_list(
            mail_server=mail_server, doc_to_followers=doc_to_followers
        )
        partners = [e["partner_id"] for e in email_list if e.get("partner_id")]
        if not partners:
            return email_list
        # The flag, the author's groups and the vault address decide the
        # recipient only; nothing is shown to the user.
        restricted = (
            self.env["res.partner"]
            .sudo()
            .union(*partners)
            .filtered("citizen_contact_restricted")
        )
        if not restricted:
            return email_list
        allowed = _is_privacy_officer(self.sudo().author_id)
        addresses = (
            self.env["citizen.protected.contact"].sudo()._email_for(restricted)
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
                    "mail.mail %s: recipient under contact restriction withheld.",
                    self.id,
                )
        return email_list
