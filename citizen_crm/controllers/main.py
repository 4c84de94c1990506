"""The public web form: anyone may send an inquiry to the municipality."""

import logging

from odoo import http
from odoo.exceptions import ConcurrencyError
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import plaintext2html, single_email_re

from ..models.citizen_inquiry_mail import citizen_text_language

_logger = logging.getLogger(__name__)

# Hidden from people by CSS; robots that fill every field fill it too.
HONEYPOT_FIELD = "website_url"
THANKS_SESSION_KEY = "citizen_crm_web_inquiry_id"
MAX_NAME_LENGTH = 200
MAX_EMAIL_LENGTH = 254
MAX_PHONE_LENGTH = 50
MAX_DESCRIPTION_LENGTH = 20000


class CitizenInquiryWebForm(http.Controller):
    @http.route(
        "/citizen/inquiry",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def citizen_inquiry_form(self, **post):
        company = self._get_web_form_company(post.get("company_id"))
        if request.httprequest.method != "POST":
            return self._render_web_form(company, self._get_default_form_values())
        return self._submit_web_form(company, post)

    @http.route(
        "/citizen/inquiry/thanks",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def citizen_inquiry_thanks(self, **kwargs):
        inquiry_id = request.session.get(THANKS_SESSION_KEY)
        # sudo: the id comes from this browser's own session, where the form
        # submission stored it; visitors have no rights on inquiries.
        inquiry = request.env["citizen.inquiry"].sudo().browse(inquiry_id).exists()
        values = {"inquiry": inquiry, "tracking_url": False}
        if inquiry:
            values["tracking_url"] = inquiry.get_base_url() + inquiry.get_portal_url()
        return request.render("citizen_crm.citizen_inquiry_web_thanks", values)

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _get_web_form_company(self, company_id):
        """The municipality the form is sent to: ?company_id=... for an
        inter-municipal database, else the visitor's current company."""
        company = request.env["res.company"]
        if company_id and str(company_id).isdigit():
            # sudo: visitors may not read companies; only its name is shown and
            # it only scopes the services offered and the inquiry created.
            company = company.sudo().browse(int(company_id)).exists()
        return company or request.env.company

    def _get_web_form_services(self, company):
        # sudo: visitors have no rights on the service catalogue; only the
        # names of the active services of this municipality are offered.
        return (
            request.env["citizen.service"]
            .sudo()
            .with_company(company)
            .search([("company_id", "in", [company.id, False])])
        )

    def _get_service_groups(self, services):
        """Services grouped by LOS theme for the picker's <optgroup>s, themes
        in their catalogue order and services without a theme last."""
        by_theme = services.grouped("los_theme_id")
        themes = sorted(
            (theme for theme in by_theme if theme),
            key=lambda theme: theme.complete_name or "",
        )
        groups = [
            {"label": theme.complete_name, "services": by_theme[theme]}
            for theme in themes
        ]
        without_theme = by_theme.get(request.env["citizen.los.theme"].sudo())
        if without_theme:
            groups.append(
                {"label": request.env._("Other services"), "services": without_theme}
            )
        return groups

    def _get_linked_citizen(self):
        """The citizen a logged-in portal user stands for; nobody otherwise.
        Typed contact details never create or pick a partner."""
        user = request.env.user
        if user._is_public() or not user.share:
            return request.env["res.partner"]
        partner = user.partner_id
        return partner if partner.is_citizen else request.env["res.partner"]

    def _get_default_form_values(self):
        values = {}
        citizen = self._get_linked_citizen()
        if citizen:
            values.update(
                name=citizen.name or "",
                email=citizen.email or "",
                phone=citizen.phone or "",
            )
        return values

    def _render_web_form(self, company, values, errors=None, status=200):
        services = self._get_web_form_services(company)
        policy = request.env["citizen.inquiry"]._citizen_web_attachment_policy()
        return request.render(
            "citizen_crm.citizen_inquiry_web_form",
            {
                "company": company,
                "service_groups": self._get_service_groups(services),
                "values": values,
                "errors": errors or {},
                "attachment_policy": policy,
                "honeypot_field": HONEYPOT_FIELD,
            },
            status=status,
        )

    def _get_remote_address(self):
        return request.httprequest.remote_addr or ""

    def _submit_web_form(self, company, post):
        # sudo: visitors have no rights on the technical log; it keeps only a
        # keyed hash of their address, to count their recent submissions.
        submission_log = request.env["citizen.web.submission.log"].sudo()
        address = self._get_remote_address()
        values = self._get_posted_values(post)
        if submission_log._citizen_is_rate_limited(address):
            _logger.warning(
                "Web inquiry refused: too many submissions from address %s.",
                submission_log._citizen_hash_address(address)[:12],
            )
            _limit, minutes = submission_log._citizen_rate_limit()
            return request.render(
                "citizen_crm.citizen_inquiry_web_rate_limited",
                {"company": company, "values": values, "minutes": minutes},
                status=429,
                headers=[("Retry-After", str(minutes * 60))],
            )
        if post.get(HONEYPOT_FIELD):
            _logger.warning(
                "Web inquiry dropped: the hidden field was filled in (address %s).",
                submission_log._citizen_hash_address(address)[:12],
            )
            submission_log._citizen_log_submission(address)
            request.session.pop(THANKS_SESSION_KEY, None)
            return request.redirect("/citizen/inquiry/thanks")

        services = self._get_web_form_services(company)
        files = [
            upload
            for upload in request.httprequest.files.getlist("attachments")
            if upload.filename
        ]
        errors, attachments = self._validate_web_form(values, services, files)
        if errors:
            return self._render_web_form(company, values, errors)

        try:
            with request.env.cr.savepoint():
                inquiry = self._create_web_inquiry(
                    company, values, services, attachments
                )
        except (ConcurrencyError, *PG_CONCURRENCY_EXCEPTIONS_TO_RETRY):
            raise  # Odoo retries the whole request
        except Exception:
            # A configuration problem (e.g. a municipality without queue) must
            # not cost the citizen what they typed: show the form again.
            _logger.exception(
                "Web inquiry for %s could not be registered.", company.name
            )
            errors = {
                "form": request.env._(
                    "We could not register your inquiry because of a technical "
                    "problem. Please try again later, or contact us by phone or at "
                    "the front desk."
                )
            }
            return self._render_web_form(company, values, errors)
        submission_log._citizen_log_submission(address)
        request.session[THANKS_SESSION_KEY] = inquiry.id
        return request.redirect("/citizen/inquiry/thanks")

    def _get_posted_values(self, post):
        return {
            "service_id": (post.get("service_id") or "").strip(),
            "description": (post.get("description") or "").strip(),
            "name": (post.get("name") or "").strip(),
            "email": (post.get("email") or "").strip(),
            "phone": (post.get("phone") or "").strip(),
            "consent": bool(post.get("consent")),
        }

    def _validate_web_form(self, values, services, files):
        """Return (errors by field, [(filename, content)]). Every message says
        what to do; nothing typed is lost, the form is shown again with it."""
        _ = request.env._
        errors = {}
        service_id = values["service_id"]
        if service_id and (
            not service_id.isdigit() or int(service_id) not in services.ids
        ):
            errors["service_id"] = _("Choose a service from the list.")
        if not values["description"]:
            errors["description"] = _("Describe your inquiry.")
        elif len(values["description"]) > MAX_DESCRIPTION_LENGTH:
            errors["description"] = _(
                "Shorten your description to at most %(max)s characters, or "
                "attach it as a file.",
                max=MAX_DESCRIPTION_LENGTH,
            )
        if not values["name"]:
            errors["name"] = _("Enter your name.")
        elif len(values["name"]) > MAX_NAME_LENGTH:
            errors["name"] = _("Your name is too long.")
        email = values["email"]
        if not email:
            errors["email"] = _("Enter your e-mail address, so that we can answer.")
        elif len(email) > MAX_EMAIL_LENGTH or not single_email_re.match(email):
            errors["email"] = _("Enter a valid e-mail address, like name@example.no.")
        phone = values["phone"]
        if phone and (
            len(phone) > MAX_PHONE_LENGTH
            or not all(char.isdigit() or char in " +-()." for char in phone)
        ):
            errors["phone"] = _(
                "Enter a phone number with digits only, like 12 34 56 78."
            )
        if not values["consent"]:
            errors["consent"] = _(
                "Confirm that you have read how the municipality uses your data."
            )

        Inquiry = request.env["citizen.inquiry"]
        policy = Inquiry._citizen_web_attachment_policy()
        attachments = []
        file_errors = []
        if len(files) > policy["max_count"]:
            file_errors.append(
                _("Send at most %(count)s files.", count=policy["max_count"])
            )
        else:
            for upload in files:
                # Read one byte more than allowed to detect oversized files
                # without loading a huge upload in memory.
                data = upload.read(policy["max_bytes"] + 1)
                error = Inquiry._citizen_check_web_attachment(
                    upload.filename, data, policy
                )
                if error:
                    file_errors.append(error)
                else:
                    attachments.append((upload.filename, data))
        if file_errors:
            file_errors.append(
                _("Your text is kept: choose the files again before sending.")
            )
            errors["attachments"] = " ".join(file_errors)
        return errors, attachments

    def _prepare_web_inquiry_values(self, company, values, services):
        service = services.browse(int(values["service_id"] or 0)) & services
        vals = {
            "company_id": company.id,
            "channel_id": request.env.ref("citizen_crm.channel_web").id,
            "service_id": service.id,
            "description": plaintext2html(values["description"]),
            "partner_name": values["name"],
            "partner_email": values["email"],
            "partner_phone": values["phone"],
        }
        citizen = self._get_linked_citizen()
        if citizen:
            vals["partner_id"] = citizen.id
        return vals

    def _create_web_inquiry(self, company, values, services, attachments):
        vals = self._prepare_web_inquiry_values(company, values, services)
        # sudo: visitors have no rights on inquiries; the values were built
        # field by field from the validated form above. The visitor (public
        # user) must not become a follower of the inquiry.
        inquiry = (
            request.env["citizen.inquiry"]
            .sudo()
            .with_company(company)
            .with_context(mail_create_nosubscribe=True)
            .create(vals)
        )
        if attachments:
            # Posted as a public message so the files show in the inquiry's
            # thread, for staff and on the citizen's tracking page alike; part
            # of the new inquiry, not a follow-up for its handlers.
            inquiry.with_context(citizen_new_inquiry=True).message_post(
                body=request.env._("Files sent with the web form."),
                attachments=attachments,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        if inquiry.partner_id:
            inquiry.message_subscribe(partner_ids=inquiry.partner_id.ids)
        # The receipt in the language the citizen read the form in.
        inquiry.with_context(
            citizen_mail_lang=citizen_text_language(request.env.lang) or "nb"
        )._citizen_send_web_receipt(values["email"])
        _logger.info("Web inquiry %s received.", inquiry.number)
        return inquiry
