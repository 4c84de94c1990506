import logging

from odoo import models
from odoo.exceptions import UserError

from .res_partner import PRIVACY_GROUP

_logger = logging.getLogger(__name__)


def _is_privacy_officer(partner):
    """Whether a message author is a privacy officer (users of the partner)."""
    return any(user._has_group(PRIVACY_GROUP) for user in partner.user_ids)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        """Nobody but a privacy officer e-mails a citizen whose contact is
        restricted. Addressing one explicitly is refused with a clear error;
        an automatic notification (a follower, a scheduled mail) skips them
        and leaves a trace in the audit trail."""
        recipients = super()._notify_get_recipients(
            message, msg_vals=msg_vals, **kwargs
        )
        email_pids = [
            r["id"] for r in recipients if r.get("id") and r.get("notif") == "email"
        ]
        if not email_pids:
            return recipients
        # Reading the neutral flag and the authors' groups: a decision only.
        Partner = self.env["res.partner"].sudo()
        restricted = Partner.browse(email_pids).filtered("citizen_contact_restricted")
        if not restricted:
            return recipients
        msg_vals = msg_vals or {}
        author = Partner.browse(
            msg_vals.get("author_id") or message.sudo().author_id.id
        )
        if _is_privacy_officer(author):
            return recipients
        explicit = msg_vals.get("partner_ids")
        if explicit is None:
            explicit = message.sudo().partner_ids.ids
        explicit_ids = {pid for pid in explicit if isinstance(pid, int)}
        addressed = restricted.filtered(lambda p: p.id in explicit_ids)
        if addressed and not self.env.su:
            raise UserError(
                self.env._(
                    "%(names)s can only be contacted through the privacy officer. "
                    "Remove them from the recipients and ask the privacy officer "
                    "to send the message.",
                    names=", ".join(addressed.mapped("name")),
                )
            )
        _logger.warning(
            "Mail to %s citizen(s) under contact restriction not sent (message %s).",
            len(restricted),
            message.id,
        )
        self.env["citizen.audit.log"]._log(
            "mail_blocked",
            restricted,
            description="E-mail notification withheld: contact via privacy officer",
        )
        return [
            r
            for r in recipients
            if not (r.get("id") in restricted.ids and r.get("notif") == "email")
        ]
