from contextlib import closing
from datetime import timedelta

from odoo import fields, sql_db
from odoo.tests import new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import PDF_BYTES, CitizenPortalCommon

FORM_LOGGER = "odoo.addons.citizen_crm.controllers.main"


@tagged("post_install", "-at_install")
class TestCitizenWebForm(CitizenPortalCommon):
    def _form_data(self, **values):
        data = {
            "service_id": str(self.service_kindergarten.id),
            "description": "Can my daughter start in kindergarten in August?\nThanks!",
            "name": "Nora Innbygger",
            "email": "nora@example.com",
            "phone": "+47 12 34 56 78",
            "consent": "1",
        }
        data.update(values)
        return data

    def _open_form(self, url="/citizen/inquiry"):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return response

    def _submit(self, files=None, csrf=True, **values):
        data = self._form_data(**values)
        if csrf:
            data["csrf_token"] = self._csrf_token_from(self._open_form().text)
        return self.url_open("/citizen/inquiry", data=data, files=files)

    def _web_inquiries(self):
        return self.env["citizen.inquiry"].search(
            [
                ("channel_id", "=", self.env.ref("citizen_crm.channel_web").id),
                ("id", "!=", self.inquiry_anonymous.id),
            ]
        )

    # ------------------------------------------------------------
    # The form
    # ------------------------------------------------------------

    def test_form_groups_services_by_los_theme(self):
        self.authenticate(None, None)
        html = self._open_form().text
        self.assertIn('name="csrf_token"', html)
        self.assertIn('name="website_url"', html)  # the honeypot
        self.assertIn("How we use your information", html)
        self.assertIn('<optgroup label="Family and children / Kindergarten">', html)
        self.assertIn('<optgroup label="Building and property">', html)
        self.assertIn('<optgroup label="Other services">', html)
        kindergarten = html.index('label="Family and children / Kindergarten"')
        building = html.index('label="Building and property"')
        other = html.index('label="Other services"')
        # Themes in catalogue order, services without a theme last.
        self.assertLess(building, kindergarten)
        self.assertLess(kindergarten, other)
        option = f'<option value="{self.service_kindergarten.id}">Kindergarten place'
        self.assertIn(option, html[kindergarten:other])
        self.assertIn("Lost property", html[other:])
        # Another municipality's services are not offered.
        self.assertNotIn("Harbour berth", html)
        html = self._open_form(
            f"/citizen/inquiry?company_id={self.other_company.id}"
        ).text
        self.assertIn("Harbour berth", html)
        self.assertNotIn("Kindergarten place", html)

    # ------------------------------------------------------------
    # Submission
    # ------------------------------------------------------------

    def test_web_form_inquiry_gets_a_receipt_by_mail(self):
        """Issue 17, item 5: the same acknowledgement as a mail's."""
        self.authenticate(None, None)
        response = self._submit(email="nora.receipt@example.com")
        self.assertEqual(response.status_code, 200)
        inquiry = self.env["citizen.inquiry"].search(
            [("partner_email", "=", "nora.receipt@example.com")]
        )
        self.assertEqual(len(inquiry), 1)
        self.assertTrue(inquiry.date_acknowledged)
        mail = self.env["mail.mail"].search(
            [("model", "=", "citizen.inquiry"), ("res_id", "=", inquiry.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.email_to, "nora.receipt@example.com")
        self.assertIn(inquiry.number, mail.subject)
        self.assertIn("Auto-Submitted", mail.headers)
        # nothing the citizen wrote is echoed
        self.assertNotIn("August", mail.body_html)

    def test_submit_creates_web_inquiry_without_partner(self):
        self.authenticate(None, None)
        partner_count = self.env["res.partner"].search_count([])
        response = self._submit()
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith("/citizen/inquiry/thanks"))

        inquiry = self._web_inquiries()
        self.assertEqual(len(inquiry), 1)
        self.assertEqual(inquiry.channel_id, self.env.ref("citizen_crm.channel_web"))
        self.assertEqual(inquiry.service_id, self.service_kindergarten)
        self.assertEqual(inquiry.company_id, self.company)
        self.assertEqual(inquiry.queue_id, self.queue)
        self.assertFalse(inquiry.partner_id)
        self.assertEqual(inquiry.partner_name, "Nora Innbygger")
        self.assertEqual(inquiry.partner_email, "nora@example.com")
        self.assertEqual(inquiry.partner_phone, "+47 12 34 56 78")
        self.assertIn("start in kindergarten in August?", inquiry.description)
        self.assertFalse(inquiry.message_partner_ids, "the visitor follows nothing")
        self.assertEqual(self.env["res.partner"].search_count([]), partner_count)

        # The thanks page shows the number and the private tracking link.
        self.assertIn(inquiry.number, response.text)
        self.assertTrue(inquiry.access_token)
        tracking_url = inquiry.get_base_url() + inquiry.get_portal_url()
        self.assertIn(tracking_url.replace("&", "&amp;"), response.text)
        # ... which opens the inquiry for the anonymous submitter.
        tracking = self.url_open(tracking_url)
        self.assertEqual(tracking.status_code, 200)
        self.assertIn("start in kindergarten in August?", tracking.text)

    def test_submit_with_attachments(self):
        self.authenticate(None, None)
        response = self._submit(
            files=[
                (
                    "attachments",
                    ("birth-certificate.pdf", PDF_BYTES, "application/pdf"),
                ),
                ("attachments", ("note.txt", b"Allergic to nuts.\n", "text/plain")),
            ]
        )
        self.assertEqual(response.status_code, 200)
        inquiry = self._web_inquiries()
        self.assertEqual(len(inquiry), 1)
        message = inquiry.message_ids.filtered("attachment_ids")
        self.assertEqual(len(message), 1)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertFalse(message.author_id)
        self.assertIn("nora@example.com", message.email_from)
        self.assertEqual(
            sorted(message.attachment_ids.mapped("name")),
            ["birth-certificate.pdf", "note.txt"],
        )
        self.assertEqual(set(message.attachment_ids.mapped("res_id")), {inquiry.id})

    def test_portal_user_submission_is_linked_to_the_citizen(self):
        self.authenticate("portal1", "portal1")
        html = self._open_form().text
        # The form is filled in with the citizen's own contact details.
        self.assertIn('value="ola.nordmann@example.com"', html)
        response = self._submit(name="Ola Nordmann", email="ola.nordmann@example.com")
        self.assertEqual(response.status_code, 200)
        inquiry = self._web_inquiries()
        self.assertEqual(inquiry.partner_id, self.citizen1)
        self.assertIn(self.citizen1, inquiry.message_partner_ids)
        listing = self.url_open("/my/inquiries").text
        self.assertIn(inquiry.number, listing)

    def test_internal_user_submission_is_not_linked(self):
        self.caseworker.partner_id.is_citizen = True
        self.authenticate("portal_caseworker", "portal_caseworker")
        self._submit()
        self.assertFalse(self._web_inquiries().partner_id)

    # ------------------------------------------------------------
    # Refusals: nothing created, nothing typed lost
    # ------------------------------------------------------------

    def test_validation_errors_keep_the_typed_text(self):
        self.authenticate(None, None)
        response = self._submit(
            email="not-an-address",
            consent="",
            service_id=str(self.service_other_company.id),
            description="My <b>long</b> question & more",
        )
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn("Your inquiry was not sent yet", html)
        self.assertIn("Enter a valid e-mail address", html)
        self.assertIn("Confirm that you have read", html)
        self.assertIn("Choose a service from the list", html)
        # The text comes back escaped, as typed.
        self.assertIn("My &lt;b&gt;long&lt;/b&gt; question &amp; more", html)
        self.assertIn('value="Nora Innbygger"', html)
        self.assertIn('value="not-an-address"', html)
        self.assertFalse(self._web_inquiries())

        response = self._submit(description="   ", name="")
        self.assertIn("Describe your inquiry.", response.text)
        self.assertIn("Enter your name.", response.text)
        self.assertFalse(self._web_inquiries())

    def test_oversized_attachment_is_refused(self):
        self.env["ir.config_parameter"].set_param(
            "citizen_crm.web_max_attachment_mb", "0.001"
        )
        self.authenticate(None, None)
        response = self._submit(
            files=[
                (
                    "attachments",
                    ("scan.pdf", PDF_BYTES + b"%" * 2000, "application/pdf"),
                )
            ]
        )
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn("The file scan.pdf is larger than 0.001 MB.", html)
        self.assertIn("choose the files again", html)
        self.assertIn("start in kindergarten in August?", html)
        self.assertIn('value="nora@example.com"', html)
        self.assertFalse(self._web_inquiries())

    def test_disallowed_attachment_type_is_refused(self):
        self.authenticate(None, None)
        for name, content in (
            # The name and the browser's type say PDF; the content does not.
            ("invoice.pdf", b"MZ\x90\x00\x03" + bytes(300)),
            ("page.html", b"<html><script>alert(1)</script></html>"),
        ):
            response = self._submit(
                files=[("attachments", (name, content, "application/pdf"))]
            )
            self.assertEqual(response.status_code, 200)
            self.assertIn(f"The file {name} is not of an accepted type", response.text)
            self.assertIn(".pdf", response.text)
            self.assertIn("start in kindergarten in August?", response.text)
        self.assertFalse(self._web_inquiries())

    def test_too_many_attachments_are_refused(self):
        self.env["ir.config_parameter"].set_param(
            "citizen_crm.web_max_attachments", "1"
        )
        self.authenticate(None, None)
        response = self._submit(
            files=[
                ("attachments", ("a.pdf", PDF_BYTES, "application/pdf")),
                ("attachments", ("b.pdf", PDF_BYTES, "application/pdf")),
            ]
        )
        self.assertIn("Send at most 1 files.", response.text)
        self.assertFalse(self._web_inquiries())

    def test_registration_failure_keeps_the_typed_text(self):
        """A municipality without any queue cannot take inquiries: the visitor
        gets a clear message and the form back, not an error page."""
        self.authenticate(None, None)
        url = f"/citizen/inquiry?company_id={self.other_company.id}"
        csrf = self._csrf_token_from(self._open_form(url).text)
        data = self._form_data(
            service_id="",
            company_id=str(self.other_company.id),
            csrf_token=csrf,
        )
        with self.assertLogs(FORM_LOGGER, level="ERROR"):
            response = self.url_open("/citizen/inquiry", data=data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("because of a technical problem", response.text)
        self.assertIn("start in kindergarten in August?", response.text)
        self.assertNotIn("Traceback", response.text)
        self.assertFalse(self._web_inquiries())

    @mute_logger("odoo.http")
    def test_missing_or_wrong_csrf_token_is_refused(self):
        self.authenticate(None, None)
        response = self._submit(csrf=False)
        self.assertEqual(response.status_code, 400)
        data = dict(self._form_data(), csrf_token="forged")
        response = self.url_open("/citizen/inquiry", data=data)
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("Traceback", response.text)
        self.assertFalse(self._web_inquiries())

    def test_honeypot_drops_the_submission(self):
        self.authenticate(None, None)
        with self.assertLogs(FORM_LOGGER, level="WARNING") as logs:
            response = self._submit(website_url="http://spam.example.com")
        self.assertIn("the hidden field was filled in", logs.output[0])
        # The robot sees the normal thanks page...
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith("/citizen/inquiry/thanks"))
        self.assertIn("we have received your inquiry", response.text)
        # ... but nothing was created.
        self.assertFalse(self._web_inquiries())
        self.assertNotIn("o_citizen_inquiry_number", response.text)

    def test_rate_limit_per_address(self):
        self.env["ir.config_parameter"].set_param("citizen_crm.web_rate_limit", "2")
        self.authenticate(None, None)
        for _index in range(2):
            self.assertEqual(self._submit().status_code, 200)
        self.assertEqual(len(self._web_inquiries()), 2)
        with self.assertLogs(FORM_LOGGER, level="WARNING") as logs:
            response = self._submit(description="My third question, please keep it")
        self.assertIn("too many submissions", logs.output[0])
        self.assertEqual(response.status_code, 429)
        self.assertIn("Too many inquiries from your connection", response.text)
        self.assertIn("10 minutes", response.text)
        self.assertIn("My third question, please keep it", response.text)
        self.assertEqual(len(self._web_inquiries()), 2)
        # Only a keyed hash of the address is stored.
        log = self.env["citizen.web.submission.log"].search([])
        self.assertEqual(len(log), 2)
        self.assertNotIn("127.0.0.1", log[0].address_hash)

        # Another address is not limited.
        Log = self.env["citizen.web.submission.log"]
        self.assertTrue(Log._citizen_is_rate_limited("127.0.0.1"))
        self.assertFalse(Log._citizen_is_rate_limited("10.0.0.7"))
        # A limit of 0 turns the check off.
        self.env["ir.config_parameter"].set_param("citizen_crm.web_rate_limit", "0")
        self.assertFalse(Log._citizen_is_rate_limited("127.0.0.1"))

    def test_submission_log_window_and_vacuum(self):
        Log = self.env["citizen.web.submission.log"]
        old = Log._citizen_log_submission("192.0.2.1")
        recent = Log._citizen_log_submission("192.0.2.1")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE citizen_web_submission_log SET create_date = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(days=2), old.id),
        )
        Log.invalidate_model(["create_date"])
        self.env["ir.config_parameter"].set_param("citizen_crm.web_rate_limit", "2")
        # The old row is outside the 10-minute window.
        self.assertFalse(Log._citizen_is_rate_limited("192.0.2.1"))
        Log._gc_submission_log()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())

    # ------------------------------------------------------------
    # Attacks (issue 23)
    # ------------------------------------------------------------

    @mute_logger("odoo.http")
    def test_attack_tracking_link_of_someone_elses_address(self):
        """Someone types Kari's e-mail address in the form and keeps the
        tracking link. The front desk links the inquiry to Kari: the answers
        are hers, the old link no longer opens them."""
        frontdesk = new_test_user(
            self.env,
            login="web_frontdesk",
            groups="base.group_user,citizen_crm.group_frontdesk",
            name="Frida Frontdesk",
        )
        self.authenticate(None, None)
        response = self._submit(
            name="Kari Nordkvinne",
            email=self.citizen2.email,
            description="Has my application for a double garage been decided?",
        )
        inquiry = self._web_inquiries()
        tracking_url = inquiry.get_base_url() + inquiry.get_portal_url()
        self.assertIn(tracking_url.replace("&", "&amp;"), response.text)
        token = inquiry.access_token
        page = self.url_open(tracking_url)
        self.assertEqual(page.status_code, 200)
        # The page says what it shows and when it stops working.
        self.assertIn("shows the status of your inquiry and the messages", page.text)
        self.assertIn("stops working when the municipality links", page.text)

        inquiry.with_user(frontdesk).partner_id = self.citizen2
        inquiry.with_user(self.caseworker).message_post(
            body="Your garage permit is granted, Kari.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

        page = self.url_open(tracking_url)
        self.assertEqual(page.status_code, 404)
        self.assertIn("This inquiry is not available", page.text)
        self.assertNotIn("double garage", page.text)
        self.assertNotIn("Traceback", page.text)
        with self.assertRaises(JsonRpcException):
            self._chatter_fetch(inquiry, token=token)
        with self.assertRaises(JsonRpcException):
            self._post_reply(inquiry, "Thanks, I will tell her", token=token)

        # Kari herself reads the answer in her portal.
        self.authenticate("portal2", "portal2")
        self.assertEqual(self.url_open(inquiry.access_url).status_code, 200)
        inquiry.invalidate_recordset(["access_token"])
        self.assertNotEqual(inquiry.access_token, token)
        bodies = self._message_bodies(
            self._chatter_fetch(inquiry, token=inquiry.access_token)
        )
        self.assertIn("Your garage permit is granted, Kari.", bodies)

    def test_attack_rate_limit_race(self):
        """Two submissions from one address at once, one slot left: the check
        holds the address until the transaction that logs the submission
        ends, so the other one waits and then counts it."""
        self.env["ir.config_parameter"].set_param("citizen_crm.web_rate_limit", "1")
        Log = self.env["citizen.web.submission.log"]
        address = "198.51.100.7"
        self.assertFalse(Log._citizen_is_rate_limited(address))
        keys = Log._citizen_lock_keys(Log._citizen_hash_address(address))
        # A concurrent request runs in its own transaction, on its own connection.
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as other:
            other.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", keys)
            self.assertFalse(
                other.fetchone()[0], "a concurrent submission would pass the check"
            )
            other.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                Log._citizen_lock_keys(Log._citizen_hash_address("198.51.100.8")),
            )
            self.assertTrue(other.fetchone()[0], "another address does not wait")
            other.rollback()
        Log._citizen_log_submission(address)
        self.assertTrue(Log._citizen_is_rate_limited(address))
