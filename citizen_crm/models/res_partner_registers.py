"""What the national registers say about a citizen: the Folkeregister's status
and date of death (imported by citizen.register.import), and the contact
register's (KRR) reservation, e-mail, mobile and language, with the date of
the lookup.

Two predicates decide the mail a citizen gets, for every sender of it:

- ``_citizen_no_automatic_mail``: a deceased citizen gets no acknowledgement
  of receipt nor any other automatic mail;
- ``_citizen_letters_only``: a citizen reserved against digital contact in
  KRR (eForvaltningsforskriften § 9), or deceased (letters to the estate),
  gets the preliminary answer and the GDPR extension notice by letter.
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from . import (  # noqa: F401
    citizen_protected_contact,
    citizen_register_client,
    res_partner,
)
from . import national_id as nid
from .citizen_register_client import DEFAULT_KRR_SCOPE, KRR_SCOPE_PARAM
from .folkeregister import STATUSES
from .maskinporten import RegisterError
from .res_partner import NATIONAL_ID_SEARCH_GROUPS

_logger = logging.getLogger(__name__)

KRR_LANGUAGES = [
    ("nb", "Norwegian Bokmål"),
    ("nn", "Norwegian Nynorsk"),
    ("en", "English"),
    ("se", "Northern Sami"),
]
KRR_STATUSES = [
    ("AKTIV", "Active"),
    ("SLETTET", "Deleted"),
    ("IKKE_REGISTRERT", "Not registered"),
]
# Persons per call to KRR's lookup API (its documented maximum).
KRR_MAX_PER_CALL = 1000


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------
    # Folkeregisteret
    # ------------------------------------------------------------

    citizen_register_status = fields.Selection(
        STATUSES,
        string="Register Status",
        readonly=True,
        help="The citizen's status in the National Population Register "
        "(Folkeregisteret), from the last import.",
    )
    citizen_date_of_death = fields.Date(
        string="Date of Death", readonly=True, groups="base.group_user"
    )
    # Not stored: an upgrade would otherwise compute it for every partner.
    citizen_deceased = fields.Boolean(
        string="Deceased",
        compute="_compute_citizen_deceased",
        compute_sudo=True,
        help="Registered as deceased in the Folkeregister: no acknowledgements "
        "or other automatic mail.",
    )

    # ------------------------------------------------------------
    # Contact register (KRR)
    # ------------------------------------------------------------

    # Moved to the vault for a protected citizen (PROTECTED_CONTACT_FIELDS).
    krr_email = fields.Char(string="KRR E-mail", readonly=True)
    krr_mobile = fields.Char(string="KRR Mobile", readonly=True)
    krr_language = fields.Selection(KRR_LANGUAGES, string="KRR Language", readonly=True)
    krr_status = fields.Selection(KRR_STATUSES, string="KRR Status", readonly=True)
    krr_date = fields.Datetime(
        string="KRR Looked Up On",
        readonly=True,
        help="When the contact register (KRR) was last asked about this citizen.",
    )

    @api.depends("citizen_register_status", "citizen_date_of_death")
    def _compute_citizen_deceased(self):
        for partner in self:
            partner.citizen_deceased = bool(
                partner.citizen_register_status == "doed"
                or partner.citizen_date_of_death
            )

    # ------------------------------------------------------------
    # Who gets which mail
    # ------------------------------------------------------------

    def _citizen_no_automatic_mail(self):
        """True when no automatic mail (acknowledgement, receipt) may go to
        any partner of ``self``: they are registered as deceased."""
        return any(self.sudo().mapped("citizen_deceased"))

    def _citizen_letters_only(self):
        """True when what the law has us send (a preliminary answer, a GDPR
        extension notice) must go by letter: the citizen is reserved against
        digital contact in KRR, or deceased (the estate gets letters)."""
        partners = self.sudo()
        return (
            any(partners.mapped("krr_reserved"))
            or partners._citizen_no_automatic_mail()
        )

    # ------------------------------------------------------------
    # Folkeregister lookups
    # ------------------------------------------------------------

    def action_citizen_folkeregister_refresh(self):
        """Refresh the citizen from the Folkeregister API now (privacy
        officers: an import run is theirs to make); opens the run."""
        self.ensure_one()
        if not self._citizen_is_privacy_officer():
            raise AccessError(
                self.env._("Only a privacy officer may import from the Folkeregister.")
            )
        if not self.national_id:
            raise UserError(
                self.env._("The citizen has no identity number to look up.")
            )
        client = self.env["citizen.register.client"]
        try:
            document = client._citizen_freg_person(self.national_id)
        except RegisterError as error:
            raise UserError(
                self.env._(
                    "The Folkeregister could not be asked: %(error)s", error=str(error)
                )
            ) from None
        if document is None:
            raise UserError(self.env._("The Folkeregister does not know this citizen."))
        run = self.env["citizen.register.import"].create({"source": "api"})
        run._citizen_run([(1, document)])
        return {
            "type": "ir.actions.act_window",
            "res_model": "citizen.register.import",
            "res_id": run.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------
    # KRR lookups
    # ------------------------------------------------------------

    def action_citizen_krr_lookup(self):
        """Look the citizen up in KRR now (front desk, caseworkers): the
        identity number is read and sent server-side only."""
        self.ensure_one()
        if not self.env.su and not any(
            map(self.env.user._has_group, NATIONAL_ID_SEARCH_GROUPS)
        ):
            raise AccessError(
                self.env._(
                    "Only the citizen service staff may look citizens up in KRR."
                )
            )
        self.check_access("read")
        # sudo: the number leaves for KRR only, never to the user; the lookup
        # writes what KRR answered, which the user may see.
        partner = self.sudo()
        if not partner.national_id:
            raise UserError(
                self.env._("The citizen has no identity number to look up in KRR.")
            )
        try:
            found = partner._citizen_krr_lookup()
        except RegisterError as error:
            raise UserError(
                self.env._("KRR could not be asked: %(error)s", error=str(error))
            ) from None
        message = (
            self.env._("Contact register (KRR) looked up.")
            if found
            else self.env._("The contact register (KRR) does not know this citizen.")
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if found else "warning",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _citizen_krr_lookup(self):
        """Ask KRR about the partners of ``self`` (with sudo: their numbers),
        in calls of at most KRR_MAX_PER_CALL, and store the answers; returns
        the partners KRR knew. Raises RegisterError when KRR fails."""
        client = self.env["citizen.register.client"]
        url = client._citizen_krr_url()
        scope = self.env["citizen.config"]._citizen_param(
            KRR_SCOPE_PARAM, DEFAULT_KRR_SCOPE, kind=str
        )
        with_number = self.filtered("national_id")
        found = self.browse()
        for start in range(0, len(with_number), KRR_MAX_PER_CALL):
            chunk = with_number[start : start + KRR_MAX_PER_CALL]
            body = client._citizen_maskinporten().call(
                "KRR",
                "POST",
                url,
                [scope],
                json_body={"personidentifikatorer": chunk.mapped("national_id")},
            )
            found |= chunk._citizen_krr_store(body)
        return found

    def _citizen_krr_store(self, body):
        """Store KRR's answer ``{"personer": [...]}`` on the partners of
        ``self``; returns those it named."""
        people = body.get("personer") if isinstance(body, dict) else None
        if not isinstance(people, list):
            raise RegisterError("KRR answered without 'personer'")
        by_number = {partner.national_id: partner for partner in self}
        now = fields.Datetime.now()
        found = self.browse()
        for person in people:
            if not isinstance(person, dict):
                continue
            partner = by_number.get(nid.compact(person.get("personidentifikator")))
            if not partner:
                continue
            contact = person.get("kontaktinformasjon") or {}
            language = person.get("spraak")
            status = person.get("status")
            values = {
                "krr_reserved": person.get("reservasjon") == "JA",
                "krr_status": status if status in dict(KRR_STATUSES) else False,
                "krr_email": contact.get("epostadresse") or False,
                "krr_mobile": contact.get("mobiltelefonnummer") or False,
                "krr_language": language if language in dict(KRR_LANGUAGES) else False,
                "krr_date": now,
            }
            # The entry point keeps a protected citizen's e-mail and mobile in
            # the vault (PROTECTED_CONTACT_FIELDS); no chatter tracking.
            partner.with_context(tracking_disable=True).write(values)
            found |= partner
        if found:
            self.env["citizen.audit.log"]._citizen_log(
                "change",
                found,
                field_names=["krr_reserved", "krr_email", "krr_mobile", "krr_language"],
                description="Looked up in the contact register (KRR)",
            )
        return found

    @api.model
    def _cron_citizen_krr_refresh(self):
        """Refresh from KRR the citizens seen in the refresh window. Does
        nothing while KRR is not configured. Runs as the superuser (the
        cron's user): the numbers are read to be sent to KRR only."""
        client = self.env["citizen.register.client"]
        if not client._citizen_krr_configured():
            _logger.info("KRR refresh skipped: KRR is not configured.")
            return
        partners = self.browse(client._citizen_recently_seen_ids())
        try:
            found = partners.sudo()._citizen_krr_lookup()
        except RegisterError as error:
            _logger.warning("KRR refresh failed: %s", error)
            return
        _logger.info("KRR refresh: %s of %s citizens found.", len(found), len(partners))
