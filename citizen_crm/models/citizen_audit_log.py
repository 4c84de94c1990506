import logging

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# System parameter: log every search by a full identity number (Settings).
LOG_IDENTITY_SEARCHES = "citizen_crm.log_identity_searches"

AUDIT_ACTIONS = [
    ("view", "Viewed"),
    ("search", "Searched"),
    ("export", "Exported"),
    ("change", "Changed"),
    ("mail_blocked", "Mail blocked"),
    ("anonymise", "Anonymised"),
    ("refuse", "Request refused"),
]


class CitizenAuditLog(models.Model):
    """Who viewed, exported or changed sensitive citizen data, when and from where.

    Append-only: entries are only created by the code that performs the audited
    action (through ``_log``), and nobody — administrators and the superuser
    included — can modify or delete them through the ORM. Entries never contain
    the sensitive values themselves (no identity numbers, no addresses, no
    screened titles): they name the record, the fields and the action.
    Retention of the audit trail itself is out of scope here.
    """

    _name = "citizen.audit.log"
    _description = "Citizen Data Audit Trail"
    _order = "date desc, id desc"
    _log_access = False

    date = fields.Datetime(
        required=True, readonly=True, index=True, default=fields.Datetime.now
    )
    user_id = fields.Many2one(
        "res.users", string="User", readonly=True, index=True, ondelete="set null"
    )
    action = fields.Selection(AUDIT_ACTIONS, required=True, readonly=True, index=True)
    res_model = fields.Char(string="Model", readonly=True, index=True)
    res_id = fields.Integer(string="Record ID", readonly=True, index=True)
    res_ids = fields.Char(
        string="Record IDs",
        readonly=True,
        help="Every record concerned, for exports and searches.",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Citizen", readonly=True, index=True, ondelete="set null"
    )
    field_names = fields.Char(string="Fields", readonly=True)
    remote_addr = fields.Char(string="From (IP address)", readonly=True)
    description = fields.Char(readonly=True)

    # Append-only by design: never reaching super() is the point.
    def write(self, vals):  # pylint: disable=method-required-super
        raise AccessError(
            self.env._("The audit trail is append-only: entries cannot be changed.")
        )

    def unlink(self):  # pylint: disable=method-required-super
        raise AccessError(
            self.env._("The audit trail is append-only: entries cannot be deleted.")
        )

    @api.model
    def _citizen_remote_addr(self):
        from odoo.http import request

        try:
            return request.httprequest.remote_addr if request else False
        except RuntimeError:
            return False

    @api.model
    def _citizen_field_labels(self, model, fnames):
        """The labels of ``model``'s fields ``fnames``, in the user's language,
        as the privacy officer reads them on the form ("Street", not
        "street"); names that are no field are left out."""
        fields_ = self.env[model]._fields
        return [
            fields_[fname]._description_string(self.env)
            for fname in fnames
            if fname in fields_
        ]

    @api.model
    def _citizen_log(
        self, action, records, field_names=None, description=None, per_record=True
    ):
        """Record ``action`` on ``records``: one entry per record, or with
        ``per_record=False`` one entry naming every record (exports)."""
        base = {
            "action": action,
            "user_id": self.env.uid,
            "res_model": records._name,
            "field_names": ",".join(sorted(field_names)) if field_names else False,
            "remote_addr": self._citizen_remote_addr(),
            "description": description or False,
        }
        # Reading the citizen of the audited record must not fail on the
        # user's own access rights: the entry is written whatever they are.
        records_sudo = records.sudo()
        if records._name == "res.partner":
            partners = records_sudo
        elif "partner_id" in records._fields:
            partners = records_sudo.partner_id
        else:
            partners = self.env["res.partner"]
        if per_record or len(records) == 1:
            vals_list = []
            for record in records_sudo:
                partner = (
                    record
                    if records._name == "res.partner"
                    else (
                        record.partner_id
                        if "partner_id" in record._fields
                        else partners.browse()
                    )
                )
                vals_list.append(dict(base, res_id=record.id, partner_id=partner.id))
        else:
            vals_list = [
                dict(
                    base,
                    res_ids=",".join(map(str, records.ids)),
                    partner_id=partners.id if len(partners) == 1 else False,
                )
            ]
        # Entries are written by the audited code itself, whoever the user is;
        # nobody holds a create right on the model, so sudo is the only way in.
        return self.sudo().create(vals_list)

    # Finds the partners holding exact identity numbers and logs the search:
    # one entry per partner found (as ``_log``), or one naming nobody when
    # the number is not held. A function, so that a search by identity number
    # runs as one statement, the lookup and its audit together (see
    # ``_citizen_identity_search_condition``). ROWS 1 makes the planner start from its
    # result and fetch the partners by id.
    _IDENTITY_SEARCH_FUNCTION = """
        CREATE OR REPLACE FUNCTION citizen_audit_identity_search(
            numbers text[], searcher integer, addr varchar, stamp timestamp,
            note varchar)
        RETURNS SETOF integer LANGUAGE plpgsql VOLATILE ROWS 1 AS $$
        BEGIN
            RETURN QUERY
                WITH logged AS (
                    INSERT INTO citizen_audit_log
                           (date, user_id, action, res_model, res_id, partner_id,
                            field_names, remote_addr, description)
                    SELECT stamp, searcher, 'search', 'res.partner', id, id,
                           'national_id', addr, note
                      FROM res_partner
                     WHERE national_id = ANY(numbers)
                 RETURNING partner_id
                )
                SELECT partner_id FROM logged;
            IF NOT FOUND THEN
                INSERT INTO citizen_audit_log
                       (date, user_id, action, res_model, res_ids, field_names,
                        remote_addr, description)
                VALUES (stamp, searcher, 'search', 'res.partner', '',
                        'national_id', addr, note);
            END IF;
        END
        $$
    """

    def init(self):
        self.env.cr.execute(SQL(self._IDENTITY_SEARCH_FUNCTION))

    @api.model
    @tools.ormcache(cache="stable")
    def _citizen_identity_searches_logged(self):
        """Whether every search by a full identity number is logged (a
        setting, off by default). Without it, searching is not logged: the
        searcher typed the number and the result shows it masked. A privacy
        officer's reads of numbers and of protected citizens are logged either
        way. Every lookup by number asks: the answer is cached in the
        registry's "stable" cache, which any change to a system parameter
        clears."""
        return self.env["citizen.config"]._citizen_param(
            LOG_IDENTITY_SEARCHES, False, kind=bool
        )

    @api.model
    def _citizen_identity_search_condition(self, alias, numbers):
        """SQL condition on the partner table ``alias``: the partners holding
        these exact identity numbers, the search logged by the statement that
        runs it (when searches are logged, see ``_citizen_identity_searches_logged``).
        The front desk looks citizens up by number all day: the caller's
        search, its record rules and the audit entry take one round trip. A
        search that finds nobody is logged too."""
        # ARRAY(SELECT ...) is an init plan, run once per statement. Under
        # "IN (SELECT ...)" the planner may run the function again for each
        # row of an outer query (e.g. inquiries searched by their citizen),
        # logging the search as many times.
        return SQL(
            "%s = ANY(ARRAY(SELECT citizen_audit_identity_search(%s, %s, %s, %s, %s)))",
            SQL.identifier(alias, "id"),
            list(numbers),
            self.env.uid,
            self._citizen_remote_addr() or None,
            fields.Datetime.now(),
            "Searched by full identity number",
            to_flush=self.env["res.partner"]._fields["national_id"],
        )
