import hashlib
import hmac
import zlib
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

DEFAULT_RATE_LIMIT = 5
DEFAULT_RATE_WINDOW_MINUTES = 10
# Rows older than this are useless for any sensible window and are vacuumed.
MIN_RETENTION_MINUTES = 24 * 60


def _to_int4(value):
    """An unsigned 32-bit value as PostgreSQL's signed integer."""
    return value - (1 << 32) if value >= (1 << 31) else value


# First key of the advisory locks taken on addresses, apart from other users
# of pg_advisory_xact_lock: the CRC-32 of this model's name.
LOCK_NAMESPACE = _to_int4(zlib.crc32(b"citizen.web.submission.log"))


class CitizenWebSubmissionLog(models.Model):
    """One row per web-form submission, to rate-limit by remote address.

    Only a keyed hash of the address is kept (never the address itself), and
    rows are deleted by the autovacuum once they are older than the window.
    """

    _name = "citizen.web.submission.log"
    _description = "Web Form Submission Log"
    _order = "create_date desc, id desc"

    address_hash = fields.Char(required=True, readonly=True)

    _address_date_idx = models.Index("(address_hash, create_date)")

    @api.model
    def _citizen_hash_address(self, address):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return hmac.new(
            secret.encode(), (address or "").encode(), hashlib.sha256
        ).hexdigest()

    @api.model
    def _citizen_rate_limit(self):
        """(maximum submissions, window in minutes) from the system parameters
        citizen_crm.web_rate_limit and citizen_crm.web_rate_limit_minutes."""
        Config = self.env["citizen.config"]
        limit = Config._citizen_param(
            "citizen_crm.web_rate_limit", DEFAULT_RATE_LIMIT, minimum=0
        )
        minutes = Config._citizen_param(
            "citizen_crm.web_rate_limit_minutes", DEFAULT_RATE_WINDOW_MINUTES, minimum=0
        )
        return limit, minutes

    @api.model
    def _citizen_is_rate_limited(self, address):
        """Whether ``address`` already sent the maximum number of submissions
        within the window. A limit of 0 disables the check.

        The check and the log row written later in the same transaction
        (_citizen_log_submission) are atomic: the address is locked until this
        transaction ends, so a concurrent submission from it waits here, then
        counts this one."""
        limit, minutes = self._citizen_rate_limit()
        if not limit:
            return False
        address_hash = self._citizen_hash_address(address)
        self._citizen_lock_address(address_hash)
        since = fields.Datetime.now() - timedelta(minutes=minutes)
        # The request's transaction sees the database as it was when it began
        # (repeatable read), so it would miss a submission committed while it
        # waited for the lock: count in a fresh transaction instead.
        with self.env.registry.cursor() as cr:
            count = self.with_env(self.env(cr=cr)).search_count(
                [("address_hash", "=", address_hash), ("create_date", ">=", since)],
                limit=limit,
            )
        return count >= limit

    @api.model
    def _citizen_lock_address(self, address_hash):
        """Hold a transaction-level lock on one (hashed) address."""
        self.env.cr.execute(
            SQL(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                *self._citizen_lock_keys(address_hash),
            )
        )

    @api.model
    def _citizen_lock_keys(self, address_hash):
        """The two 32-bit keys of the address's advisory lock: this model's
        namespace, then the address hash."""
        return LOCK_NAMESPACE, _to_int4(int(address_hash[:8], 16))

    @api.model
    def _citizen_log_submission(self, address):
        return self.create({"address_hash": self._citizen_hash_address(address)})

    @api.autovacuum
    def _gc_submission_log(self):
        _limit, minutes = self._citizen_rate_limit()
        retention = max(minutes, MIN_RETENTION_MINUTES)
        cutoff = fields.Datetime.now() - timedelta(minutes=retention)
        self.search([("create_date", "<", cutoff)]).unlink()
