"""The mail gateway side of inquiries: intake from a queue alias, replies,
acknowledgement, reply-to and loop guard."""

import logging
import re
from datetime import timedelta

import pytz
from babel.dates import format_date
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.fields import Domain
from odoo.tools import html2plaintext
from odoo.tools.mail import (
    email_normalize,
    formataddr,
    generate_tracking_message_id,
    parse_contact_from_email,
)

from .mail_authentication import NO_VERDICT
from .mail_thread_gateway import ACK_MESSAGE_ID_MARKER, replies_to_acknowledgement

_logger = logging.getLogger(__name__)

# Inquiry numbers look like HEN-2026-00042 (prefix, year, counter).
NUMBER_RE = re.compile(r"\b[A-Z]{2,6}-\d{4}-\d{3,}\b")
NO_REPLY_LOCALPART_RE = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|ikke[-_.]?svar|mailer[-_.]?daemon"
    r"|postmaster|bounces?)([-+_.].*)?$",
    re.IGNORECASE,
)
SUBJECT_MAX = 200
DEFAULT_ANSWER_DAYS = 14
# Date headers further off than this are not believed.
DATE_HEADER_PAST = timedelta(days=30)
DATE_HEADER_FUTURE = timedelta(hours=1)
ACK_TEMPLATES = {
    "nb": "citizen_crm.mail_template_inquiry_ack_nb",
    "nn": "citizen_crm.mail_template_inquiry_ack_nn",
    "en": "citizen_crm.mail_template_inquiry_ack_en",
}
ACK_LOCALES = {"nb": "nb", "nn": "nn", "en": "en_GB"}
# The language of our texts (acknowledgement, preliminary answer) for a
# partner's lang (res.lang code): Bokmål and Nynorsk have theirs, every other
# language gets English.
TEXT_LANGUAGES = {"nb_NO": "nb", "nn_NO": "nn"}


def citizen_text_language(lang):
    """ "nb", "nn" or "en" for the res.lang code ``lang``; None without one."""
    if not lang:
        return None
    return TEXT_LANGUAGES.get(lang, "en")


class CitizenInquiryMail(models.AbstractModel):
    """The mail gateway side of an inquiry: intake of a new mail (the sender
    matched to a citizen, the date and subject believed only as far as they
    can be), replies, the acknowledgement of receipt, reply-to and the loop
    guard."""

    _name = "citizen.inquiry.mail"
    _description = "Inquiry: Mail Gateway"

    needs_partner_match = fields.Boolean(
        string="Needs Citizen Match",
        compute="_compute_needs_partner_match",
        store=True,
        readonly=False,
        copy=False,
        tracking=True,
        help="Several citizens share the sender's e-mail address, so none was "
        "chosen: link the right citizen by hand.",
    )
    partner_email_normalized = fields.Char(
        string="Normalized Contact E-mail",
        compute="_compute_partner_email_normalized",
        store=True,
    )
    date_acknowledged = fields.Datetime(
        string="Acknowledged",
        readonly=True,
        copy=False,
        help="When the automatic acknowledgement of receipt was sent.",
    )

    # The mail gateway's loop guard counts the inquiries created from one
    # address in the last hours (see _detect_loop_sender_domain).
    _partner_email_recent_idx = models.Index("(partner_email_normalized, create_date)")

    @api.depends("partner_id")
    def _compute_needs_partner_match(self):
        for inquiry in self:
            inquiry.needs_partner_match = bool(
                not inquiry.partner_id and inquiry.needs_partner_match
            )

    @api.depends("partner_email")
    def _compute_partner_email_normalized(self):
        for inquiry in self:
            inquiry.partner_email_normalized = (
                email_normalize(inquiry.partner_email or "") or False
            )

    # ------------------------------------------------------------
    # Mail gateway: new mail and replies
    # ------------------------------------------------------------

    @api.model
    def _citizen_mail_intake(self, msg_dict, custom_values):
        """What a new mail says about the inquiry to create from it: its values
        (the citizen matched by the sender, or the contact as written), the
        message dict for mail.thread (the author set or withheld in
        ``msg_dict`` itself, which the gateway posts next), and whether the
        sender is unverified or a protected citizen's address to withhold."""
        values = dict(custom_values or {})
        contact_name, sender = parse_contact_from_email(
            msg_dict.get("email_from") or ""
        )
        company = (
            self.env["res.company"].browse(values.get("company_id")) or self.env.company
        )
        citizens = self._citizen_find_by_email(sender, company)
        unverified = self._citizen_sender_unverified(citizens)
        withheld = False
        if unverified:
            # A From anyone can write makes the mail nobody's: no citizen, no
            # author; a protected citizen's address is not shown either.
            withheld = self._citizen_address_withheld(sender, citizens)
            citizens = citizens.browse()
            msg_dict["author_id"] = False
        defaults = {
            "name": self._citizen_mail_subject(msg_dict.get("subject")),
            "description": msg_dict.get("body"),
            "channel_id": self.env["ir.model.data"]._xmlid_to_res_id(
                "citizen_crm.channel_email"
            ),
            "date_received": self._citizen_mail_date(msg_dict.get("date")),
        }
        if len(citizens) == 1:
            defaults["partner_id"] = citizens.id
            msg_dict["author_id"] = citizens.id
        else:
            defaults["partner_name"] = contact_name or False
            address = sender or msg_dict.get("email_from")
            defaults["partner_email"] = False if withheld else address or False
            if citizens:
                # Several citizens share the address: choose none, not even
                # as author of the message.
                defaults["needs_partner_match"] = True
                if msg_dict.get("author_id") in citizens.ids:
                    msg_dict["author_id"] = False
        defaults.update(values)
        # mail.thread copies email_from into the primary e-mail field: give it
        # the bare address (the name is kept apart), or nothing when the
        # citizen's own contact data apply.
        parent_dict = dict(
            msg_dict,
            email_from=False if len(citizens) == 1 or withheld else sender,
        )
        return {
            "values": defaults,
            "msg_dict": parent_dict,
            "unverified": unverified,
            "withheld": withheld,
        }

    @api.model
    def _citizen_create_from_mail(self, msg_dict, custom_values=None):
        """Create the inquiry of a new mail, as mail.thread.cc and mail.thread
        do, without their ``fields_get()``: it describes every field of the
        model, a large share of a mail's processing, only to learn that a
        name field exists.
        Keywords of the routing rules are looked for in the mail's text too."""
        values = {
            "email_cc": ", ".join(
                self._mail_cc_sanitized_raw_dict(msg_dict.get("cc")).values()
            ),
            **(custom_values or {}),
        }
        if not values.get("name"):
            values["name"] = msg_dict.get("subject", "")
        if msg_dict.get("email_from"):
            values[self._mail_get_primary_email_field()] = msg_dict["email_from"]
        body = msg_dict.get("body") or ""
        model = self
        if body and values.get("description") != body:
            # The body is routed as the description already when it is one:
            # converting it to text twice is measurable on every mail.
            model = self.with_context(citizen_routing_text=html2plaintext(body))
        return model.create(values).with_env(self.env)

    @api.model
    def _citizen_find_by_email(self, email, company):
        """Citizens of the municipality with exactly this address (at most
        two: enough to know whether the match is unique)."""
        Partner = self.env["res.partner"]
        if not email:
            return Partner
        # sudo: the exact address comes from the mail; only the match is used
        citizens = Partner.sudo().search(
            [
                ("email_normalized", "=", email),
                ("is_citizen", "=", True),
                ("company_id", "in", [company.id, False]),
            ],
            limit=2,
        )
        if citizens:
            return citizens
        # A protected citizen's address is kept in the privacy vault; the
        # sender knows their own address, so the match reveals nothing.
        protected = Partner._citizen_find_protected_by_email(email)
        return protected.filtered(
            lambda partner: partner.company_id in (company, company.browse())
        )

    @api.model
    def _citizen_sender_unverified(self, citizens):
        """Why the From address of the mail being processed must not make it
        ``citizens``' (the gateway's verdict, or a protected citizen matched
        without an authentication result under the default policy), or
        False. Outside the gateway's processing, From is believed."""
        context = self.env.context
        if context.get("citizen_mail_sender_unverified"):
            return context["citizen_mail_sender_unverified"]
        if context.get("citizen_mail_sender_authenticated", True) or not citizens:
            return False
        return citizens._citizen_is_protected() and NO_VERDICT

    @api.model
    def _citizen_address_withheld(self, sender, citizens):
        """Whether ``sender`` is a protected citizen's address (held in the
        privacy vault), which an unidentified inquiry must not show."""
        if citizens:
            return citizens._citizen_is_protected()
        return bool(self.env["res.partner"]._citizen_find_protected_by_email(sender))

    def _citizen_log_unverified_sender(self, reason):
        self.ensure_one()
        _logger.info(
            "Inquiry %s not linked to a citizen or an earlier inquiry: sender not "
            "verified (%s).",
            self.number,
            reason,
        )
        self._message_log(
            body=self._citizen_in_company_lang().env._(
                "The sender of this e-mail could not be verified (%(reason)s), so "
                "it was not linked to a citizen or to an earlier inquiry. Make sure "
                "who wrote it before you link it to a citizen or answer with "
                "personal information.",
                reason=reason,
            )
        )

    @api.model
    def _citizen_mail_subject(self, subject):
        subject = " ".join((subject or "").split())
        if not subject:
            return self.env._("No Subject")
        if len(subject) > SUBJECT_MAX:
            return subject[: SUBJECT_MAX - 1].rstrip() + "…"
        return subject

    @api.model
    def _citizen_mail_date(self, date_header):
        """The Date header, unless it lies (far past or future): then now."""
        now = fields.Datetime.now()
        try:
            date = fields.Datetime.to_datetime(date_header) if date_header else None
        except ValueError:
            date = None
        if not date or not now - DATE_HEADER_PAST <= date <= now + DATE_HEADER_FUTURE:
            return now
        return date

    @api.model
    def _citizen_answer_days(self):
        """Days within which a mail without a resolution target is promised
        an answer (citizen_crm.mail_answer_days)."""
        return self.env["citizen.config"]._citizen_param(
            "citizen_crm.mail_answer_days", DEFAULT_ANSWER_DAYS, minimum=0
        )

    def _citizen_log_partial_reading(self):
        reasons = self.env.context.get("citizen_mail_partial")
        if not reasons:
            return
        for inquiry in self:
            inquiry._message_log(
                body=inquiry._citizen_in_company_lang().env._(
                    "This e-mail could only be read in part (%(reasons)s). The "
                    "original message is attached to it as original_email.eml.",
                    reasons=", ".join(reasons),
                )
            )

    # ------------------------------------------------------------
    # Routing: the inquiry number in the subject
    # ------------------------------------------------------------

    @api.model
    def _citizen_route_by_subject_number(self, message_dict, route):
        """A reply without usable In-Reply-To/References headers but with the
        inquiry number in the subject lands in that inquiry, provided it comes
        from the inquiry's contact address: numbers are easy to guess."""
        if route[0] == self._name and not route[1]:
            inquiry = self._citizen_find_from_subject(message_dict, route[2])
            if inquiry:
                _logger.info(
                    "Routing mail with Message-Id %s to inquiry %s by the number "
                    "in its subject.",
                    message_dict.get("message_id"),
                    inquiry.id,
                )
                route = (route[0], inquiry.id, *route[2:])
        return route

    @api.model
    def _citizen_find_from_subject(self, message_dict, custom_values):
        numbers = NUMBER_RE.findall(message_dict.get("subject") or "")[:5]
        sender = email_normalize(message_dict.get("email_from") or "")
        if not numbers or not sender:
            return self.browse()
        domain = Domain("number", "in", numbers) & Domain(
            "partner_email_normalized", "=", sender
        )
        company_id = (custom_values or {}).get("company_id")
        if company_id:
            domain &= Domain("company_id", "=", company_id)
        # sudo: the gateway routes by number; only the inquiry id is used
        return self.sudo().search(domain, order="id desc", limit=1)

    # ------------------------------------------------------------
    # Acknowledgement of receipt
    # ------------------------------------------------------------

    def _citizen_mail_automated_reason(self, msg_dict, reopening=False):
        """Why the incoming mail must not be answered automatically (or, when
        ``reopening``, must not reopen an answered inquiry), or False."""
        reason = self.env.context.get(
            "citizen_mail_automated" if reopening else "citizen_mail_no_autoreply"
        )
        if reason:
            return reason
        sender = email_normalize(msg_dict.get("email_from") or "")
        if not sender:
            return "no readable sender"
        if NO_REPLY_LOCALPART_RE.match(sender.split("@", 1)[0]):
            return "no-reply sender"
        if reopening:
            return False
        if replies_to_acknowledgement(msg_dict):
            return "reply to an acknowledgement"
        # sudo: alias domains are configuration; only mail from one of our
        # domains can come from one of our addresses (a queue, the catchall)
        domains = self.env["mail.alias.domain"].sudo().search([])
        if sender.split("@", 1)[1] in domains.mapped("name") and domains._find_aliases(
            [sender]
        ):
            return "sent by one of our own addresses"
        return False

    def _citizen_ack_language(self):
        self.ensure_one()
        if self.partner_id.lang:
            return citizen_text_language(self.partner_id.lang)
        return self.env.context.get("citizen_mail_lang") or "nb"

    def _citizen_ack_render_context(self, language):
        self.ensure_one()
        deadline = self.date_deadline or self.date_received
        # the calendar that planned the deadline (already read) says where
        # the municipality is
        timezone = pytz.timezone(
            self.company_id.resource_calendar_id.tz or "Europe/Oslo"
        )
        local_date = pytz.utc.localize(deadline).astimezone(timezone).date()
        return {
            "answer_date": format_date(
                local_date, format="long", locale=ACK_LOCALES[language]
            ),
            "municipality": self.company_id.name,
            "queue_name": self.queue_id.name,
        }

    def _citizen_ack_email_from(self):
        self.ensure_one()
        alias_email = self.queue_id.alias_email
        if alias_email and "@" in alias_email:
            return formataddr(
                (f"{self.company_id.name} - {self.queue_id.name}", alias_email)
            )
        return self.company_id.email_formatted or False

    def _citizen_send_acknowledgement(self, msg_dict, withhold_address=False):
        """One acknowledgement per new inquiry, in the citizen's language,
        with the inquiry number and the expected answer date only: no subject
        or text echoed from the mail (it may hold an identity number), no
        citizen data. Marked Auto-Submitted so that auto-responders stay
        silent.

        A protected citizen gets the same acknowledgement as anyone, at the
        address they wrote from: a missing one would tell whoever reads that
        mailbox that they are protected. Their address (``withhold_address``:
        a protected citizen's, not linked) stays out of the chatter."""
        self.ensure_one()
        reason = self._citizen_mail_automated_reason(msg_dict)
        if not reason and self.partner_id._citizen_no_automatic_mail():
            reason = "the citizen is registered as deceased"
        if self.date_acknowledged or reason:
            if reason:
                _logger.info(
                    "No acknowledgement for inquiry %s: %s", self.number, reason
                )
            return False
        sender = email_normalize(msg_dict.get("email_from") or "")
        language = self._citizen_ack_language()
        template = self.env["mail.template"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(ACK_TEMPLATES[language])
        )
        if not template:
            _logger.warning("Acknowledgement template %s is missing.", language)
            return False
        render_context = self._citizen_ack_render_context(language)
        subject = template._render_field(
            "subject", self.ids, add_context=render_context
        )[self.id]
        body = template._render_field(
            "body_html", self.ids, add_context=render_context
        )[self.id]
        email_from = self._citizen_ack_email_from()
        # record_name: the number only, never the subject the citizen wrote
        body_html = template._render_encapsulate(
            "mail.mail_notification_light",
            body,
            add_context={
                "company": self.company_id,
                "model_description": self.env["ir.model"]._get(self._name).name,
                "record_name": self.number,
            },
            context_record=self,
        )
        # sudo: the alias domain is configuration, read for the bounce address
        alias_domain = self.sudo()._mail_get_alias_domains(
            default_company=self.env.company
        )[self.id]
        values = {
            "model": self._name,
            "res_id": self.id,
            "record_alias_domain_id": alias_domain.id,
            "record_company_id": self.company_id.id,
            "record_name": self.number,
            "message_type": "auto_comment",
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment"),
            # No author partner: Odoo would ping the author of the message a
            # reply answers, i.e. mail the municipality on every reply.
            "author_id": False,
            "email_from": email_from,
            "reply_to": self._notify_get_reply_to(default=email_from)[self.id],
            "subject": subject,
            "body": Markup(body),
            "body_html": body_html,
            "message_id": generate_tracking_message_id(ACK_MESSAGE_ID_MARKER),
            "references": msg_dict.get("message_id") or False,
            "headers": repr(
                self._notify_by_email_get_headers(
                    headers={
                        "Auto-Submitted": "auto-replied",
                        "X-Auto-Response-Suppress": "All",
                    }
                )
            ),
            "auto_delete": template.auto_delete,
            "is_notification": True,
        }
        notified = self._citizen_ack_notified(sender, withhold_address)
        if self.partner_id and self.partner_id.email_normalized == sender:
            values["recipient_ids"] = [Command.link(self.partner_id.id)]
        else:
            # also a protected citizen's address, which they wrote from: the
            # mail is addressed, not sent to the partner (whose mail only the
            # privacy officer may send)
            values["email_to"] = sender
        # The acknowledgement goes to one known address, so it skips the
        # follower notification machinery of message_post (recipient
        # classification, portal links, a layout per recipient group) and
        # lands in the mail queue directly: the fetcher does not wait for
        # SMTP. The notification keeps its delivery status in the chatter.
        # sudo: the gateway writes the inquiry's own receipt; mail.mail and
        # mail.notification are not writable by staff
        mail = self.env["mail.mail"].sudo().create(values)
        if notified:
            self.env["mail.notification"].sudo().create(
                {
                    "author_id": False,
                    "mail_message_id": mail.mail_message_id.id,
                    "mail_mail_id": mail.id,
                    "notification_type": "email",
                    "notification_status": "ready",
                    "is_read": True,
                    **notified,
                }
            )
        self.date_acknowledged = fields.Datetime.now()
        return True

    def _citizen_send_web_receipt(self, email):
        """The receipt of an inquiry sent with the web form: the same
        acknowledgement as a mail's (number and expected answer date, nothing
        the citizen wrote), to the address they gave, when they gave one."""
        self.ensure_one()
        sender = email_normalize(email or "")
        if not sender:
            return False
        citizens = self._citizen_find_by_email(sender, self.company_id)
        return self._citizen_send_acknowledgement(
            {"email_from": sender},
            withhold_address=self._citizen_address_withheld(sender, citizens),
        )

    def _citizen_ack_notified(self, sender, withhold_address=False):
        """Who the chatter shows the acknowledgement went to: the citizen, or
        the address when it may be shown; nothing when it is a protected
        citizen's address on an inquiry without them."""
        self.ensure_one()
        partner = self.partner_id
        if partner and (
            partner.email_normalized == sender or partner._citizen_is_protected()
        ):
            return {"res_partner_id": partner.id}
        if withhold_address:
            return {}
        return {"mail_email_address": sender}

    # ------------------------------------------------------------
    # Answers, recipients, loop guard
    # ------------------------------------------------------------

    def _citizen_add_handler_recipients(self, recipients, message, msg_vals):
        """A citizen's message (a reply by mail, a follow-up on the portal or
        the tracking page) reaches whoever handles the inquiry: its assignee,
        else the members of its queue, as each of them wants to be notified
        (inbox or e-mail), follower or not. The message that opens a new
        inquiry (context ``citizen_new_inquiry``) is not a follow-up: the
        queue sees the inquiry itself, and its assignee follows it."""
        if not self or self.env.context.get("citizen_new_inquiry"):
            return recipients
        self.ensure_one()
        msg_vals = msg_vals or {}
        message_type = msg_vals.get("message_type") or message.message_type
        if message_type not in ("comment", "email"):
            return recipients
        subtype = self.env["mail.message.subtype"].browse(
            msg_vals.get("subtype_id", message.subtype_id.id)
        )
        # sudo: deciding who is notified; the partner's users and the
        # inquiry's handlers are read, nothing is shown to the author
        author = (
            self.env["res.partner"]
            .sudo()
            .browse(msg_vals.get("author_id", message.author_id.id))
        )
        if (
            not subtype
            or subtype.internal
            or author.user_ids.filtered(lambda user: not user.share)
        ):
            return recipients
        # sudo: the poster (a citizen, a visitor with the tracking link) may
        # not read the assignee or the queue; only who to notify is decided
        inquiry = self.sudo()
        handlers = (inquiry.user_id or inquiry.queue_id.member_ids).filtered(
            "active"
        ).partner_id - author
        missing = handlers - self.env["res.partner"].browse(
            [recipient["id"] for recipient in recipients if recipient["id"]]
        )
        if not missing:
            return recipients
        data = self.env["mail.followers"]._get_recipient_data(
            self.env[self._name], message_type, subtype.id, missing.ids
        )[0]
        return recipients + [data[pid] for pid in missing.ids if pid in data]

    def _citizen_queue_reply_to(self, default=None, author_id=False):
        """{inquiry id: its queue's mailbox, or False}."""
        # sudo: the queue's alias is configuration, read to address the reply
        aliases = self.sudo().queue_id._notify_get_reply_to(
            default=default, author_id=author_id
        )
        return {inquiry.id: aliases.get(inquiry.queue_id.id) for inquiry in self}

    def _citizen_unlink_shared_address_suggestions(self, suggested):
        """When several citizens share the contact address, suggest the
        address alone: Odoo would link it to one of them at random."""
        for inquiry in self.filtered("needs_partner_match"):
            for recipient in suggested.get(inquiry.id, []):
                if (
                    recipient.get("partner_id")
                    and recipient.get("email") == inquiry.partner_email_normalized
                ):
                    recipient.update(
                        partner_id=False,
                        name=inquiry.partner_name or False,
                        create_values={},
                    )
