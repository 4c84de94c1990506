"""GDPR for citizens: access (art. 15) and erasure by anonymisation (art. 17)."""

from typing import NamedTuple

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, html2plaintext

from .citizen_inquiry_privacy import ANONYMISED_BODY
from .citizen_protected_contact import PROTECTED_CONTACT_FIELDS
from .res_partner_protection import INTERNAL

# What the access report withholds, and why. Internal notes: the report
# answers the data subject, a party, not the public, so the party-access rule
# applies (forvaltningsloven § 18 a, documents made for the body's own case
# preparation) through its GDPR counterpart, personopplysningsloven § 16 (1)
# e; offentleglova § 14 governs the public's access and does not fit.
WITHHELD_INTERNAL = (
    "personopplysningsloven § 16 første ledd e; forvaltningsloven § 18 a"
)
# Other people's data: the right of access must not harm others.
WITHHELD_THIRD_PARTY = "GDPR art. 15(4)"
# Staff act for the controller: their names are not the citizen's data.
WITHHELD_STAFF = "GDPR art. 15(4); CJEU C-579/21"
# A confidential inquiry without a screening basis of its own.
DEFAULT_CONFIDENTIAL_BASIS = "offl. § 13 jf. fvl. § 13"


# Messages that went between the municipality and someone (mail, comments,
# acknowledgements); the others are the system's own records.
SENT_MESSAGE_TYPES = ("email", "comment", "email_outgoing", "auto_comment")


def _digits(value):
    """The national part of a phone number, to compare numbers however typed."""
    return "".join(ch for ch in value or "" if ch.isdigit())[-8:]


class _DataSubject(NamedTuple):
    """The citizen of an access report, with the addresses that are theirs
    (a protected citizen's are in the vault)."""

    partner: models.BaseModel
    emails: frozenset
    phones: frozenset


def _withhold(withheld, what, basis, where):
    key = (what, basis, where)
    withheld[key] = withheld.get(key, 0) + 1


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
        """What citizen_crm holds about the citizen, as plain data: their own
        data, not other people's; what is withheld, and on which basis, is
        listed under "withheld". The privacy officer reads confidential
        inquiries through it: each such read is audited."""
        self.ensure_one()
        # Assembled for the privacy officer answering the data subject: the
        # citizen is entitled to all of it, their own identity number included.
        partner = self.sudo().with_context(active_test=False)
        vault = (
            self.env["citizen.protected.contact"]
            .sudo()
            .search([("partner_id", "=", partner.id)], limit=1)
        )
        withheld = {}
        # A protected citizen's own address and phone are held in the vault.
        subject = _DataSubject(
            partner,
            frozenset(email_normalize(e) for e in (partner.email, vault.email) if e),
            frozenset(_digits(p) for p in (partner.phone, vault.phone) if p),
        )
        inquiries = (
            self.env["citizen.inquiry"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "=", partner.id)], order="date_received, id")
        )
        confidential = inquiries.filtered("is_confidential")
        if confidential:
            # Read for the officer with sudo: the same trace as a read of the
            # inquiry itself, in the officer's name.
            self.env["citizen.audit.log"]._citizen_log(
                "view",
                confidential,
                field_names=["*"],
                description="Confidential inquiry viewed",
            )
        thread = self._citizen_gdpr_thread(partner)
        messages, kept = self._citizen_gdpr_messages(
            thread, subject, withheld, False, None
        )
        return {
            "generated": fields.Datetime.to_string(fields.Datetime.now()),
            "controller": partner.company_id.name or self.env.company.name,
            "citizen": self._citizen_gdpr_citizen_data(partner, vault or partner),
            "inquiries": [
                self._citizen_gdpr_inquiry_data(inquiry, subject, withheld)
                for inquiry in inquiries
            ],
            "cases": [
                {"number": c.name, "title": c.title}
                for c in self.env["citizen.case"]
                .sudo()
                .with_context(active_test=False)
                .search([("partner_id", "=", partner.id)])
            ],
            "messages": messages,
            "attachments": self._citizen_gdpr_attachments(
                partner, partner, thread, kept, withheld, None
            ),
            "audit": self._citizen_gdpr_audit_data(partner, withheld),
            "withheld": [
                {"what": what, "basis": basis, "inquiry": where, "count": count}
                for (what, basis, where), count in withheld.items()
            ],
        }

    def _citizen_gdpr_citizen_data(self, partner, contact_source):
        def value(record, fname):
            val = record[fname]
            if isinstance(val, models.BaseModel):
                return val.display_name or None
            return val or None

        return {
            "id": partner.id,
            "name": partner.name,
            "identity_number": partner.national_id or None,
            "identity_number_kind": partner.national_id_kind or None,
            "birthdate": fields.Date.to_string(partner.birthdate)
            if partner.birthdate
            else None,
            "address_protection": dict(
                partner._fields["address_protection"]._description_selection(self.env)
            ).get(partner.address_protection),
            "contact_restricted": partner.citizen_contact_restricted,
            "krr_reserved": partner.krr_reserved,
            "language": dict(
                partner._fields["lang"]._description_selection(self.env)
            ).get(partner.lang),
            "preferred_channel": partner.preferred_channel_id.name or None,
            **{
                fname: value(contact_source, fname)
                for fname in PROTECTED_CONTACT_FIELDS
            },
            "anonymised": partner.citizen_anonymised,
        }

    def _citizen_gdpr_inquiry_data(self, inquiry, subject, withheld):
        """One inquiry as the citizen may see it. When someone else is its
        contact or wrote in it (a concern report, a neighbour's complaint),
        that person stays out: their contact data, the description, what
        they wrote and what was sent to them are withheld, on the screening
        basis of a confidential inquiry, whose subject is its public title."""
        thread = self._citizen_gdpr_thread(inquiry)
        other = self._citizen_gdpr_reported_by_other(inquiry, subject, thread)
        if other:
            basis = WITHHELD_THIRD_PARTY
            if inquiry.is_confidential:
                basis = inquiry.screening_basis_id.code or DEFAULT_CONFIDENTIAL_BASIS
            what = self.env._(
                "Who reported or wrote about you, their contact data, what they "
                "wrote and what was sent to them"
            )
            withheld[what, basis, inquiry.number] = 1
        messages, kept = self._citizen_gdpr_messages(
            thread, subject, withheld, other, inquiry.number
        )
        own = not other
        description = html2plaintext(inquiry.description or "").strip()
        return {
            "number": inquiry.number,
            "subject": inquiry.public_title
            if other and inquiry.is_confidential
            else inquiry.name,
            "received": fields.Datetime.to_string(inquiry.date_received),
            "closed": fields.Datetime.to_string(inquiry.date_closed)
            if inquiry.date_closed
            else None,
            "channel": inquiry.channel_id.name,
            "service": inquiry.service_id.name or None,
            "queue": inquiry.queue_id.name,
            "stage": inquiry.stage_id.name,
            "resolution": dict(
                inquiry._fields["resolution"]._description_selection(self.env)
            ).get(inquiry.resolution),
            "confidential": inquiry.is_confidential,
            "case": inquiry.case_id.name or None,
            "contact_name": (own and inquiry.partner_name) or None,
            "contact_email": (own and inquiry.partner_email) or None,
            "contact_phone": (own and inquiry.partner_phone) or None,
            "description": (own and description) or None,
            "messages": messages,
            "attachments": self._citizen_gdpr_attachments(
                inquiry, subject.partner, thread, kept, withheld, inquiry.number
            ),
        }

    def _citizen_gdpr_reported_by_other(self, inquiry, subject, thread):
        """Whether someone other than the citizen is the inquiry's contact or
        wrote in it."""
        email = inquiry.partner_email
        if email and email_normalize(email) not in subject.emails:
            return True
        phone = inquiry.partner_phone
        if phone and _digits(phone) not in subject.phones:
            return True
        name = " ".join((inquiry.partner_name or "").split()).casefold()
        if name and name != " ".join(subject.partner.name.split()).casefold():
            return True
        return any(self._citizen_gdpr_author(m, subject) == "other" for m in thread)

    def _citizen_gdpr_thread(self, record):
        # sudo: the whole thread, sorted below into what the citizen gets and
        # what is withheld; only the privacy officer's report reads it.
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", record._name),
                    ("res_id", "=", record.id),
                    ("message_type", "!=", "user_notification"),
                ],
                order="date, id",
            )
        )

    def _citizen_gdpr_author(self, message, subject):
        """Who wrote ``message``: "citizen", "staff", "system" (the web form,
        an acknowledgement: no one in particular) or "other"."""
        author = message.author_id
        email = message.email_from and email_normalize(message.email_from)
        if author == subject.partner or (not author and email in subject.emails):
            return "citizen"
        if not author and message.message_type == "email" and email:
            return "other"  # incoming mail from an address nobody holds
        if not author or author == self.env.ref("base.public_partner"):
            return "system"
        users = author.with_context(active_test=False).user_ids
        if users and not all(users.mapped("share")):
            return "staff"
        return "other"

    def _citizen_gdpr_messages(self, thread, subject, withheld, other, where):
        """The messages of ``thread`` the citizen wrote or was sent, and the
        tracked changes of their data; staff show as the municipality.
        Internal notes and messages from or to other people are counted in
        ``withheld`` instead. Returns the entries and the messages kept."""
        _ = self.env._
        result = []
        kept = thread.browse()
        for message in thread:
            system = message.message_type not in SENT_MESSAGE_TYPES
            if system and not message.body and message.tracking_value_ids:
                changes = [] if other else self._citizen_gdpr_changes(message)
                if changes:
                    self._citizen_gdpr_withhold_staff(withheld)
                    result.append(self._citizen_gdpr_message_entry(message, changes))
                continue
            if system or message.is_internal or message.subtype_id.internal:
                _withhold(
                    withheld,
                    _("Internal notes and documents"),
                    WITHHELD_INTERNAL,
                    where,
                )
                continue
            kind = self._citizen_gdpr_author(message, subject)
            recipients = message.partner_ids | message.notification_ids.res_partner_id
            if kind == "other" or (
                other and kind != "citizen" and subject.partner not in recipients
            ):
                if not other:
                    what = _("Messages from other people")
                    _withhold(withheld, what, WITHHELD_THIRD_PARTY, where)
                continue
            if kind == "staff":
                self._citizen_gdpr_withhold_staff(withheld)
            kept |= message
            result.append(
                self._citizen_gdpr_message_entry(message, [], kind == "citizen")
            )
        return result, kept

    def _citizen_gdpr_message_entry(self, message, changes, own=False):
        return {
            "date": fields.Datetime.to_string(message.date),
            "author": self.env._("You") if own else self.env._("The municipality"),
            "subject": (not changes and message.subject) or None,
            "body": (not changes and html2plaintext(message.body or "").strip())
            or None,
            "attachments": message.attachment_ids.mapped("name"),
            "changes": changes,
        }

    def _citizen_gdpr_withhold_staff(self, withheld):
        what = self.env._(
            "Names and network addresses of the staff who handled or looked at "
            "your data"
        )
        withheld.setdefault((what, WITHHELD_STAFF, None), 1)

    def _citizen_gdpr_changes(self, message):
        """Tracked changes of the citizen's data; values naming users or other
        contacts (assignees, a previous citizen) are left out."""
        return [
            {
                "field": t.field_id.field_description,
                "old": str(t._format_display_value(t.field_id.ttype, new=False)[0]),
                "new": str(t._format_display_value(t.field_id.ttype, new=True)[0]),
            }
            for t in message.tracking_value_ids
            if t.field_id.relation not in ("res.users", "res.partner")
        ]

    def _citizen_gdpr_attachments(self, record, partner, thread, kept, withheld, where):
        """The files of the messages kept and those the citizen uploaded;
        other files of the record are internal documents."""
        # sudo: every file of the record, sorted into the citizen's and the
        # withheld ones; only the privacy officer's report reads them.
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", record._name), ("res_id", "=", record.id)])
        )
        result = []
        for attachment in attachments - thread.attachment_ids | kept.attachment_ids:
            own = partner in attachment.create_uid.partner_id
            if attachment not in kept.attachment_ids and not own:
                what = self.env._("Internal notes and documents")
                _withhold(withheld, what, WITHHELD_INTERNAL, where)
                continue
            result.append(
                {
                    "name": attachment.name,
                    "mimetype": attachment.mimetype,
                    "size": attachment.file_size,
                    "created": fields.Datetime.to_string(attachment.create_date),
                }
            )
        return result

    def _citizen_gdpr_audit_data(self, partner, withheld):
        """Who looked at or changed the citizen's data, shown as the
        municipality: a staff member's name and network address are theirs,
        not the citizen's (CJEU C-579/21). The citizen's own actions show as
        theirs."""
        _ = self.env._
        # sudo: the trail is append-only; the report shows staff entries
        # without their names or addresses.
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
        actions = dict(audit._fields["action"]._description_selection(self.env))
        result = []
        for entry in audit:
            own = partner in entry.user_id.partner_id
            if not own:
                self._citizen_gdpr_withhold_staff(withheld)
            result.append(
                {
                    "date": fields.Datetime.to_string(entry.date),
                    "user": _("You") if own else _("The municipality"),
                    "action": actions.get(entry.action),
                    "record": f"{entry.res_model},{entry.res_id}"
                    if entry.res_id
                    else entry.res_model,
                    "fields": entry.field_names or None,
                    "from": (own and entry.remote_addr) or None,
                    "description": entry.description or None,
                }
            )
        return result

    # ------------------------------------------------------------
    # Erasure (art. 17)
    # ------------------------------------------------------------

    def _citizen_erasure_refusals(self, request_inquiries=None):
        """Reasons the citizen cannot be anonymised now (empty when none).
        ``request_inquiries``, the inquiries of the erasure request itself,
        may be open: they are answered once the erasure is done."""
        self.ensure_one()
        _ = self.env._
        # Looking at every inquiry and case of the citizen, whoever handles them.
        partner = self.sudo().with_context(active_test=False)
        reasons = []
        if partner.user_ids.filtered(lambda u: not u.share):
            reasons.append(
                _("The contact belongs to a user of the system, not to a citizen.")
            )
        answering = request_inquiries.ids if request_inquiries else []
        open_inquiries = (
            self.env["citizen.inquiry"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("is_closed", "=", False),
                    ("active", "=", True),
                    ("id", "not in", answering),
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

    def _citizen_anonymise(self, request_inquiries=None):
        """Anonymise the citizen irreversibly. Returns a text saying what was
        removed and what was kept, and why. Raises UserError with the reasons
        when an open inquiry or case forbids it; ``request_inquiries`` (the
        erasure request's own) are anonymised too, open or not. A second run
        changes nothing."""
        self.ensure_one()
        _ = self.env._
        if self.sudo().citizen_anonymised:
            return _("The citizen was already anonymised; nothing was changed.")
        reasons = self._citizen_erasure_refusals(request_inquiries)
        if reasons:
            self.env["citizen.audit.log"]._citizen_log(
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
        self.env["citizen.audit.log"]._citizen_log(
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
