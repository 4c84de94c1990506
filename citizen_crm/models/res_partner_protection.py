"""Address protection (Folkeregisteret grading) and identity-number auditing.

Decision: a protected citizen's address, phone, e-mail and relations are not
filtered on the way out, they are *moved off* ``res.partner`` into
``citizen.protected.contact`` (readable by privacy officers only). Odoo has no
per-record field access, and filtering ``read`` would leave ``search``,
``read_group``, ``export_data``, display names, mail headers, templates and
any code running with sudo (the portal) to leak. With the data elsewhere,
every one of those paths finds empty fields, by construction.

The grading itself (``address_protection``) is readable by privacy officers
only. Everyone else sees one neutral flag, ``citizen_contact_restricted``
("Contact via privacy officer"), which is also set for any citizen a privacy
officer flags by hand (threats, disputes...): it tells the front desk not to
disclose anything nor write to the citizen, without telling the grading.
"""

from odoo import api, fields, models
from odoo.addons.base.models.res_partner import ADDRESS_FIELDS
from odoo.exceptions import AccessError
from odoo.tools.mail import email_normalize

from .citizen_protected_contact import PROTECTED_CONTACT_FIELDS
from .res_partner import PRIVACY_GROUP

PROTECTED_LEVELS = ("fortrolig", "strengt_fortrolig", "strengt_fortrolig_utland")
STRICT_LEVELS = ("strengt_fortrolig", "strengt_fortrolig_utland")
# Fields whose old and new values must never reach the chatter.
UNTRACKED_FIELDS = ("national_id", "national_id_masked", "address_protection")
# Chatter tracking values removed when a citizen becomes protected: they hold
# the address history.
TRACKING_SCRUB_FIELDS = (
    *PROTECTED_CONTACT_FIELDS,
    "contact_address_inline",
    "child_ids",
)
INTERNAL = "citizen_protection_internal"
# A read of one of these fields of a protected citizen is a look at what the
# protection is about: their contact data, relations and grading.
AUDITED_READ_FIELDS = frozenset(
    (
        *PROTECTED_CONTACT_FIELDS,
        "contact_address",
        "child_ids",
        "address_protection",
        "citizen_contact_via_officer",
        "citizen_protected_contact_ids",
    )
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    address_protection = fields.Selection(groups=PRIVACY_GROUP)
    citizen_contact_via_officer = fields.Boolean(
        string="Restrict Contact by Hand",
        groups=PRIVACY_GROUP,
        help="Restrict this citizen like a protected one although the register "
        "does not grade them (threats, disputes...).",
    )
    citizen_contact_restricted = fields.Boolean(
        string="Contact via Privacy Officer",
        compute="_compute_citizen_contact_restricted",
        store=True,
        index=True,
        compute_sudo=True,
        help="This citizen's contact data is held by the privacy officer. Do not "
        "disclose anything about them and do not write to them: ask the "
        "privacy officer.",
    )
    citizen_protected_contact_ids = fields.One2many(
        "citizen.protected.contact",
        "partner_id",
        string="Protected Contact Data",
        groups=PRIVACY_GROUP,
    )
    # The birth-date part of the number is personal data too: portal and
    # public users get none of it, not even for other partners they may see.
    national_id_masked = fields.Char(groups="base.group_user")
    national_id_kind = fields.Selection(groups="base.group_user")
    birthdate = fields.Date(groups="base.group_user")

    @api.depends("address_protection", "citizen_contact_via_officer")
    def _compute_citizen_contact_restricted(self):
        for partner in self:
            partner.citizen_contact_restricted = bool(
                partner.address_protection in PROTECTED_LEVELS
                or partner.citizen_contact_via_officer
            )

    # ------------------------------------------------------------
    # API for the portal, intake and mail code
    # ------------------------------------------------------------

    def _citizen_is_protected(self):
        """True when any partner of ``self`` is under address protection or
        restricted by hand. Safe for any caller: reveals no grading."""
        # The flag is computed from fields only privacy officers read; the
        # boolean itself is what every user may know.
        return any(self.sudo().mapped("citizen_contact_restricted"))

    def _citizen_is_strictly_protected(self):
        """True for 'strengt fortrolig' (also abroad). For mail and audit code
        running with sudo; never show the answer to a non-officer."""
        # Reads the grading for a decision only; it is not returned to the user.
        return any(
            level in STRICT_LEVELS for level in self.sudo().mapped("address_protection")
        )

    def _citizen_public_contact_values(self):
        """Contact values safe to render anywhere (portal pages, letters made
        by non-officers): empty for a protected citizen."""
        self.ensure_one()
        if self._citizen_is_protected():
            values = dict.fromkeys(PROTECTED_CONTACT_FIELDS, False)
            values["contact_restricted"] = True
            return values
        # The caller may hold a sudo record; only unprotected data leaves.
        partner = self.sudo()
        values = {fname: partner[fname] for fname in PROTECTED_CONTACT_FIELDS}
        values["contact_restricted"] = False
        return values

    @api.model
    def _citizen_find_protected_by_email(self, email):
        """The protected citizen who owns ``email`` (for mail intake: the sender
        knows their own address, so matching reveals nothing to them). Returns
        an empty recordset when none does."""
        normalized = email_normalize(email or "")
        if not normalized:
            return self.browse()
        # Only the matching partner leaves; the address is what the sender typed.
        index = self.env["citizen.protected.contact"]._citizen_email_index()
        # exists(): a partner deleted in SQL cascade leaves the cache stale
        return self.browse(index.get(normalized, [])).exists()

    def _citizen_is_privacy_officer(self, user=None):
        user = user or self.env.user
        return user._has_group(PRIVACY_GROUP)

    # ------------------------------------------------------------
    # Moving protected data to and from the vault
    # ------------------------------------------------------------

    @api.model
    def _citizen_vals_restricted(self, vals, partner=None):
        if "address_protection" in vals:
            level = vals["address_protection"]
        else:
            # Decision only, never returned to the user.
            level = partner.sudo().address_protection if partner else False
        if "citizen_contact_via_officer" in vals:
            by_hand = vals["citizen_contact_via_officer"]
        else:
            by_hand = partner.sudo().citizen_contact_via_officer if partner else False
        return bool(level in PROTECTED_LEVELS or by_hand)

    @api.model
    def _citizen_split_vals(self, vals):
        kept = {k: v for k, v in vals.items() if k not in PROTECTED_CONTACT_FIELDS}
        vaulted = {k: v for k, v in vals.items() if k in PROTECTED_CONTACT_FIELDS}
        return kept, vaulted

    def _citizen_vault(self):
        """The vault record of each partner, created when missing (sudo)."""
        # The vault is written by the protection code whoever the user is;
        # nothing is read back to the user here.
        Vault = self.env["citizen.protected.contact"].sudo()
        existing = Vault.search([("partner_id", "in", self.ids)])
        missing = self - existing.partner_id
        if missing:
            existing |= Vault.create([{"partner_id": p.id} for p in missing])
        return existing

    def _citizen_apply_protection(self):
        """Move the contact data and relations of newly protected partners to
        the vault and clear every copy a non-officer could read."""
        if not self:
            return
        # The protection must be applied whoever sets the grading (a registry
        # sync runs as a technical user); the moved data goes to the vault.
        partners = self.sudo().with_context(
            **{INTERNAL: True, "tracking_disable": True}
        )
        vaults = {vault.partner_id.id: vault for vault in partners._citizen_vault()}
        for partner in partners:
            values = {}
            for fname in PROTECTED_CONTACT_FIELDS:
                value = partner[fname]
                if value:
                    values[fname] = (
                        value.id if isinstance(value, models.BaseModel) else value
                    )
            children = partner.child_ids
            vault = vaults[partner.id]
            if children:
                values["child_ids"] = [
                    fields.Command.link(child.id) for child in children
                ]
            if values:
                vault.write(values)
            children.write({"parent_id": False})
            # Contacts of type "contact" carry a synced copy of the address.
            children.filtered(lambda c: c.type == "contact").write(
                dict.fromkeys(ADDRESS_FIELDS, False)
            )
        partners.write(dict.fromkeys(PROTECTED_CONTACT_FIELDS, False))
        partners._citizen_scrub_copies()
        self.env["citizen.audit.log"]._citizen_log(
            "change",
            self,
            field_names=["address_protection"],
            description="Contact data moved to the protected vault",
        )

    def _citizen_lift_protection(self):
        """Give the contact data back to partners no longer protected."""
        if not self:
            return
        # Restores what the protection moved away, whoever lifts it.
        partners = self.sudo().with_context(**{INTERNAL: True})
        Vault = self.env["citizen.protected.contact"].sudo()
        for vault in Vault.search([("partner_id", "in", partners.ids)]):
            values = {}
            for fname in PROTECTED_CONTACT_FIELDS:
                value = vault[fname]
                values[fname] = (
                    value.id if isinstance(value, models.BaseModel) else value
                )
            vault.partner_id.with_context(**{INTERNAL: True}).write(values)
            vault.child_ids.with_context(**{INTERNAL: True}).write(
                {"parent_id": vault.partner_id.id}
            )
            vault.unlink()
        self.env["citizen.audit.log"]._citizen_log(
            "change",
            self,
            field_names=["address_protection"],
            description="Protection lifted: contact data restored",
        )

    def _citizen_scrub_copies(self):
        """Remove copies of protected contact data kept outside the vault:
        chatter tracking of the old address, e-mail and phone, the contact
        fields copied onto inquiries, and the sender address of messages."""
        if not self:
            return
        # Cleaning other records that hold copies; nothing is returned.
        Tracking = self.env["mail.tracking.value"].sudo()
        tracked_fields = (
            self.env["ir.model.fields"]
            .sudo()
            .search(
                [("model", "=", "res.partner"), ("name", "in", TRACKING_SCRUB_FIELDS)]
            )
        )
        Tracking.search(
            [
                ("mail_message_id.model", "=", "res.partner"),
                ("mail_message_id.res_id", "in", self.ids),
                ("field_id", "in", tracked_fields.ids),
            ]
        ).unlink()
        inquiries = (
            self.env["citizen.inquiry"]
            .sudo()
            .with_context(active_test=False, tracking_disable=True)
            .search([("partner_id", "in", self.ids)])
        )
        if inquiries:
            inquiries.write({"partner_email": False, "partner_phone": False})
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("author_id", "in", self.ids), ("email_from", "!=", False)])
        )
        for message in messages:
            message.email_from = message.author_id._citizen_neutral_email_from()

    def _citizen_neutral_email_from(self):
        """A sender for messages authored by a protected citizen that does not
        carry their address: their name at the municipality's address."""
        self.ensure_one()
        company = self.company_id or self.env.company
        address = company.email or company.partner_id.email or False
        return f'"{self.name}" <{address}>' if address else self.name

    @api.model
    def _citizen_withheld_email_from(self):
        """A sender for a message from a restricted citizen's address whose
        sender is not known for sure: no name, no address."""
        company = self.env.company
        address = company.email or company.partner_id.email or False
        label = self.env._("Sender withheld")
        return f'"{label}" <{address}>' if address else label

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model
    def _citizen_split_protected_vals_list(self, vals_list):
        """Take the contact data of new restricted citizens out of their
        values (in place); returns, per values, what goes to the vault (None
        for an unrestricted citizen)."""
        vaulted_list = []
        for vals in vals_list:
            if self._citizen_vals_restricted(vals):
                kept, vaulted = self._citizen_split_vals(vals)
                vals.clear()
                vals.update(kept)
                vaulted_list.append(vaulted)
            else:
                vaulted_list.append(None)
        return vaulted_list

    def _citizen_fill_vaults(self, vaulted_list):
        """Give the new restricted citizens of ``self`` their vault, holding
        what _citizen_split_protected_vals_list took out."""
        for partner, vaulted in zip(self, vaulted_list, strict=True):
            if vaulted is not None:
                vault = partner._citizen_vault()
                if vaulted:
                    vault.write(vaulted)

    def _citizen_log_new_numbers(self, vals_list):
        with_number = self.browse(
            partner.id
            for partner, vals in zip(self, vals_list, strict=True)
            if vals.get("national_id")
        )
        if with_number:
            self.env["citizen.audit.log"]._citizen_log(
                "change",
                with_number,
                field_names=["national_id"],
                description="Identity number registered",
            )

    def _citizen_protected_write(self, vals, write):
        """Write ``vals`` with ``write(records, values)`` (the ORM's write,
        past res.partner's entry point), keeping a restricted citizen's
        contact data in the vault, applying or lifting protection, and
        leaving the audit entries."""
        if self.env.context.get(INTERNAL):
            return write(self, vals)
        protection_keys = {"address_protection", "citizen_contact_via_officer"}
        before = {}
        if protection_keys & set(vals):
            before = {partner.id: partner._citizen_is_protected() for partner in self}
        kept, vaulted = self._citizen_split_vals(vals)
        restricted = (
            self.filtered(lambda p: self._citizen_vals_restricted(vals, p))
            if vaulted
            else self.browse()
        )
        if restricted:
            # The vault is written with sudo below: the user must have the
            # right to change these partners in the first place.
            restricted.check_access("write")
            others = self - restricted
            result = write(others, vals) if others else True
            if kept:
                write(restricted, kept)
        else:
            result = write(self, vals)
        if before:
            newly = self.filtered(
                lambda p: p._citizen_is_protected() and not before[p.id]
            )
            lifted = self.filtered(
                lambda p: before[p.id] and not p._citizen_is_protected()
            )
            newly._citizen_apply_protection()
            lifted._citizen_lift_protection()
        if restricted:
            for vault in restricted._citizen_vault():
                vault.with_context(**{INTERNAL: True}).write(vaulted)
            self.env["citizen.audit.log"]._citizen_log(
                "change",
                restricted,
                field_names=list(vaulted),
                description="Protected contact data changed",
            )
        if "national_id" in vals:
            # Also reached from the masked field's inverse (which writes with
            # sudo): the entry names the real user all the same.
            self.env["citizen.audit.log"]._citizen_log(
                "change",
                self,
                field_names=["national_id"],
                description="Identity number changed",
            )
        return result

    # ------------------------------------------------------------
    # Reads, searches and exports of sensitive data
    # ------------------------------------------------------------

    def read(self, fields=None, load="_classic_read"):
        result = super().read(fields, load)
        self._citizen_audit_read(fields)
        return result

    def _citizen_audit_read(self, fnames):
        """A privacy officer's reads of identity numbers and looks at a
        protected citizen (the form, or their contact fields read through the
        API) leave a trace, naming the fields by their labels. A list of
        citizens (web_search_read in res_partner.py) or a name shown in a
        field is no such look. Other users cannot read either."""
        if self.env.su or not self or not self._citizen_is_privacy_officer():
            return
        Audit = self.env["citizen.audit.log"]
        # Decisions on what the officer just read; nothing is returned.
        partners = self.sudo()
        with_number = partners.browse()
        if not fnames or "national_id" in fnames:
            with_number = partners.filtered("national_id")
        protected, looked_at = partners.browse(), set()
        if not self.env.context.get("citizen_audit_list_read"):
            # Only a name (a field or a tag pointing to the citizen) is no look.
            looked_at = set(fnames or AUDITED_READ_FIELDS) & AUDITED_READ_FIELDS
            if looked_at:
                protected = partners.filtered("citizen_contact_restricted")
        # One entry per look at a protected citizen, naming the number too
        # when it was read.
        for numbered, group in (
            (True, protected & with_number),
            (False, protected - with_number),
        ):
            if group:
                names = sorted(looked_at | ({"national_id"} if numbered else set()))
                Audit._citizen_log(
                    "view",
                    group.with_env(self.env),
                    field_names=Audit._citizen_field_labels(self._name, names),
                    description="Protected citizen viewed",
                )
        if with_number - protected:
            Audit._citizen_log(
                "view",
                (with_number - protected).with_env(self.env),
                field_names=["national_id"],
                description="Identity number viewed",
            )

    def export_data(self, fields_to_export):
        result = super().export_data(fields_to_export)
        roots = {path.split("/")[0] for path in fields_to_export}
        sensitive = "national_id" in roots or any(
            self.sudo().mapped("citizen_contact_restricted")
        )
        self.env["citizen.audit.log"]._citizen_log(
            "export",
            self,
            field_names=sorted(roots),
            description="Citizens exported",
            per_record=sensitive,
        )
        return result

    # ------------------------------------------------------------
    # Chatter tracking
    # ------------------------------------------------------------

    def _track_get_fields(self):
        return super()._track_get_fields() - set(UNTRACKED_FIELDS)

    def _mail_track(self, tracked_fields, initial_values):
        if self.citizen_contact_restricted:
            tracked_fields = {
                name: info
                for name, info in tracked_fields.items()
                if name not in TRACKING_SCRUB_FIELDS
            }
        return super()._mail_track(tracked_fields, initial_values)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_open_citizen_protected_contact(self):
        self.ensure_one()
        if not self._citizen_is_privacy_officer():
            raise AccessError(
                self.env._("Only a privacy officer can open protected contact data.")
            )
        vault = self._citizen_vault()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Protected Contact Data"),
            "res_model": "citizen.protected.contact",
            "res_id": vault.id,
            "view_mode": "form",
            "target": "new",
        }
