from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CitizenMailCommon

COUNTER_VIEW = "citizen_crm.citizen_inquiry_view_form_counter"


@tagged("post_install", "-at_install")
class TestCounterIntake(CitizenMailCommon):
    """The one-step counter form serves counter, phone and letter."""

    def _form(self, action_xmlid, user=None):
        action = self.env.ref(action_xmlid)
        context = safe_eval(action.context or "{}")
        Inquiry = self.env["citizen.inquiry"].with_user(user or self.user_frontdesk)
        return Form(Inquiry.with_context(**context), view=COUNTER_VIEW)

    def test_entry_points_preset_the_channel(self):
        for action, channel in (
            (
                "citizen_crm.citizen_inquiry_action_counter",
                "citizen_crm.channel_counter",
            ),
            ("citizen_crm.citizen_inquiry_action_phone", "citizen_crm.channel_phone"),
            ("citizen_crm.citizen_inquiry_action_letter", "citizen_crm.channel_letter"),
        ):
            with self.subTest(action=action):
                form = self._form(action)
                self.assertEqual(form.channel_id, self.env.ref(channel))
                form.partner_id = self.citizen
                form.name = "Åpningstider for bassenget"
                inquiry = form.save()
                self.assertEqual(inquiry.channel_id, self.env.ref(channel))
                self.assertEqual(inquiry.partner_id, self.citizen)
                self.assertFalse(inquiry.letter_attachment_ids)

    def test_letter_with_scanned_attachment(self):
        # what the many2many_binary widget does when a file is uploaded in the
        # form of a new inquiry
        scan = (
            self.env["ir.attachment"]
            .with_user(self.user_frontdesk)
            .create(
                {
                    "name": "brev-fra-innbygger.pdf",
                    "raw": b"%PDF-1.4 scanned letter",
                    "res_model": "citizen.inquiry",
                    "res_id": 0,
                }
            )
        )
        form = self._form("citizen_crm.citizen_inquiry_action_letter")
        form.partner_id = self.citizen
        form.queue_id = self.queue
        form.name = "Klage på brøyting"
        form.letter_attachment_ids.add(scan)
        inquiry = form.save()

        self.assertEqual(inquiry.channel_id, self.env.ref("citizen_crm.channel_letter"))
        self.assertEqual(inquiry.letter_attachment_ids, scan)
        self.assertEqual((scan.res_model, scan.res_id), ("citizen.inquiry", inquiry.id))
        logged = inquiry.message_ids.filtered("attachment_ids")
        self.assertEqual(logged.attachment_ids, scan)
        # the caseworker of the queue reads the letter with the inquiry
        as_caseworker = inquiry.with_user(self.user_caseworker)
        self.assertEqual(
            as_caseworker.letter_attachment_ids.raw, b"%PDF-1.4 scanned letter"
        )

    def test_foreign_attachment_cannot_be_linked(self):
        other = (
            self.env["ir.attachment"]
            .with_user(self.user_supervisor)
            .create(
                {
                    "name": "someone-elses.pdf",
                    "raw": b"%PDF-1.4",
                    "res_model": "citizen.inquiry",
                    "res_id": 0,
                }
            )
        )
        Inquiry = self.env["citizen.inquiry"].with_user(self.user_frontdesk)
        with self.assertRaises(AccessError):
            Inquiry.create(
                {
                    "name": "Brev",
                    "partner_id": self.citizen.id,
                    "letter_attachment_ids": [(4, other.id)],
                }
            )
        self.assertEqual(other.res_id, 0)
