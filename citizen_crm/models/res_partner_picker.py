"""The citizen picker: the Citizen field of the counter and inquiry forms.

Two citizens share a name more often than not ("Kari Nordmann"): with the
``citizen_picker`` context key the field names each one with what tells them
apart, the birth date (or the masked identity number) and, where the user may
see it, the address. A protected citizen's address is never shown: it is not
on the partner at all (see res_partner_protection.py), and the picker says
"Contact via privacy officer" instead, as the front desk may know.

An identity number typed into the field finds the citizen by the number
(``_search_display_name`` in res_partner.py); it never becomes a name: quick
create refuses it, and "Create and Edit..." moves it to the identity number
field of the new citizen.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools.misc import format_date

# The models this file's classes inherit, defined before them whatever the
# order of models/__init__.py.
from . import national_id as nid
from . import res_partner  # noqa: F401

PICKER_CONTEXT = "citizen_picker"


class ResPartner(models.Model):
    _inherit = "res.partner"

    citizen_pickable = fields.Boolean(
        string="Offered as Citizen",
        compute="_compute_citizen_pickable",
        search="_search_citizen_pickable",
        help="Not the municipality's own staff (partners of internal users) "
        "nor a municipality itself.",
    )

    def _compute_citizen_pickable(self):
        municipalities = self._citizen_municipality_partner_ids()
        for partner in self:
            partner.citizen_pickable = (
                partner.partner_share and partner._origin.id not in municipalities
            )

    def _search_citizen_pickable(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        pickable = Domain("partner_share", "=", True) & Domain(
            "id", "not in", list(self._citizen_municipality_partner_ids())
        )
        return pickable if (True in value) == (operator == "in") else ~pickable

    @api.model
    def _citizen_municipality_partner_ids(self):
        # sudo: only the ids of the municipalities' own partners, to leave
        # them out; a user may not read every municipality of the database.
        companies = self.env["res.company"].sudo().with_context(active_test=False)
        return set(companies.search([]).partner_id.ids)

    @api.model
    def _citizen_picker_domain(self):
        """Who the Citizen field offers: citizens, not the municipality's own
        staff nor the municipalities themselves."""
        return Domain("citizen_pickable", "=", True)

    def _citizen_picker_details(self):
        """{partner: [what tells them apart]}: the birth date (or the masked
        identity number when the number does not tell it), then the address,
        or for a restricted citizen only that contact goes through the privacy
        officer. Empty for users outside the staff: portal and public users
        read none of it (the display name is computed with sudo)."""
        if not self.env.user._is_internal():
            return {partner: [] for partner in self}
        # Birth date, masked number and the neutral flag are readable by every
        # internal user; the address of a restricted citizen is in the vault
        # and never read here.
        details = {}
        for partner in self.sudo():
            parts = []
            if partner.birthdate:
                parts.append(
                    self.env._(
                        "born %(date)s", date=format_date(self.env, partner.birthdate)
                    )
                )
            elif partner.national_id_masked:
                parts.append(partner.national_id_masked)
            if partner.citizen_contact_restricted:
                parts.append(self.env._("Contact via privacy officer"))
            else:
                address = ", ".join(
                    part
                    for part in (
                        partner.street,
                        " ".join(p for p in (partner.zip, partner.city) if p),
                    )
                    if part
                )
                if address:
                    parts.append(address)
            details[partner.with_env(self.env)] = parts
        return details

    def _citizen_picker_display_names(self):
        """Name each partner of ``self`` for the citizen picker, after Odoo
        has named them: the selected citizen as "Kari Nordmann (born
        12.03.1985)", the dropdown's lines with the address in grey."""
        formatted = self.env.context.get("formatted_display_name")
        for partner, parts in self._citizen_picker_details().items():
            if not parts:
                continue
            if formatted:
                # The web client's format: text between "--" is shown muted.
                partner.display_name = (
                    f"{partner.display_name} \t --{' · '.join(parts)}--"
                )
            else:
                partner.display_name = f"{partner.display_name} ({parts[0]})"

    @api.model
    def _citizen_picker_views(self, views):
        """The citizen picker's "Create and edit..." and its link open the
        citizen form, not Odoo's contact form (a form_view_ref in the field's
        context would also reach the forms of other models opened from it)."""
        if not self.env.context.get(PICKER_CONTEXT):
            return views
        citizen_form = self.env["ir.model.data"]._xmlid_to_res_id(
            "citizen_crm.res_partner_view_form_citizen", raise_if_not_found=False
        )
        return [
            (citizen_form or view_id, view_type)
            if view_type == "form" and not view_id
            else (view_id, view_type)
            for view_id, view_type in views
        ]

    @api.model
    def _citizen_check_name_not_identity_number(self, name):
        """Quick create makes a partner named after what was typed: an
        identity number typed in a picker must not become a citizen's name
        (and sit in clear text in every list)."""
        if nid.full_number(name):
            raise UserError(
                self.env._(
                    "An identity number is not a name. Type the full number to find "
                    "the citizen who has it; to register a new citizen, use "
                    '"Create and edit..." and enter their name: the number goes in '
                    "the Identity Number field."
                )
            )

    @api.model
    def _citizen_identity_number_defaults(self, defaults, fnames):
        """ "Create and edit..." in a picker opens the new partner with what was
        typed as its name: an identity number goes to the identity number
        field of the form instead (validated when saved), and the name is left
        to fill. The full-number field is the privacy officer's; the others
        type into the masked one."""
        number = nid.full_number(defaults.get("name"))
        if not number:
            return defaults
        if "national_id" in fnames and self._citizen_is_privacy_officer():
            target = "national_id"
        elif "national_id_masked" in fnames and self.env.user._is_internal():
            target = "national_id_masked"
        else:
            return defaults
        defaults[target] = number
        defaults["name"] = False
        return defaults
