from odoo import api, fields, models, tools
from odoo.tools.mail import email_normalize_all

# The models this file's classes inherit, defined before them whatever the
# order of models/__init__.py.
from . import (  # noqa: F401
    citizen_registry_cache,
)

# The partner fields that a protected citizen's record must not hold: they are
# kept here instead, where only privacy officers can read them.
PROTECTED_CONTACT_FIELDS = (
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "phone",
    "email",
    "parent_id",
    # The contact data the contact register (KRR) holds for the citizen
    # (res_partner_registers.py).
    "krr_email",
    "krr_mobile",
)


class CitizenProtectedContact(models.Model):
    """The contact data and relations of a citizen under address protection.

    Folkeregisteret hands protected addresses to consumers unfiltered, so
    citizen_crm moves them off ``res.partner`` altogether: every generic path
    that reads a partner (forms, lists, search, grouping, exports, display
    names, mail headers, templates, the portal, code running with sudo) finds
    nothing there. Only privacy officers can read this model, and each of
    their reads is written to the audit trail.
    """

    _name = "citizen.protected.contact"
    _inherit = ["citizen.registry.cache"]
    _description = "Protected Contact Data"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Citizen", required=True, index=True, ondelete="cascade"
    )
    street = fields.Char()
    street2 = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    state_id = fields.Many2one("res.country.state", string="State", ondelete="restrict")
    country_id = fields.Many2one("res.country", string="Country", ondelete="restrict")
    phone = fields.Char()
    email = fields.Char()
    parent_id = fields.Many2one(
        "res.partner", string="Related Company", ondelete="set null"
    )
    krr_email = fields.Char(string="KRR E-mail")
    krr_mobile = fields.Char(string="KRR Mobile")
    child_ids = fields.Many2many(
        "res.partner",
        "citizen_protected_contact_child_rel",
        "contact_id",
        "partner_id",
        string="Related Contacts",
        help="Contacts that were linked to the citizen when the protection applied.",
    )

    _partner_unique = models.UniqueIndex("(partner_id)")

    # The e-mail index below is cached: changing an address clears it.
    _citizen_cached_fields = frozenset({"email", "partner_id"})

    @api.model
    @tools.ormcache()
    def _citizen_email_index(self):
        """{normalized e-mail: partner id} of every address held in the vault,
        for the mail code that must recognise a restricted citizen's address
        wherever it appears (a sender, a Reply-To). Cached in the registry;
        callers must not change it, nor show it to a user."""
        # sudo: the index decides only whether an address is withheld
        index = {}
        for contact in self.sudo().search_fetch(
            [("email", "!=", False)], ["email", "partner_id"], order="id"
        ):
            for email in email_normalize_all(contact.email):
                index.setdefault(email, contact.partner_id.id)
        return index

    @api.model
    def _citizen_email_for(self, partners):
        """{partner id: e-mail} of the given protected partners (sudo callers only)."""
        contacts = self.search([("partner_id", "in", partners.ids)])
        return {
            contact.partner_id.id: contact.email
            for contact in contacts
            if contact.email
        }

    def read(self, fields=None, load="_classic_read"):
        result = super().read(fields, load)
        if not self.env.su and self:
            self.env["citizen.audit.log"]._citizen_log(
                "view",
                self.partner_id,
                field_names=self.env["citizen.audit.log"]._citizen_field_labels(
                    self._name,
                    [f for f in PROTECTED_CONTACT_FIELDS if not fields or f in fields]
                    or fields,
                ),
                description="Protected contact data read",
            )
        return result

    def write(self, vals):
        result = super().write(vals)
        if not self.env.su:
            self.env["citizen.audit.log"]._citizen_log(
                "change",
                self.partner_id,
                field_names=list(vals),
                description="Protected contact data changed",
            )
        return result
