import re

from odoo.tests import HttpCase, new_test_user

MAIL_CONTEXT = {
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
}

CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')

# A minimal but real PDF document (the type is read from the content).
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class CitizenPortalCase(HttpCase):
    """Two portal users, each the citizen of their own inquiries, plus the
    staff, services and messages the portal and the web form need."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **MAIL_CONTEXT))
        env = cls.env
        cls.company = env.company
        cls.queue = env.ref("citizen_crm.citizen_queue_servicetorg")
        cls.queue_building = env["citizen.queue"].create(
            {"name": "Building Permits", "code": "BYGG", "company_id": cls.company.id}
        )
        cls.caseworker = new_test_user(
            env,
            login="portal_caseworker",
            groups="base.group_user,citizen_crm.group_caseworker",
            name="Kari Saksbehandler",
        )
        cls.queue.member_ids = cls.caseworker
        cls.queue_building.member_ids = cls.caseworker

        theme_family = env["citizen.los.theme"].create({"name": "Family and children"})
        cls.theme_kindergarten = env["citizen.los.theme"].create(
            {"name": "Kindergarten", "parent_id": theme_family.id}
        )
        cls.theme_building = env["citizen.los.theme"].create(
            {"name": "Building and property"}
        )
        Service = env["citizen.service"]
        cls.service_kindergarten = Service.create(
            {
                "name": "Kindergarten place",
                "los_theme_id": cls.theme_kindergarten.id,
                "company_id": cls.company.id,
            }
        )
        cls.service_building = Service.create(
            {
                "name": "Building permit",
                "los_theme_id": cls.theme_building.id,
                "company_id": cls.company.id,
            }
        )
        cls.service_other = Service.create(
            {"name": "Lost property", "company_id": cls.company.id}
        )
        cls.other_company = env["res.company"].create({"name": "Nabokommune"})
        cls.service_other_company = Service.create(
            {"name": "Harbour berth", "company_id": cls.other_company.id}
        )

        cls.portal1 = new_test_user(
            env,
            login="portal1",
            password="portal1",
            groups="base.group_portal",
            name="Ola Nordmann",
            email="ola.nordmann@example.com",
        )
        cls.portal2 = new_test_user(
            env,
            login="portal2",
            password="portal2",
            groups="base.group_portal",
            name="Kari Nordkvinne",
            email="kari.nordkvinne@example.com",
        )
        cls.citizen1 = cls.portal1.partner_id
        cls.citizen2 = cls.portal2.partner_id
        (cls.citizen1 | cls.citizen2).is_citizen = True

        Inquiry = env["citizen.inquiry"]
        cls.inquiry1 = Inquiry.create(
            {
                "name": "Kindergarten place for Emma",
                "description": "<p>Ola asks about a place from August.</p>",
                "partner_id": cls.citizen1.id,
                "service_id": cls.service_kindergarten.id,
                "channel_id": env.ref("citizen_crm.channel_phone").id,
                "user_id": cls.caseworker.id,
            }
        )
        cls.inquiry1_confidential = Inquiry.create(
            {
                "name": "Concern about the children of Ola",
                "description": "<p>Confidential report text.</p>",
                "partner_id": cls.citizen1.id,
                "is_confidential": True,
                "user_id": cls.caseworker.id,
            }
        )
        cls.inquiry2 = Inquiry.create(
            {
                "name": "Garage for Kari",
                "description": "<p>Kari wants to build a double garage.</p>",
                "partner_id": cls.citizen2.id,
                "service_id": cls.service_building.id,
                "queue_id": cls.queue_building.id,
            }
        )
        cls.inquiry_anonymous = Inquiry.create(
            {
                "name": "Street light out",
                "description": "<p>The street light in Storgata is out.</p>",
                "partner_name": "Per Anonym",
                "partner_email": "per.anonym@example.com",
                "channel_id": env.ref("citizen_crm.channel_web").id,
            }
        )

        cls.inquiry1.message_subscribe(partner_ids=cls.caseworker.partner_id.ids)
        # One public answer and one internal note on each inquiry.
        for inquiry in cls.inquiry1 | cls.inquiry1_confidential | cls.inquiry2:
            staff_inquiry = inquiry.with_user(cls.caseworker)
            staff_inquiry.message_post(
                body=f"Public answer on {inquiry.number}",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            staff_inquiry.message_post(
                body=f"Internal note on {inquiry.number}: do not tell the citizen",
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _csrf_token_from(self, html):
        match = CSRF_RE.search(html)
        self.assertTrue(match, "the page holds no CSRF token")
        return match.group(1)

    def _chatter_fetch(self, inquiry, **params):
        return self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {"thread_model": "citizen.inquiry", "thread_id": inquiry.id, **params},
        )

    def _message_bodies(self, fetch_result):
        # Bodies come serialized as ["markup", "<p>...</p>"]: str() is enough to
        # search them.
        return " ".join(
            str(message["body"]) for message in fetch_result["data"]["mail.message"]
        )

    def _post_reply(self, inquiry, body, **params):
        return self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "citizen.inquiry",
                "thread_id": inquiry.id,
                # What the portal composer sends.
                "post_data": {
                    "body": body,
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
                **params,
            },
        )

    def _jsonrpc_refusal(self, route, params):
        """The message a user is shown when a JSON-RPC call is refused (the
        error's data), or None if the call went through."""
        response = self.opener.post(
            self.base_url() + route,
            json={"id": 0, "jsonrpc": "2.0", "method": "call", "params": params},
            timeout=12,
        )
        response.raise_for_status()
        error = response.json().get("error")
        return error and error["data"]["message"]

    def _upload_pending(self, inquiry, name, content, token, csrf):
        """Upload one file as the portal composer does, before posting: the
        JSON answer of /mail/attachment/upload."""
        response = self.url_open(
            "/mail/attachment/upload",
            data={
                "csrf_token": csrf,
                "thread_id": inquiry.id,
                "thread_model": "citizen.inquiry",
                "is_pending": "true",
                "token": token,
            },
            files={"ufile": (name, content, "application/pdf")},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def _uploaded_ids_and_tokens(self, results):
        """(attachment ids, ownership tokens) of upload answers, as the portal
        composer sends them with the message."""
        ids, tokens = [], []
        for result in results:
            attachment = result["data"]["store_data"]["ir.attachment"][0]
            ids.append(attachment["id"])
            tokens.append(attachment["ownership_token"])
        return ids, tokens
