"""GDPR for citizens: access (art. 15) and erasure by anonymisation (art. 17)."""

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from .citizen_inquiry_privacy import ANONYMISED_BODY
from .citizen_protected_contact import PROTECTED_CONTACT_FIELDS
from .res_partner_protection import INTERNAL

# Personal fields of res.partner cleared on erasure (besides the vault).
ERASED_PARTNER_FIELDS = (
    *PROTECTED_CONTACT_FIELDS,
    "national_id",
    "birthdate",
    "vat",
    "ref",
    "website",
    "function",
    "comment",
    "image_1920",
    "krr_reserved",
    "citizen_contact_via_officer",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    citizen_anonymised = fields.Boolean(string="Anonymised", readonly=True, copy=False)
    date_citizen_anonymised = fields.Datetime(
        string="Anonymised On", readonly=True, copy=False
    )

    # ------------------------------------------------------------
    # Access (art. 15)
    # ------------------------------------------------------------

    def _citizen_gdpr_access_data(self):
        """Everything citizen_crm holds about the citizen, as plain data."""
        self.ensure_one()
        # Assembled for the privacy officer answering the data subject: the
        # citizen is entitled to all of it, their own identity number included.
        partner = self.sudo().with_context(active_test=False)
        vault = (
            self.env["citizen.protected.contact"]
            .sudo()
            .search([("partner_id", "=", partner.id)], limit=1)
        )
        contact_source = vault or partner

        def value(record, fname):
            val = record[fname]
            if isinstance(val, models.BaseModel):
                return val.display_name or None
            return val or None

        inquiries = (
            self.env["citizen.inquiry"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "=", partner.id)], order="date_received, id")
        )
        Message = self.env["mail.message"].sudo()
        audit = (
            self.env["citizen.audit.log"]
            .sudo()
            .search(
                [
                    "|",
                    ("partner_id", "=", partner.id),
                    "&",
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", partner.id),
                ],
                order="date, id",
            )
        )
        Attachment = self.env["ir.attachment"].sudo()

        def messages_of(model, res_id):
            messages = Message.search(
                [
                    ("model", "=", model),
                    ("res_id", "=", res_id),
                    ("message_type", "!=", "user_notification"),
                ],
                order="date, id",
            )
            return [
                {
                    "date": fields.Datetime.to_string(m.date),
                    "author": m.author_id.display_name or m.email_from or None,
                    "subject": m.subject or None,
                    "body": html2plaintext(m.body or "").strip() or None,
                    "attachments": m.attachment_ids.mapped("name"),
                    "changes": [
                        {
                            "field": t.field_id.field_description,
                            "old": str(
                                t._format_display_value(t.field_id.ttype, new=False)[0]
                            ),
                            "new": str(
                                t._format_display_value(t.field_id.ttype, new=True)[0]
                            ),
                        }
                        for t in m.tracking_value_ids
                    ],
                }
                for m in messages
            ]

        def attachments_of(model, ids):
            attachments = Attachment.search(
                [("res_model", "=", model), ("res_id", "in", ids)]
            )
            return [
                {
                    "name": a.name,
                    "mimetype": a.mimetype,
                    "size": a.file_size,
                    "created": fields.Datetime.to_string(a.create_date),
                }
                for a in attachments
            ]

        return {
            "generated": fields.Datetime.to_string(fields.Datetime.now()),
            "controller": partner.company_id.name or self.env.company.name,
            "citizen": {
                "id": partner.id,
                "name": partner.name,
                "identity_number": partner.national_id or None,
                "identity_number_kind": partner.national_id_kind or None,
                "birthdate": fields.Date.to_string(partner.birthdate)
                if partner.birthdate
                else None,
                "address_protection": dict(
                    partner._fields["address_protection"]._description_selection(
                        self.env
                    )
                ).get(partner.address_protection),
                "contact_restricted": partner.citizen_contact_restricted,
                "krr_reserved": partner.krr_reserved,
                "preferred_language": partner.preferred_language or None,
                "preferred_channel": partner.preferred_channel_id.name or None,
                **{
                    fname: value(contact_source, fname)
                    for fname in PROTECTED_CONTACT_FIELDS
                },
                "anonymised": partner.citizen_anonymised,
            },
            "inquiries": [
                {
                    "number": i.number,
                    "subject": i.name,
                    "received": fields.Datetime.to_string(i.date_received),
                    "closed": fields.Datetime.to_string(i.date_closed)
                    if i.date_closed
                    else None,
                    "channel": i.channel_id.name,
                    "service": i.service_id.name or None,
                    "queue": i.queue_id.name,
                    "stage": i.stage_id.name,
                    "resolution": dict(
                        i._fields["resolution"]._description_selection(self.env)
                    ).get(i.resolution),
                    "confidential": i.is_confidential,
                    "case": i.case_id.name or None,
                    "contact_name": i.partner_name or None,
                    "contact_email": i.partner_email or None,
                    "contact_phone": i.partner_phone or None,
                    "description": html2plaintext(i.description or "").strip() or None,
                    "messages": messages_of("citizen.inquiry", i.id),
                    "attachments": attachments_of("citizen.inquiry", [i.id]),
                }
                for i in inquiries
            ],
            "cases": [
                {"number": c.name, "title": c.title}
                for c in self.env["citizen.case"]
                .sudo()
                .with_context(active_test=False)
                .search([("partner_id", "=", partner.id)])
            ],
            "messages": messages_of("res.partner", partner.id),
            "attachments": attachments_of("res.partner", [partner.id]),
            "audit": [
                {
                    "date": fields.Datetime.to_string(entry.date),
                    "user": entry.user_id.name or None,
                    "action": dict(
                        entry._fields["action"]._description_selection(self.env)
                    ).get(entry.action),
                    "record": f"{entry.res_model},{entry.res_id}"
                    if entry.res_id
                    else entry.res_model,
                    "fields": entry.field_names or None,
                    "from": entry.remote_addr or None,
                    "description": entry.description or None,
                }
                for entry in audit
            ],
        }

    # ------------------------------------------------------------
    # Erasure (art. 17)
    # ------------------------------------------------------------

    def _citizen_erasure_refusals(self):
        """Reasons the citizen cannot be anonymised now (empty when none)."""
        self.ensure_one()
        _ = self.env._
        # Looking at every inquiry and case of the citizen, whoever handles them.
        partner = self.sudo().with_context(active_test=False)
        reasons = []
        if partner.user_ids.filtered(lambda u: not u.share):
            reasons.append(
                _("The contact belongs to a user of the system, not to a citizen.")
            )
        open_inquiries = (
            self.env["citizen.inquiry"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("is_closed", "=", False),
                    ("active", "=", True),
                ]
            )
        )
        if open_inquiries:
            reasons.append(
                _(
                    "Open inquiries must be closed first: %(numbers)s.",
                    numbers=", ".join(open_inquiries.mapped("number")),
                )
            )
        open_cases = (
            self.env["citizen.case"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("active", "=", True)])
        )
        if open_cases:
            reasons.append(
                _(
                    "Open archive cases must be finished first (archive duty): "
                    "%(cases)s.",
                    cases=", ".join(open_cases.mapped("name")),
                )
            )
        return reasons

    def _citizen_anonymise(self):
        """Anonymise the citizen irreversibly. Returns a text saying what was
        removed and what was kept, and why. Raises UserError with the reasons
        when an open inquiry or case forbids it. A second run changes nothing."""
        self.ensure_one()
        _ = self.env._
        if self.sudo().citizen_anonymised:
            return _("The citizen was already anonymised; nothing was changed.")
        reasons = self._citizen_erasure_refusals()
        if reasons:
            self.env["citizen.audit.log"]._log(
                "refuse", self, description="Erasure refused: open inquiries or cases"
            )
            raise UserError(
                _(
                    "The citizen cannot be anonymised:\n%(reasons)s",
                    reasons="\n".join(reasons),
                )
            )
        # Erasure touches every record about the citizen, whoever handles them.
        partner = self.sudo().with_context(
            active_test=False,
            tracking_disable=True,
            mail_notrack=True,
            **{INTERNAL: True},
        )
        inquiries = (
            self.env["citizen.inquiry"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "=", partner.id)])
        )
        kept_cases = inquiries.filtered("case_id").case_id
        inquiries._citizen_anonymise()
        # Cases live in the archive system: keep the reference, drop the link.
        cases = (
            self.env["citizen.case"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "=", partner.id)])
        )
        cases.write({"partner_id": False})
        self.env["citizen.protected.contact"].sudo().search(
            [("partner_id", "=", partner.id)]
        ).unlink()
        Message = self.env["mail.message"].sudo()
        messages = Message.search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id)]
        )
        messages.tracking_value_ids.unlink()
        messages.write({"body": ANONYMISED_BODY, "subject": False, "email_from": False})
        self.env["ir.attachment"].sudo().search(
            [
                "|",
                "&",
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                "&",
                ("res_model", "=", "mail.message"),
                ("res_id", "in", messages.ids),
            ]
        ).unlink()
        Message.search(
            [("author_id", "=", partner.id), ("email_from", "!=", False)]
        ).write({"email_from": False})
        self.env["mail.followers"].sudo().search(
            [("partner_id", "=", partner.id)]
        ).unlink()
        for user in partner.user_ids:
            user.write({"active": False, "login": f"anonymised-{partner.id}-{user.id}"})
        name = _("Anonymised citizen #%(id)s", id=partner.id)
        vals = dict.fromkeys(ERASED_PARTNER_FIELDS, False)
        vals.update(
            name=name,
            address_protection="ugradert",
            citizen_anonymised=True,
            date_citizen_anonymised=fields.Datetime.now(),
            active=False,
        )
        # Archiving checks for active users with the context's active_test:
        # the users archived above must not count.
        partner.with_context(active_test=True).write(vals)
        partner.child_ids.write({"parent_id": False})
        # Tracking values elsewhere that show the old name (inquiry citizen changes).
        self.env["mail.tracking.value"].sudo().search(
            [
                ("field_id.relation", "=", "res.partner"),
                "|",
                ("old_value_integer", "=", partner.id),
                ("new_value_integer", "=", partner.id),
            ]
        ).unlink()
        self.env["citizen.audit.log"]._log(
            "anonymise", self, description="Citizen anonymised (GDPR art. 17)"
        )
        summary = [
            _(
                "Name, identity number, contact data, relations, notes and images "
                "removed."
            ),
            _("%(count)s inquiries anonymised; statistics kept.", count=len(inquiries)),
        ]
        if kept_cases:
            summary.append(
                _(
                    "Kept under archive duty: documents of the inquiries in archive "
                    "cases "
                    "%(cases)s.",
                    cases=", ".join(kept_cases.mapped("name")),
                )
            )
        summary.append(
            _("The audit trail is kept: it names the citizen only by record id.")
        )
        return "\n".join(summary)

    def action_citizen_gdpr_request(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Data Subject Request"),
            "res_model": "citizen.gdpr.request",
            "view_mode": "form",
            "context": {"default_partner_id": self.id},
        }
