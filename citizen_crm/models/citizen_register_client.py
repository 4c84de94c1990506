from odoo import api, models
from odoo.tools import SQL

from . import national_id as nid
from .maskinporten import MaskinportenClient, RegisterError

# Settings (res_config_settings.py), read through citizen.config.
TOKEN_URL_PARAM = "citizen_crm.maskinporten_token_url"
CLIENT_ID_PARAM = "citizen_crm.maskinporten_client_id"
KEY_ID_PARAM = "citizen_crm.maskinporten_key_id"
PRIVATE_KEY_PARAM = "citizen_crm.maskinporten_private_key"
FREG_URL_PARAM = "citizen_crm.folkeregister_url"
FREG_SCOPE_PARAM = "citizen_crm.folkeregister_scope"
REFRESH_DAYS_PARAM = "citizen_crm.register_refresh_days"
KRR_URL_PARAM = "citizen_crm.krr_url"
KRR_SCOPE_PARAM = "citizen_crm.krr_scope"
DEFAULT_KRR_SCOPE = "krr:global/kontaktinformasjon.read"
DEFAULT_TOKEN_URL = "https://maskinporten.no/token"
DEFAULT_FREG_SCOPE = "folkeregister:deling/offentligmedhjemmel"
DEFAULT_REFRESH_DAYS = 30
# Persons per bulk lookup (bulkoppslag) of the Folkeregister API.
FREG_MAX_PER_CALL = 1000


class CitizenRegisterClient(models.AbstractModel):
    """The clients of the national registers: Maskinporten's token for the
    configured organisation, the Folkeregister API (one person, or a bulk
    lookup of up to 1,000) and KRR's address (res_partner_registers.py asks
    it). Only code running with sudo or as a privacy officer passes identity
    numbers in here; nothing here logs them."""

    _name = "citizen.register.client"
    _description = "National Register Clients"

    @api.model
    def _citizen_setting(self, key, default=""):
        return self.env["citizen.config"]._citizen_param(key, default, kind=str)

    @api.model
    def _citizen_maskinporten(self):
        """The Maskinporten client of the configured organisation; raises
        RegisterError while it is not configured."""
        return MaskinportenClient(
            self._citizen_setting(TOKEN_URL_PARAM, DEFAULT_TOKEN_URL),
            self._citizen_setting(CLIENT_ID_PARAM),
            self._citizen_setting(PRIVATE_KEY_PARAM),
            key_id=self._citizen_setting(KEY_ID_PARAM) or None,
        )

    @api.model
    def _citizen_maskinporten_configured(self):
        return bool(
            self._citizen_setting(CLIENT_ID_PARAM)
            and self._citizen_setting(PRIVATE_KEY_PARAM)
        )

    @api.model
    def _citizen_freg_configured(self):
        return bool(
            self._citizen_maskinporten_configured()
            and self._citizen_setting(FREG_URL_PARAM)
        )

    @api.model
    def _citizen_krr_configured(self):
        return bool(
            self._citizen_maskinporten_configured()
            and self._citizen_setting(KRR_URL_PARAM)
        )

    @api.model
    def _citizen_krr_url(self):
        url = self._citizen_setting(KRR_URL_PARAM)
        if not url:
            raise RegisterError("KRR is not configured: its URL is missing.")
        return url

    @api.model
    def _citizen_freg_url(self, resource):
        base = self._citizen_setting(FREG_URL_PARAM).rstrip("/")
        if not base:
            raise RegisterError(
                "The Folkeregister is not configured: its URL is missing."
            )
        return f"{base}/api/v1/personer/{resource}"

    @api.model
    def _citizen_freg_scopes(self):
        return [self._citizen_setting(FREG_SCOPE_PARAM, DEFAULT_FREG_SCOPE)]

    @api.model
    def _citizen_freg_person(self, number):
        """The person document of ``number`` (GET personer/{number}), or None
        when the register does not know it."""
        number = nid.compact(number)
        if not nid.is_valid(number):
            raise RegisterError("Not a valid identity number.")
        return self._citizen_maskinporten().call(
            "Folkeregisteret",
            "GET",
            self._citizen_freg_url(number),
            self._citizen_freg_scopes(),
            allow_404=True,
        )

    @api.model
    def _citizen_freg_bulk(self, numbers):
        """Yield the person documents of ``numbers`` (POST
        personer/bulkoppslag, FREG_MAX_PER_CALL at a time), as the entries
        of each answer's ``oppslag`` list."""
        numbers = list(numbers)
        client = self._citizen_maskinporten()
        for start in range(0, len(numbers), FREG_MAX_PER_CALL):
            body = client.call(
                "Folkeregisteret",
                "POST",
                self._citizen_freg_url("bulkoppslag"),
                self._citizen_freg_scopes(),
                json_body={
                    "foedselsEllerDNummer": numbers[start : start + FREG_MAX_PER_CALL]
                },
            )
            entries = body.get("oppslag") if isinstance(body, dict) else None
            if not isinstance(entries, list):
                raise RegisterError("Folkeregisteret answered without 'oppslag'")
            yield from entries

    @api.model
    def _citizen_refresh_days(self):
        return self.env["citizen.config"]._citizen_param(
            REFRESH_DAYS_PARAM, DEFAULT_REFRESH_DAYS, minimum=1, maximum=3650
        )

    @api.model
    def _citizen_recently_seen_ids(self):
        """The citizens with an identity number who had an inquiry received
        in the last N days (the refresh window, a setting): one query."""
        days = self._citizen_refresh_days()
        self.env["citizen.inquiry"].flush_model(["partner_id", "date_received"])
        self.env["res.partner"].flush_model(["national_id"])
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT p.id FROM res_partner p "
                "JOIN citizen_inquiry i ON i.partner_id = p.id "
                "WHERE p.national_id IS NOT NULL AND p.active "
                "AND i.date_received >= "
                "(now() at time zone 'UTC') - %s * interval '1 day' "
                "ORDER BY p.id",
                days,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]
