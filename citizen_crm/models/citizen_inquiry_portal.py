import logging
import mimetypes

from odoo import api, models
from odoo.fields import Domain
from odoo.tools import formataddr
from odoo.tools.mimetypes import guess_mimetype

_logger = logging.getLogger(__name__)

# Channels on which the description is what the citizen wrote; at the
# counter, on the phone or from a letter it is the staff's note.
CITIZEN_WRITTEN_CHANNELS = ("citizen_crm.channel_web", "citizen_crm.channel_email")
DEFAULT_MAX_ATTACHMENT_MB = 10
DEFAULT_MAX_ATTACHMENTS = 5
DEFAULT_ALLOWED_MIMETYPES = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/heic",
    "text/plain",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
)


class CitizenInquiryPortal(models.AbstractModel):
    """Portal side of an inquiry: tracking link, citizen's own list, public thread.

    Portal and public users get no access rights on inquiries. The portal
    controllers read them with sudo() after checking ownership
    (_citizen_portal_owner_domain) or the access token; the mail routes (chatter,
    replies, uploads) go through _get_thread_with_access below.
    """

    _name = "citizen.inquiry.portal"
    _description = "Inquiry: Portal"

    def _citizen_portal_description(self):
        """The description the citizen sees on the portal: their own words
        (web form, e-mail), never the note staff wrote while registering."""
        self.ensure_one()
        written_by_citizen = [
            self.env["ir.model.data"]._xmlid_to_res_id(xmlid, raise_if_not_found=False)
            for xmlid in CITIZEN_WRITTEN_CHANNELS
        ]
        return self.description if self.channel_id.id in written_by_citizen else False

    def _citizen_rotate_access_token(self):
        """Invalidate the tracking link of inquiries whose citizen was just set
        or changed. The web form hands its link to whoever typed an e-mail
        address, unverified: once staff link the inquiry to the real person,
        the replies are theirs, read through their portal account or a new
        link sent to them, not through the old one."""
        shared = self.filtered("access_token")
        if shared:
            _logger.info(
                "Tracking link of inquiries %s withdrawn: their citizen changed.",
                shared.ids,
            )
            # A new token is made when a link is next needed (_portal_ensure_token).
            shared.write({"access_token": False})

    @api.model
    def _citizen_portal_owner_domain(self, partner):
        """Inquiries a portal user sees in /my/inquiries: those of their own
        partner or commercial partner, never archived or confidential ones.
        A confidential inquiry may be a report *about* the citizen (e.g. a
        concern raised by someone else), so even its existence is not shown."""
        partners = partner | partner.commercial_partner_id
        return (
            Domain("partner_id", "in", partners.ids)
            & Domain("is_confidential", "=", False)
            & Domain("active", "=", True)
        )

    def _citizen_portal_is_owner(self, partner):
        """Whether ``partner`` owns every inquiry of ``self`` (a sudoed recordset)."""
        if not self or not partner:
            return False
        return self.filtered_domain(self._citizen_portal_owner_domain(partner)) == self

    def _citizen_public_author(self, author_id=None, email_from=None):
        """An anonymous submitter replying through the tracking link has no
        partner (the web form creates none): the message is signed with the
        contact name and e-mail of the inquiry, (False, "name <address>"),
        instead of the generic public user. None otherwise."""
        if (
            author_id is None
            and email_from is None
            and len(self) == 1
            and self.env.user._is_public()
            and self.partner_email
        ):
            return False, formataddr((self.partner_name or "", self.partner_email))
        return None

    # ------------------------------------------------------------
    # Files sent by citizens (web form and portal replies)
    # ------------------------------------------------------------

    @api.model
    def _citizen_web_attachment_policy(self):
        """Limits on files sent from the web form and the portal, from the
        system parameters citizen_crm.web_max_attachment_mb,
        citizen_crm.web_max_attachments and citizen_crm.web_allowed_mimetypes."""
        Config = self.env["citizen.config"]
        max_mb = Config._citizen_param(
            "citizen_crm.web_max_attachment_mb",
            DEFAULT_MAX_ATTACHMENT_MB,
            kind=float,
            minimum=0,
        )
        max_count = Config._citizen_param(
            "citizen_crm.web_max_attachments", DEFAULT_MAX_ATTACHMENTS, minimum=0
        )
        mimetypes_allowed = [
            mimetype.lower()
            for mimetype in Config._citizen_param(
                "citizen_crm.web_allowed_mimetypes",
                DEFAULT_ALLOWED_MIMETYPES,
                kind=list,
            )
        ]
        return {
            "max_mb": max_mb,
            "max_bytes": int(max_mb * 1024 * 1024),
            "max_count": max_count,
            "mimetypes": mimetypes_allowed,
            "extensions": sorted(
                {
                    mimetypes.guess_extension(mimetype) or mimetype
                    for mimetype in mimetypes_allowed
                }
            ),
        }

    @api.model
    def _citizen_is_policy_thread_model(self, model_name):
        """Whether files portal and public users attach to records of
        ``model_name`` follow the web form's policy: citizen_crm's records
        and partners, the threads that hold citizens' data."""
        return model_name == "res.partner" or model_name.startswith("citizen.")

    @api.model
    def _citizen_check_portal_attachments(self, attachments):
        """Return why the files given to one portal message are refused, or
        None: too many of them, or one the web form would refuse."""
        policy = self._citizen_web_attachment_policy()
        if len(attachments) > policy["max_count"]:
            return self.env._(
                "Send at most %(count)s files.", count=policy["max_count"]
            )
        # sudo: the caller checked that the user owns these attachments (their
        # tokens); public users cannot read them otherwise. Only their name and
        # content are read, to be checked.
        for attachment in attachments.sudo():
            error = self._citizen_check_web_attachment(
                attachment.name, attachment.raw, policy
            )
            if error:
                return error
        return None

    @api.model
    def _citizen_check_web_attachment(self, filename, data, policy=None):
        """Return why a file sent by a citizen is refused, or None if it is
        acceptable. The type is read from the content, never from the name or
        the browser's claim."""
        policy = policy or self._citizen_web_attachment_policy()
        if not data:
            return self.env._("The file %(name)s is empty.", name=filename)
        if len(data) > policy["max_bytes"]:
            return self.env._(
                "The file %(name)s is larger than %(size)s MB.",
                name=filename,
                size=f"{policy['max_mb']:g}",
            )
        mimetype = guess_mimetype(data, default="application/octet-stream")
        if mimetype.lower() not in policy["mimetypes"]:
            return self.env._(
                "The file %(name)s is not of an accepted type (%(types)s).",
                name=filename,
                types=", ".join(policy["extensions"]),
            )
        return None
