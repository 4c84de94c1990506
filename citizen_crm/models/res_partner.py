from odoo import api, fields, models
from odoo.addons.phone_validation.models.mail_thread_phone import PHONE_REGEX_PATTERN
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from . import national_id as nid

ADDRESS_PROTECTION = [
    ("ugradert", "Unclassified"),
    ("fortrolig", "Confidential (code 7)"),
    ("strengt_fortrolig", "Strictly confidential (code 6)"),
    ("strengt_fortrolig_utland", "Strictly confidential, abroad"),
]

NATIONAL_ID_KINDS = [
    (nid.KIND_FNR, "Fødselsnummer"),
    (nid.KIND_DNR, "D-number"),
    (nid.KIND_HNR, "H-number"),
]

PRIVACY_GROUP = "citizen_crm.group_privacy_officer"
# Matches of a name fragment looked up before they are sorted (see
# ResPartner._citizen_prefetch_matches).
CITIZEN_PREFETCH = 1000
# Who may read inquiries: other employees read partners without them.
INQUIRY_GROUPS = "citizen_crm.group_frontdesk,citizen_crm.group_caseworker"
# Who may search or register identity numbers: the staff working with
# citizens (supervisors are front desk too).
NATIONAL_ID_SEARCH_GROUPS = (*INQUIRY_GROUPS.split(","), PRIVACY_GROUP)


def _trigram_index(*columns):
    """A trigram index on ``columns`` where pg_trgm is available (as Odoo's
    index="trigram"), without replacing the columns' btree indexes. A GIN
    index on several columns serves a condition on any of them."""

    def definition(registry):
        if not registry.has_trigram:
            return ""
        return "USING gin ({})".format(", ".join(f"{c} gin_trgm_ops" for c in columns))

    return definition


class ResPartner(models.Model):
    _inherit = "res.partner"

    # No index on is_citizen: nearly every partner of a municipality is one.
    is_citizen = fields.Boolean(string="Citizen")
    # Looked up through _national_id_company_unique, which starts with it.
    national_id = fields.Char(
        string="Identity Number (full)",
        copy=False,
        groups=PRIVACY_GROUP,
        help="Fødselsnummer, D-number or H-number, stored as 11 digits.",
    )
    national_id_masked = fields.Char(
        string="Identity Number",
        compute="_compute_national_id_masked",
        inverse="_inverse_national_id_masked",
        search="_search_national_id_masked",
        compute_sudo=True,
        help="Shown as DDMMYY*****. Type a full number to register or correct "
        "it; searching needs the full number.",
    )
    national_id_kind = fields.Selection(
        NATIONAL_ID_KINDS,
        string="Identity Number Kind",
        compute="_compute_national_id_facts",
        store=True,
        compute_sudo=True,
    )
    birthdate = fields.Date(
        string="Date of Birth",
        compute="_compute_national_id_facts",
        store=True,
        readonly=False,
        compute_sudo=True,
    )
    address_protection = fields.Selection(
        ADDRESS_PROTECTION,
        string="Address Protection",
        default="ugradert",
        help="Grading in the National Population Register (Folkeregisteret).",
    )
    krr_reserved = fields.Boolean(
        string="Reserved Against Digital Contact",
        help="The citizen is reserved in the contact register (KRR): answers "
        "go by letter.",
    )
    preferred_channel_id = fields.Many2one(
        "citizen.channel", string="Preferred Channel", ondelete="set null"
    )
    citizen_inquiry_ids = fields.One2many(
        "citizen.inquiry", "partner_id", string="Inquiries", groups=INQUIRY_GROUPS
    )
    citizen_inquiry_count = fields.Integer(
        string="Inquiry Count",
        compute="_compute_citizen_inquiry_count",
        groups=INQUIRY_GROUPS,
    )
    citizen_open_inquiry_count = fields.Integer(
        string="Open Inquiries",
        compute="_compute_citizen_inquiry_count",
        groups=INQUIRY_GROUPS,
    )

    _national_id_company_unique = models.UniqueIndex(
        "(national_id, COALESCE(company_id, 0)) WHERE national_id IS NOT NULL",
        "Another citizen of this municipality already has this identity number.",
    )
    # Looking a citizen up by part of a name (the citizen field, name_search)
    # is an "ilike" on every field of _rec_names_search: with a trigram index
    # on them, PostgreSQL combines the matches instead of reading every
    # partner (bench/README.md has the figures).
    # One index on the five columns, not one each: it serves the same plans,
    # and every search on partners plans (and locks) fewer indexes.
    _name_search_trgm_idx = models.Index(
        _trigram_index("complete_name", "email", "ref", "vat", "company_registry")
    )
    # The mail gateway looks each sender up by email_normalized (author,
    # bounce counter, recipients), with no is_citizen condition: without this
    # index every e-mail read all 500,000 partners three times, ~0.9 s.
    _email_normalized_idx = models.Index("(email_normalized)")

    # ------------------------------------------------------------
    # Identity number
    # ------------------------------------------------------------

    @api.depends("national_id")
    def _compute_national_id_masked(self):
        for partner in self:
            partner.national_id_masked = nid.mask(partner.national_id)

    def _inverse_national_id_masked(self):
        for partner in self:
            value = partner.national_id_masked
            if value and "*" in value:
                # the masked value was sent back unchanged
                continue
            self._citizen_check_national_id_writer()
            # The full number is stored in a field only privacy officers read;
            # the front desk may register it, and it is validated here first.
            partner.sudo().national_id = self._citizen_normalize_national_id(value)
        # Drop the typed number from the cache: what is read back (the saved
        # form) is the masked value.
        self.invalidate_recordset(["national_id_masked"])

    def _citizen_check_national_id_writer(self):
        """Only the staff working with citizens register identity numbers:
        the number is stored with sudo below, so a contact editor from
        another department must be stopped here."""
        if self.env.su or any(map(self.env.user._has_group, NATIONAL_ID_SEARCH_GROUPS)):
            return
        raise AccessError(
            self.env._(
                "Only the citizen service staff (front desk, caseworkers, "
                "supervisors and privacy officers) may register or change an "
                "identity number."
            )
        )

    def _search_national_id_masked(self, operator, value):
        """Only an exact, full identity number finds a citizen: no partial
        search, so the field cannot be used to enumerate numbers. Only the
        staff working with citizens may search by it."""
        if operator not in ("=", "ilike", "in") or not value:
            return Domain.FALSE
        if not self.env.su and not any(
            map(self.env.user._has_group, NATIONAL_ID_SEARCH_GROUPS)
        ):
            return Domain.FALSE
        # "=" arrives as "in" with a set of values.
        values = [value] if isinstance(value, str) else value
        numbers = tuple(number for number in map(nid.full_number, values) if number)
        if not numbers:
            return Domain.FALSE
        return self._citizen_national_id_domain(numbers)

    @api.model
    def _citizen_national_id_domain(self, numbers):
        """The partners holding these exact identity numbers, as a condition
        of the caller's own query: the match, the record rules and the order
        run in one indexed statement, as a search on any other column would.
        The condition reads the number column beyond the user's field access:
        the exact number is what they typed, so matching it reveals nothing,
        and only the rows their record rules allow come back. When
        identity-number searches are logged (a setting), the audit trail's
        function finds the holders and logs them inside that statement."""
        audit = self.env["citizen.audit.log"]
        if audit._citizen_identity_searches_logged():

            def to_sql(model, alias, query):
                return audit._citizen_identity_search_condition(alias, numbers)

        else:
            national_id = self._fields["national_id"]

            def to_sql(model, alias, query):
                return SQL(
                    "%s IN %s",
                    SQL.identifier(alias, "national_id"),
                    numbers,
                    to_flush=national_id,
                )

        return Domain.custom(to_sql=to_sql)

    @api.model
    def _citizen_normalize_national_id(self, value):
        if not value:
            return False
        try:
            return nid.parse(value).number
        except nid.NationalIdError as error:
            raise ValidationError(
                self._citizen_national_id_error_message(error, value)
            ) from None

    def _citizen_national_id_error_message(self, error, value):
        _ = self.env._
        messages = {
            "empty": _("The identity number is empty."),
            "digits": _("The identity number may only contain digits."),
            "length": _(
                "The identity number must have 11 digits, not %(count)s.",
                count=len(nid.compact(value)),
            ),
            "date": _("The identity number has an invalid date of birth."),
            "date_kind": _(
                "The identity number has an invalid date: it cannot be both a "
                "D-number and an H-number."
            ),
            "century": _(
                "The identity number's individual number does not match its "
                "year of birth."
            ),
            "check_digit_1": _("The identity number's first check digit is wrong."),
            "check_digit_2": _("The identity number's second check digit is wrong."),
        }
        return messages.get(error.code, str(error))

    @api.depends("national_id")
    def _compute_national_id_facts(self):
        for partner in self:
            parsed = None
            if partner.national_id:
                try:
                    parsed = nid.parse(partner.national_id)
                except nid.NationalIdError:
                    parsed = None
            partner.national_id_kind = parsed.kind if parsed else False
            if parsed and parsed.birthdate:
                partner.birthdate = parsed.birthdate
            elif not partner.birthdate:
                partner.birthdate = False

    @api.constrains("national_id")
    def _check_national_id(self):
        for partner in self.sudo():
            if partner.national_id:
                partner._citizen_normalize_national_id(partner.national_id)
                if partner.national_id != nid.compact(partner.national_id):
                    raise ValidationError(
                        self.env._("The identity number must be stored as 11 digits.")
                    )

    # Every step of every concern of res.partner (identity numbers here,
    # protection in res_partner_protection.py), in the order it runs.

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._citizen_identity_vals(vals, new=True)
        vaulted_list = self._citizen_split_protected_vals_list(vals_list)
        partners = super().create(vals_list)
        partners._citizen_fill_vaults(vaulted_list)
        partners._citizen_log_new_numbers(vals_list)
        return partners

    def write(self, vals):
        self._citizen_identity_vals(vals)

        # The ORM's write past this entry point, on the records protection
        # chooses (explicit: records, not self).
        def orm_write(records, values):
            return super(ResPartner, records).write(values)  # noqa: UP008

        return self._citizen_protected_write(vals, orm_write)

    @api.model
    def _citizen_identity_vals(self, vals, new=False):
        """Store the identity number as its 11 digits; a new partner with a
        full number is a citizen."""
        if vals.get("national_id"):
            vals["national_id"] = self._citizen_normalize_national_id(
                vals["national_id"]
            )
            if new:
                vals.setdefault("is_citizen", True)
        masked = vals.get("national_id_masked")
        if new and masked and "*" not in masked:
            vals.setdefault("is_citizen", True)
        self._citizen_drop_empty_birthdate(vals)

    @api.model
    def _citizen_drop_empty_birthdate(self, vals):
        """A form sends its empty birth date along with a new identity number:
        let the number fill it in."""
        masked = vals.get("national_id_masked")
        new_number = vals.get("national_id") or (masked and "*" not in masked)
        if new_number and "birthdate" in vals and not vals["birthdate"]:
            del vals["birthdate"]

    @api.depends_context(
        "show_address",
        "partner_show_db_id",
        "show_email",
        "show_vat",
        "lang",
        "formatted_display_name",
        "citizen_picker",
    )
    def _compute_display_name(self):
        super()._compute_display_name()
        if self.env.context.get("citizen_picker"):
            self._citizen_picker_display_names()

    @api.model
    def get_views(self, views, options=None):
        return super().get_views(self._citizen_picker_views(views), options)

    @api.model
    def default_get(self, fields):
        defaults = super().default_get(fields)
        return self._citizen_identity_number_defaults(defaults, fields)

    @api.model
    def name_create(self, name):
        self._citizen_check_name_not_identity_number(name)
        return super().name_create(name)

    @api.model
    @api.readonly
    def web_search_read(
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        # A list or kanban of citizens is not a look at any one of them: the
        # audit trail of reads (_citizen_audit_read) leaves it out.
        return super(
            ResPartner, self.with_context(citizen_audit_list_read=True)
        ).web_search_read(
            domain,
            specification,
            offset=offset,
            limit=limit,
            order=order,
            count_limit=count_limit,
        )

    @api.model
    def _search_display_name(self, operator, value):
        searchable = operator in ("ilike", "=", "=ilike") and isinstance(value, str)
        if searchable and nid.is_valid(value):
            # A full identity number names one citizen: find them by the
            # indexed number, not by scanning names and e-mails for 11 digits.
            return self._search_national_id_masked("=", value)
        domain = super()._search_display_name(operator, value)
        if searchable and self.env.context.get("citizen_search"):
            domain = self._citizen_prefetch_matches(domain, value)
            digits = "".join(ch for ch in value if ch.isdigit() or ch == "+")
            if len(digits) >= 5 and len(digits) >= len(value.replace(" ", "")) - 1:
                return domain | self._search_phone_digits(value)
        return domain

    @api.model
    def _citizen_prefetch_matches(self, domain, value):
        """The citizen field shows the first matches by name. PostgreSQL may
        then walk the name index in alphabetical order, testing every partner
        until it has them: fast when matches are everywhere, ~0.7 s at 500,000
        citizens when they all sit far down the alphabet ("lars berg"). Rare
        fragments are found through the trigram indexes first, without order,
        and only those few are sorted; when a fragment matches more than
        CITIZEN_PREFETCH partners, the ordered walk is the fast plan and stays."""
        if len(value.strip()) < 3:  # no trigram to look up
            return domain
        ids = self._search(domain, limit=CITIZEN_PREFETCH).get_result_ids()
        if len(ids) < CITIZEN_PREFETCH:
            return Domain("id", "in", list(ids))
        return domain

    @api.model
    def _search_phone_digits(self, value):
        """Phone numbers are stored as typed ("+47 912 34 567") and searched
        as typed ("91234567"): compare the digits only, ignoring the
        international prefix."""
        digits = "".join(ch for ch in value if ch.isdigit())
        if value.strip().startswith("00"):
            digits = digits[2:]
        # Only ids leave the query, and the caller's search applies the
        # record rules to them.
        self.env.cr.execute(self._citizen_phone_digits_query(digits))
        return Domain("id", "in", [row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _citizen_phone_digits_query(self, digits):
        """The partners whose phone holds these digits in a row. The phone is
        compared without the separators phone_validation strips ("+47 912 34
        567" is "+4791234567"): the same expression as its trigram index on
        the phone, so the lookup is an index scan, not a read of every
        partner."""
        return SQL(
            "SELECT id FROM res_partner WHERE phone IS NOT NULL "
            "AND regexp_replace(phone, %s, '', 'g') LIKE %s",
            PHONE_REGEX_PATTERN,
            f"%{digits}%",
        )

    # ------------------------------------------------------------
    # Single citizen view
    # ------------------------------------------------------------

    def _compute_citizen_inquiry_count(self):
        # one grouped query for both counters, whatever the number of partners
        totals, open_counts = {}, {}
        for partner, is_closed, count in self.env["citizen.inquiry"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id", "is_closed"], ["__count"]
        ):
            totals[partner] = totals.get(partner, 0) + count
            if not is_closed:
                open_counts[partner] = open_counts.get(partner, 0) + count
        for partner in self:
            partner.citizen_inquiry_count = totals.get(partner, 0)
            partner.citizen_open_inquiry_count = open_counts.get(partner, 0)

    def action_open_citizen_inquiries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_crm.citizen_inquiry_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        action["display_name"] = self.env._("Inquiries of %(name)s", name=self.name)
        return action
