import logging

from odoo import models
from odoo.exceptions import UserError
from odoo.tools.mail import email_normalize_all

from .res_partner import PRIVACY_GROUP

_logger = logging.getLogger(__name__)


def vault_release_allowed(env):
    """Whether mail created now may reach a restricted citizen's address.

    Decided from the user who sends (``env.uid``: ``sudo()`` keeps it, and
    the ORM stamps it as ``create_uid`` whatever the caller passes), never
    from the message's author, which the caller chooses."""
    return env.user._has_group(PRIVACY_GROUP)


def own_addresses(env):
    """(domains, addresses) the municipality answers for: its alias domains
    and the domains of its companies' addresses, plus the sending user's own
    address. Replies to mail for a restricted citizen may only go there."""
    # sudo: configuration of the mail domains; only compared with the headers
    domains = set(env["mail.alias.domain"].sudo().search([]).mapped("name"))
    addresses = set()
    # sudo: the municipalities' public addresses, compared only
    for company in env["res.company"].sudo().search([]):
        for email in email_normalize_all(company.email or ""):
            domains.add(email.rsplit("@", 1)[1])
    addresses.update(email_normalize_all(env.user.email or ""))
    return {domain.lower() for domain in domains if domain}, addresses


def foreign_addresses(env, *headers):
    """The addresses of ``headers`` (From, Reply-To) that are not the
    municipality's own (see ``own_addresses``)."""
    emails = [
        email for header in headers for email in email_normalize_all(header or "")
    ]
    if not emails:
        return []
    domains, addresses = own_addresses(env)
    return [
        email
        for email in emails
        if email not in addresses and email.rsplit("@", 1)[1] not in domains
    ]


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        """Nobody but a privacy officer e-mails a citizen whose contact is
        restricted, and even they only with the municipality's own From and
        Reply-To. Addressing one explicitly otherwise is refused with a clear
        error; an automatic notification (a follower, a scheduled mail) skips
        them and leaves a trace in the audit trail."""
        recipients = super()._notify_get_recipients(
            message, msg_vals=msg_vals, **kwargs
        )
        email_pids = [
            r["id"] for r in recipients if r.get("id") and r.get("notif") == "email"
        ]
        if not email_pids:
            return recipients
        # Reading the neutral flag of the recipients: a decision only.
        Partner = self.env["res.partner"].sudo()
        restricted = Partner.browse(email_pids).filtered("citizen_contact_restricted")
        if not restricted:
            return recipients
        msg_vals = msg_vals or {}
        # The message's own headers, read for the decision only.
        headers = message.sudo()
        foreign = foreign_addresses(
            self.env,
            msg_vals.get("email_from", headers.email_from),
            msg_vals.get("reply_to", headers.reply_to),
        )
        allowed = vault_release_allowed(self.env)
        if allowed and not foreign:
            return recipients
        explicit = msg_vals.get("partner_ids")
        if explicit is None:
            explicit = headers.partner_ids.ids
        explicit_ids = {pid for pid in explicit if isinstance(pid, int)}
        addressed = restricted.filtered(lambda p: p.id in explicit_ids)
        if addressed and not self.env.su:
            names = ", ".join(addressed.mapped("name"))
            if not allowed:
                raise UserError(
                    self.env._(
                        "%(names)s can only be contacted through the privacy officer. "
                        "Remove them from the recipients and ask the privacy officer "
                        "to send the message.",
                        names=names,
                    )
                )
            raise UserError(
                self.env._(
                    "Mail to %(names)s must come from and be answered to the "
                    "municipality's own addresses, not %(addresses)s.",
                    names=names,
                    addresses=", ".join(foreign),
                )
            )
        _logger.warning(
            "Mail to %s citizen(s) under contact restriction not sent (message %s).",
            len(restricted),
            message.id,
        )
        self.env["citizen.audit.log"]._citizen_log(
            "mail_blocked",
            restricted,
            description="E-mail notification withheld: contact via privacy officer",
        )
        return [
            r
            for r in recipients
            if not (r.get("id") in restricted.ids and r.get("notif") == "email")
        ]
