"""Confidential inquiries (offentleglova screening) and inquiry anonymisation."""

import logging
import re

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Domain

_logger = logging.getLogger(__name__)

SCREENED = "******"
ANONYMISED_BODY = Markup("<p>[anonymised]</p>")
# Tracked inquiry fields whose old and new values name or describe the citizen.
PERSONAL_TRACKED_FIELDS = ("partner_id", "name")
# Fields deciding who may read a confidential inquiry, and so who follows it.
FOLLOWER_ACCESS_FIELDS = {
    "is_confidential",
    "screening_basis_id",
    "queue_id",
    "user_id",
    "partner_id",
    "company_id",
}


def screen_title(title, words, confidential):
    """The public title (offentlig tittel): each screened word or phrase is
    replaced by ******; a confidential inquiry without listed words is
    screened whole, so nothing leaks by omission."""
    if not title:
        return title
    phrases = [w.strip() for w in re.split(r"[\n,;]", words or "") if w.strip()]
    if not phrases:
        return SCREENED if confidential else title
    for phrase in sorted(phrases, key=len, reverse=True):
        title = re.sub(re.escape(phrase), SCREENED, title, flags=re.IGNORECASE)
    return title


class CitizenInquiryPrivacy(models.AbstractModel):
    """Confidential inquiries (screening basis, public title, who follows and
    is notified, reads left in the audit trail) and anonymisation for
    retention and erasure."""

    _name = "citizen.inquiry.privacy"
    _description = "Inquiry: Confidentiality and Anonymisation"

    screening_basis_id = fields.Many2one(
        "citizen.screening.basis",
        string="Screening Basis",
        tracking=True,
        ondelete="restrict",
        help="The legal basis for keeping the inquiry from the public "
        "(skjermingshjemmel).",
    )
    screened_words = fields.Text(
        string="Words to Screen",
        help="Words or phrases of the subject replaced by ****** in the public "
        "title, one per line. A confidential inquiry without any is screened whole.",
    )
    public_title = fields.Char(
        string="Public Title",
        compute="_compute_public_title",
        store=True,
        help="The subject as it may leave the handling queue: mail subjects, the "
        "portal, the archive hand-over (offentlig tittel).",
    )
    is_anonymised = fields.Boolean(string="Anonymised", readonly=True, copy=False)
    date_anonymised = fields.Datetime(string="Anonymised On", readonly=True, copy=False)
    anonymisation_note = fields.Text(readonly=True, copy=False)

    @api.depends("name", "screened_words", "is_confidential")
    def _compute_public_title(self):
        for inquiry in self:
            inquiry.public_title = screen_title(
                inquiry.name, inquiry.screened_words, inquiry.is_confidential
            )

    def _citizen_public_title(self):
        """The subject the portal, mail and archive code may show for
        ``self`` (one inquiry): the public title of a confidential inquiry."""
        self.ensure_one()
        return self.public_title if self.is_confidential else self.name

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model
    def _citizen_screening_vals_list(self, vals_list):
        for vals in vals_list:
            self._citizen_screening_vals(vals)

    @api.model
    def _citizen_screening_vals(self, vals):
        """An inquiry with a screening basis is confidential."""
        if vals.get("screening_basis_id"):
            vals["is_confidential"] = True

    def _citizen_clear_restricted_contact(self):
        """The contact fields copied onto an inquiry are readable by the whole
        front desk: for a citizen whose contact is restricted, they stay empty."""
        # Reading the neutral flag of the inquiries' citizens only.
        restricted = self.sudo().filtered(
            lambda i: (
                i.partner_id.citizen_contact_restricted
                and (i.partner_email or i.partner_phone)
            )
        )
        if restricted:
            restricted.write({"partner_email": False, "partner_phone": False})

    # ------------------------------------------------------------
    # Followers of confidential inquiries
    # ------------------------------------------------------------

    def _citizen_screen_recipients(self, recipients, message):
        """Odoo notifies followers and addressees whatever their read access:
        of a confidential inquiry, staff who may not read it are not notified
        (a user who lost a group still follows until the next change)."""
        # Deciding from the confidentiality flag only.
        if len(self) != 1 or not self.sudo().is_confidential:
            return recipients
        staff_ids = {
            r["uid"] for r in recipients if r.get("uid") and not r.get("ushare")
        }
        if not staff_ids:
            return recipients
        users = self.env["res.users"].browse(staff_ids)
        readers = {user.id for user in users if self._citizen_readable_by(user)}
        if readers == staff_ids:
            return recipients
        _logger.info(
            "Confidential inquiry %s: message %s not notified to %s user(s) "
            "without read access.",
            self.id,
            message.id,
            len(staff_ids - readers),
        )
        return [
            r
            for r in recipients
            if not (r.get("uid") in staff_ids and r["uid"] not in readers)
        ]

    def _citizen_sync_confidential_followers(self):
        """Remove the followers of the confidential inquiries of ``self`` who
        may not read them: after a change of confidentiality, queue, assignee
        or citizen, a change of a queue's members or of a user's groups."""
        # sudo: the change may have taken away the writer's own access, and
        # the followers are removed, never shown.
        confidential = self.sudo().filtered("is_confidential")
        followers = confidential.message_follower_ids
        if not followers:
            return
        allowed = confidential._citizen_allowed_followers(followers.partner_id)
        followers.filtered(
            lambda f: f.partner_id not in allowed[confidential.browse(f.res_id)]
        ).unlink()

    def _citizen_allowed_followers(self, partners):
        """{inquiry: the partners of ``partners`` who may follow it}. Anyone
        may follow an open inquiry. A confidential one is followed by the
        users who may read it (by the record rules) and by its own citizen,
        who is owed the answers; no other contact outside the staff, since
        the duty of confidentiality holds toward them (internal notes never
        reach them anyway)."""
        # sudo: which active users a partner has, to test their access.
        partners = partners.sudo()
        staff = partners.user_ids.filtered(lambda u: not u.share)
        confidential = self.filtered("is_confidential")
        readable = {}
        for user in staff if confidential else staff.browse():
            readable[user.partner_id] = readable.get(
                user.partner_id, confidential.browse()
            ) | confidential._citizen_readable_by(user)
        result = {}
        for inquiry in self:
            if not inquiry.is_confidential:
                result[inquiry] = partners
                continue
            result[inquiry] = partners.filtered(
                lambda p, inquiry=inquiry: (
                    inquiry in readable[p] if p in readable else p == inquiry.partner_id
                )
            )
        return result

    def _citizen_readable_by(self, user):
        """The inquiries of ``self`` that ``user`` may read, by the access
        rights and record rules, in any of the user's municipalities."""
        return (
            self.with_user(user)
            # sudo: the user's municipalities, to test their access in each
            .with_context(allowed_company_ids=user.sudo().company_ids.ids)
            ._filtered_access("read")
            .with_env(self.env)
        )

    @api.model
    def _citizen_group_by(self, partners_per_record):
        """{partners: records} from {record: partners}."""
        groups = {}
        for record, partners in partners_per_record.items():
            groups[partners] = groups.get(partners, record.browse()) | record
        return groups

    def _citizen_audit_confidential(self, action, field_names):
        """Leave a trace of each read (``action`` "view") or export of the
        confidential inquiries of ``self``: only members of the handling queue
        and supervisors get that far (record rules)."""
        confidential = self.filtered("is_confidential")
        if not confidential:
            return
        self.env["citizen.audit.log"]._citizen_log(
            action,
            confidential,
            field_names=field_names,
            description="Confidential inquiry viewed"
            if action == "view"
            else "Confidential inquiry exported",
        )

    # ------------------------------------------------------------
    # Anonymisation (retention and erasure)
    # ------------------------------------------------------------

    def _citizen_archive_duty(self):
        """Whether the archive law requires keeping the inquiry's documents:
        it belongs to a case (saksmappe) of the archive."""
        self.ensure_one()
        return bool(self.case_id)

    def _citizen_anonymise(self):
        """Irreversibly remove the personal data of the inquiries while keeping
        what statistics need (channel, service, queue, stage, dates,
        resolution). Documents of inquiries under archive duty are kept, and
        the inquiry says so. Already anonymised inquiries are left alone."""
        # Anonymisation runs for the privacy officer and the scheduler, who
        # may not be members of the inquiries' queues; it removes data only.
        todo = (
            self.sudo()
            .with_context(active_test=False, tracking_disable=True, mail_notrack=True)
            .filtered(lambda i: not i.is_anonymised)
        )
        if not todo:
            return todo
        now = fields.Datetime.now()
        Message = self.env["mail.message"].sudo()
        Attachment = self.env["ir.attachment"].sudo()
        Tracking = self.env["mail.tracking.value"].sudo()
        personal_fields = (
            self.env["ir.model.fields"]
            .sudo()
            .search(
                [("model", "=", self._name), ("name", "in", PERSONAL_TRACKED_FIELDS)]
            )
        )
        for inquiry in todo:
            keep = inquiry._citizen_archive_duty()
            partner = inquiry.partner_id
            vals = {
                "partner_id": False,
                "partner_name": False,
                "partner_email": False,
                "partner_phone": False,
                "name": inquiry.service_id.name or self.env._("Anonymised inquiry"),
                "screened_words": False,
                "resolution_note": False,
                "is_anonymised": True,
                "date_anonymised": now,
            }
            if keep:
                vals["anonymisation_note"] = self.env._(
                    "Contact data removed. The description, messages and attachments "
                    "are kept: they belong to archive case %(case)s, which the archive "
                    "law requires to keep (arkivlova).",
                    case=inquiry.case_id._citizen_case_number_label(),
                )
            else:
                vals["description"] = False
                vals["anonymisation_note"] = self.env._(
                    "Personal data removed; channel, service, queue, stage, dates and "
                    "resolution kept for statistics."
                )
            inquiry.write(vals)
            messages = Message.search(
                [("model", "=", self._name), ("res_id", "=", inquiry.id)]
            )
            Tracking.search(
                [
                    ("mail_message_id", "in", messages.ids),
                    ("field_id", "in", personal_fields.ids),
                ]
            ).unlink()
            if not keep:
                with_body = messages.filtered(
                    lambda m: m.body or m.subject or m.email_from
                )
                with_body.write(
                    {"body": ANONYMISED_BODY, "subject": False, "email_from": False}
                )
                Attachment.search(
                    [
                        "|",
                        "&",
                        ("res_model", "=", self._name),
                        ("res_id", "=", inquiry.id),
                        "&",
                        ("res_model", "=", "mail.message"),
                        ("res_id", "in", messages.ids),
                    ]
                ).unlink()
                messages.attachment_ids.unlink()
                inquiry._citizen_archive_forget_packages()
            if partner:
                inquiry.message_unsubscribe(partner_ids=partner.ids)
        self.env["citizen.audit.log"]._citizen_log(
            "anonymise", todo, description="Inquiry anonymised"
        )
        return todo

    @api.model
    def _citizen_retention_domain(self, service):
        limit = fields.Datetime.now() - relativedelta(months=service.retention_months)
        return Domain.AND(
            [
                [("service_id", "=", service.id)],
                [("is_closed", "=", True)],
                [("is_anonymised", "=", False)],
                [("date_closed", "<", limit)],
            ]
        )

    @api.model
    def _citizen_retention_candidates(self):
        """Closed inquiries past their service's retention period."""
        # The scheduler and the privacy officer see every municipality's
        # inquiries here to apply retention; only ids and numbers come back.
        services = (
            self.env["citizen.service"]
            .sudo()
            .with_context(active_test=False)
            .search([("retention_months", ">", 0)])
        )
        Inquiry = self.sudo().with_context(active_test=False)
        result = Inquiry.browse()
        for service in services:
            result |= Inquiry.search(self._citizen_retention_domain(service))
        return result

    @api.model
    def _cron_citizen_retention(self):
        return self._citizen_retention_candidates()._citizen_anonymise()
