"""Citizen portal: a citizen's own inquiries under /my/inquiries."""

from odoo import http
from odoo.addons.mail.controllers.attachment import AttachmentController
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.fields import Domain
from odoo.http import request

INQUIRY_HISTORY_KEY = "my_inquiries_history"


class CitizenInquiryPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "inquiry_count" in counters:
            values["inquiry_count"] = self._get_my_inquiries().search_count(
                self._get_my_inquiries_domain()
            )
        return values

    def _get_my_inquiries(self):
        # sudo: portal users have no rights on inquiries; every search through
        # this recordset is limited by _get_my_inquiries_domain to the user's
        # own non-confidential inquiries.
        return request.env["citizen.inquiry"].sudo()

    def _get_my_inquiries_domain(self):
        return request.env["citizen.inquiry"]._citizen_portal_owner_domain(
            request.env.user.partner_id
        )

    def _inquiry_get_searchbar_sortings(self):
        _ = request.env._
        return {
            "date": {"label": _("Newest"), "order": "date_received desc, id desc"},
            "number": {"label": _("Number"), "order": "number desc, id desc"},
            "stage": {"label": _("Status"), "order": "stage_id, date_received desc"},
        }

    def _inquiry_get_searchbar_filters(self):
        _ = request.env._
        return {
            "all": {"label": _("All"), "domain": []},
            "open": {"label": _("Open"), "domain": [("is_closed", "=", False)]},
            "closed": {"label": _("Closed"), "domain": [("is_closed", "=", True)]},
        }

    @http.route(
        ["/my/inquiries", "/my/inquiries/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_inquiries(self, page=1, sortby=None, filterby=None, **kw):
        values = self._prepare_portal_layout_values()
        inquiries_sudo = self._get_my_inquiries()
        sortings = self._inquiry_get_searchbar_sortings()
        filters = self._inquiry_get_searchbar_filters()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        domain = self._get_my_inquiries_domain() & Domain(filters[filterby]["domain"])

        pager = portal_pager(
            url="/my/inquiries",
            url_args={"sortby": sortby, "filterby": filterby},
            total=inquiries_sudo.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        inquiries_sudo = inquiries_sudo.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session[INQUIRY_HISTORY_KEY] = inquiries_sudo.ids[:100]
        values.update(
            {
                "inquiries": inquiries_sudo,
                "page_name": "inquiry",
                "default_url": "/my/inquiries",
                "pager": pager,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("citizen_crm.portal_my_inquiries", values)

    @http.route(
        ["/my/inquiries/<int:inquiry_id>"],
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_inquiry(self, inquiry_id, access_token=None, **kw):
        try:
            inquiry_sudo = self._inquiry_check_access(inquiry_id, access_token)
        except (AccessError, MissingError):
            return self._inquiry_not_available()
        values = self._inquiry_get_page_view_values(inquiry_sudo, access_token, **kw)
        return request.render("citizen_crm.portal_my_inquiry", values)

    def _inquiry_check_access(self, inquiry_id, access_token=None):
        """The inquiry, sudoed, if the visitor may see it: a valid access token
        (the tracking link), staff read access, or a portal user who owns it.

        :raise MissingError: no such inquiry
        :raise AccessError: none of the above
        """
        try:
            return self._document_check_access(
                "citizen.inquiry", inquiry_id, access_token=access_token
            )
        except AccessError:
            # Portal users have no access rights on inquiries: ownership is
            # checked on the sudoed record with the same domain as the list.
            inquiry_sudo = request.env["citizen.inquiry"].sudo().browse(inquiry_id)
            if not inquiry_sudo._citizen_portal_is_owner(request.env.user.partner_id):
                raise
            return inquiry_sudo

    def _inquiry_not_available(self):
        """Same answer for an unknown id and a forbidden one, so that guessing
        ids tells nothing about which inquiries exist."""
        return request.render(
            "citizen_crm.portal_inquiry_not_available",
            {"page_name": "inquiry"},
            status=404,
        )

    def _inquiry_get_page_view_values(self, inquiry_sudo, access_token, **kwargs):
        values = {
            "page_name": "inquiry",
            "inquiry": inquiry_sudo,
            # Confidential inquiries show their number, status and queue only.
            "show_details": not inquiry_sudo.is_confidential,
        }
        # Anonymous visitors of a tracking link have no portal home to go back to,
        # and are told what the link shows and when it stops working.
        no_breadcrumbs = request.env.user._is_public()
        values["is_tracking_link"] = no_breadcrumbs
        values = self._get_page_view_values(
            inquiry_sudo,
            access_token,
            values,
            INQUIRY_HISTORY_KEY,
            no_breadcrumbs,
            **kwargs,
        )
        if values["show_details"]:
            # The owner has no access rights on the inquiry: the portal chatter
            # reads and posts through the access token, like a tracking link.
            values["token"] = inquiry_sudo._portal_ensure_token()
        return values


class CitizenInquiryAttachmentController(AttachmentController):
    """Files portal and public users send through the mail routes follow the
    web form's policy (type read from the content, size, number per message)
    on every thread that holds citizen data: citizen_crm's records and
    partners. The upload route checks each file; the post and edit routes
    check the files a message is given, whichever route uploaded them."""

    def _citizen_checks_files(self, thread_model):
        return not request.env.user._is_internal() and request.env[
            "citizen.inquiry"
        ]._citizen_is_policy_thread_model(thread_model)

    @http.route()
    def mail_attachment_upload(
        self, ufile, thread_id, thread_model, is_pending=False, **kwargs
    ):
        if self._citizen_checks_files(thread_model):
            Inquiry = request.env["citizen.inquiry"]
            policy = Inquiry._citizen_web_attachment_policy()
            # One byte more than allowed tells an oversized file apart without
            # loading a huge upload in memory.
            data = ufile.read(policy["max_bytes"] + 1)
            ufile.seek(0)
            error = Inquiry._citizen_check_web_attachment(ufile.filename, data, policy)
            if error:
                return request.make_json_response({"error": error})
        return super().mail_attachment_upload(
            ufile, thread_id, thread_model, is_pending=is_pending, **kwargs
        )

    def _prepare_message_data(self, post_data, *, thread, **kwargs):
        values = super()._prepare_message_data(post_data, thread=thread, **kwargs)
        if values.get("attachment_ids") and self._citizen_checks_files(thread._name):
            attachments = request.env["ir.attachment"].browse(values["attachment_ids"])
            error = request.env["citizen.inquiry"]._citizen_check_portal_attachments(
                attachments
            )
            if error:
                # Raised before anything is posted: the message is refused whole.
                raise UserError(error)
        return values
