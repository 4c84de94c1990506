from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import CitizenDeadlineCommon, oslo


@tagged("post_install", "-at_install")
class TestLegalDeadlines(CitizenDeadlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.caseworker = cls.caseworkers[0]
        cls.citizen.lang = "nn_NO"

    def _typed(self, inquiry_type, received, **vals):
        return self._inquiry(
            inquiry_type=inquiry_type,
            queue_id=self.building.id,
            date_received=received,
            **vals,
        )

    # ------------------------------------------------------------
    # Computing the deadlines
    # ------------------------------------------------------------

    def test_general_one_calendar_month_then_next_working_day(self):
        cases = [
            # 31 January + 1 month is 28 February, a Saturday: Monday 2 March.
            (oslo(2026, 1, 31, 10), date(2026, 3, 2)),
            # 5 April 2026 is Easter Sunday, the 6th Easter Monday.
            (oslo(2026, 3, 5, 10), date(2026, 4, 7)),
            # 17 May 2026 is a Sunday.
            (oslo(2026, 4, 17, 10), date(2026, 5, 18)),
            # 17 May 2027 is a Monday, and Whit Monday too.
            (oslo(2027, 4, 17, 10), date(2027, 5, 18)),
            # Christmas Day, Boxing Day, then the weekend.
            (oslo(2026, 11, 25, 10), date(2026, 12, 28)),
            # An ordinary working day stays as it is.
            (oslo(2026, 9, 14, 10), date(2026, 10, 14)),
        ]
        for received, expected in cases:
            with self.subTest(received=received):
                inquiry = self._typed("general", received)
                self.assertEqual(inquiry.legal_deadline, expected)

    def test_local_date_counts_not_utc(self):
        # 00:30 in Oslo on 2 March is still 1 March in UTC.
        inquiry = self._typed("general", oslo(2026, 3, 2, 0, 30))
        self.assertEqual(inquiry.legal_deadline, date(2026, 4, 7))

    def test_access_request_five_working_days(self):
        cases = [
            # Wednesday before Easter: the 2nd, 3rd and 6th of April are off.
            (oslo(2026, 4, 1, 10), date(2026, 4, 13)),
            # Received on a Saturday; Ascension Day (14 May) is off.
            (oslo(2026, 5, 9, 10), date(2026, 5, 18)),
            # Constitution Day 2027 falls on a Monday.
            (oslo(2027, 5, 12, 10), date(2027, 5, 20)),
            # Christmas 2026.
            (oslo(2026, 12, 22, 10), date(2026, 12, 30)),
        ]
        for received, expected in cases:
            with self.subTest(received=received):
                inquiry = self._typed("access_request", received)
                self.assertEqual(inquiry.legal_deadline, expected)

    def test_changing_the_type_recomputes_the_deadline(self):
        inquiry = self._typed("general", oslo(2026, 4, 1, 10))
        self.assertEqual(inquiry.legal_deadline, date(2026, 5, 4))
        inquiry.inquiry_type = "access_request"
        self.assertEqual(inquiry.legal_deadline, date(2026, 4, 13))

    # ------------------------------------------------------------
    # Access requests count as refused
    # ------------------------------------------------------------

    def test_access_request_counts_as_refused_after_five_working_days(self):
        with freeze_time(oslo(2026, 4, 1, 10)):
            late = self._typed("access_request", oslo(2026, 4, 1, 10))
            in_time = self._typed("access_request", oslo(2026, 4, 1, 10))
        with freeze_time(oslo(2026, 4, 13, 15)):
            self.env["citizen.inquiry"]._cron_legal_deadlines()
            self.assertEqual(late.legal_deadline_state, "pending")
            in_time._citizen_close("first_contact")
            self.assertEqual(in_time.legal_deadline_state, "met")
        with freeze_time(oslo(2026, 4, 14, 8)):
            self.env["citizen.inquiry"]._cron_legal_deadlines()
            self.assertEqual(late.legal_deadline_state, "refused")
            refused = self.env["citizen.inquiry"].search(
                [("legal_deadline_state", "=", "refused")]
            )
            self.assertEqual(refused, late)
            # Answering afterwards does not undo the refusal.
            late._citizen_close("first_contact")
            self.assertEqual(late.legal_deadline_state, "refused")

    def test_general_inquiry_overdue_without_preliminary_answer(self):
        with freeze_time(oslo(2026, 3, 2, 10)):
            inquiry = self._typed("general", oslo(2026, 3, 2, 10))
        with freeze_time(oslo(2026, 4, 8, 9)):
            self.env["citizen.inquiry"]._cron_legal_deadlines()
            self.assertEqual(inquiry.legal_deadline_state, "overdue")
            overdue = self.env["citizen.inquiry"].search(
                [("legal_deadline_state", "in", ["overdue", "refused"])]
            )
            self.assertIn(inquiry, overdue)

    # ------------------------------------------------------------
    # Preliminary answer (forvaltningsloven § 11a)
    # ------------------------------------------------------------

    def _send_preliminary_answer(self, inquiry, language=None, **values):
        wizard_form = Form(
            self.env["citizen.inquiry.preliminary.answer"]
            .with_user(self.caseworker)
            .with_context(active_model="citizen.inquiry", active_ids=inquiry.ids)
        )
        if language:
            wizard_form.language = language
        wizard_form.reason = values.get("reason", "Vi ventar på fråsegn frå NVE.")
        wizard_form.date_expected = values.get("date_expected", date(2026, 5, 15))
        wizard = wizard_form.save()
        wizard.action_send()
        return wizard

    def test_preliminary_answer_in_the_citizens_language(self):
        with freeze_time(oslo(2026, 3, 2, 10)):
            inquiry = self._typed(
                "general", oslo(2026, 3, 2, 10), partner_id=self.citizen.id
            )
        with freeze_time(oslo(2026, 3, 30, 10)):
            wizard = self._send_preliminary_answer(inquiry)
        self.assertEqual(wizard.language, "nn")
        self.assertEqual(inquiry.date_preliminary_answer, oslo(2026, 3, 30, 10))
        self.assertEqual(inquiry.preliminary_answer_date_expected, date(2026, 5, 15))
        self.assertEqual(inquiry.legal_deadline_state, "met")
        message = inquiry.message_ids.filtered(
            lambda m: m.subject and "Førebels svar" in m.subject
        )
        self.assertEqual(len(message), 1)
        self.assertIn(inquiry.number, message.subject)
        self.assertIn("fråsegn frå NVE", str(message.body))
        self.assertIn("15.05.2026", str(message.body))
        self.assertIn(self.citizen, message.partner_ids)
        self.assertEqual(message.author_id, self.caseworker.partner_id)
        # The citizen gets it by e-mail, and it answers them for the SLA clock.
        self.assertTrue(
            self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        )
        self.assertEqual(inquiry.date_first_response, oslo(2026, 3, 30, 10))

    def test_preliminary_answer_templates_in_nb_and_en(self):
        subjects = {"nb": "Foreløpig svar", "en": "Preliminary answer"}
        for language, subject in subjects.items():
            with self.subTest(language=language), freeze_time(oslo(2026, 3, 30, 10)):
                inquiry = self._typed(
                    "general", oslo(2026, 3, 2, 10), partner_id=self.citizen.id
                )
                self._send_preliminary_answer(
                    inquiry, language=language, reason="Waiting for NVE."
                )
                message = inquiry.message_ids.filtered(
                    lambda m, s=subject: m.subject and s in m.subject
                )
                self.assertEqual(len(message), 1)
                self.assertIn("Waiting for NVE.", str(message.body))

    def test_preliminary_answer_by_letter_when_reserved(self):
        self.citizen.krr_reserved = True
        with freeze_time(oslo(2026, 3, 30, 10)):
            inquiry = self._typed(
                "general", oslo(2026, 3, 2, 10), partner_id=self.citizen.id
            )
            wizard = self._send_preliminary_answer(inquiry)
        self.assertTrue(wizard.by_letter)
        self.assertTrue(inquiry.date_preliminary_answer)
        note = inquiry.message_ids.filtered(
            lambda m: m.subject == "Preliminary answer to be sent by letter"
        )
        self.assertIn("fråsegn frå NVE", str(note.body))
        self.assertFalse(note.partner_ids)
        self.assertFalse(
            self.env["mail.mail"].search([("mail_message_id", "=", note.id)])
        )

    def test_preliminary_answer_rejects_a_past_date(self):
        inquiry = self._typed(
            "general", oslo(2026, 3, 2, 10), partner_id=self.citizen.id
        )
        with freeze_time(oslo(2026, 3, 30, 10)), self.assertRaises(UserError):
            self._send_preliminary_answer(inquiry, date_expected=date(2026, 3, 1))
        self.assertFalse(inquiry.date_preliminary_answer)

    def test_reminder_before_the_preliminary_answer_is_due(self):
        with freeze_time(oslo(2026, 3, 2, 10)):
            inquiry = self._typed(
                "general", oslo(2026, 3, 2, 10), user_id=self.caseworker.id
            )
            answered = self._typed(
                "general",
                oslo(2026, 3, 2, 10),
                user_id=self.caseworker.id,
                partner_id=self.citizen.id,
            )
        # Due Tuesday 7 April (Easter); five working days before is 26 March.
        self.assertEqual(inquiry.legal_deadline, date(2026, 4, 7))
        with freeze_time(oslo(2026, 3, 20, 10)):
            self._send_preliminary_answer(answered)
        with freeze_time(oslo(2026, 3, 25, 12)):
            self.env["citizen.inquiry"]._cron_legal_deadlines()
            self.assertFalse(inquiry.activity_ids)
        with freeze_time(oslo(2026, 3, 26, 7)):
            self.env["citizen.inquiry"]._cron_legal_deadlines()
            self.env["citizen.inquiry"]._cron_legal_deadlines()
        activity = inquiry.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.caseworker)
        self.assertEqual(activity.date_deadline, date(2026, 4, 7))
        self.assertEqual(activity.summary, "Preliminary answer due")
        self.assertFalse(answered.activity_ids)

    # ------------------------------------------------------------
    # GDPR: one month, extendable by two with a notice
    # ------------------------------------------------------------

    def _extend(self, inquiry, reason="Many requests at once.", **values):
        wizard_form = Form(
            self.env["citizen.inquiry.gdpr.extension"]
            .with_user(self.caseworker)
            .with_context(active_model="citizen.inquiry", active_ids=inquiry.ids)
        )
        wizard_form.reason = reason
        for name, value in values.items():
            setattr(wizard_form, name, value)
        wizard_form.save().action_confirm()

    def test_gdpr_one_month_then_extension_by_two(self):
        with freeze_time(oslo(2026, 4, 15, 10)):
            inquiry = self._typed(
                "gdpr_request", oslo(2026, 4, 15, 10), partner_id=self.citizen.id
            )
        self.assertEqual(inquiry.legal_deadline, date(2026, 5, 15))
        with freeze_time(oslo(2026, 5, 4, 10)):
            self._extend(inquiry)
        self.assertEqual(inquiry.gdpr_extension_date, date(2026, 5, 4))
        self.assertEqual(inquiry.gdpr_extension_reason, "Many requests at once.")
        self.assertEqual(inquiry.legal_deadline, date(2026, 7, 15))
        notice = inquiry.message_ids.filtered(
            lambda m: "extended by two months" in m.body
        )
        self.assertEqual(len(notice), 1)
        self.assertIn("Many requests at once.", str(notice.body))
        self.assertIn(self.citizen, notice.partner_ids)
        # Not overdue on the first deadline any more.
        with freeze_time(oslo(2026, 5, 20, 10)):
            self.env["citizen.inquiry"]._cron_legal_deadlines()
            self.assertEqual(inquiry.legal_deadline_state, "pending")
        with freeze_time(oslo(2026, 7, 16, 10)):
            self.env["citizen.inquiry"]._cron_legal_deadlines()
            self.assertEqual(inquiry.legal_deadline_state, "overdue")

    def test_gdpr_deadline_on_a_holiday_moves(self):
        inquiry = self._typed("gdpr_request", oslo(2026, 4, 17, 10))
        self.assertEqual(inquiry.legal_deadline, date(2026, 5, 18))

    def test_gdpr_extension_rules(self):
        with freeze_time(oslo(2026, 4, 15, 10)):
            inquiry = self._typed("gdpr_request", oslo(2026, 4, 15, 10))
        # Too late: the notice must come within the first month.
        with freeze_time(oslo(2026, 5, 18, 10)), self.assertRaises(UserError):
            self._extend(inquiry)
        self.assertFalse(inquiry.gdpr_extension_date)
        with freeze_time(oslo(2026, 5, 5, 10)):
            self._extend(inquiry, notify_citizen=False)
            # Only once.
            with self.assertRaises(UserError):
                self._extend(inquiry)
        notice = inquiry.message_ids.filtered(
            lambda m: "extended by two months" in m.body
        )
        self.assertEqual(len(notice), 1)
        self.assertFalse(notice.partner_ids)
        # Only for data-subject requests.
        general = self._typed("general", oslo(2026, 4, 15, 10))
        with self.assertRaises(UserError):
            general.action_open_gdpr_extension_wizard()

    def test_gdpr_reminder(self):
        with freeze_time(oslo(2026, 4, 15, 10)):
            inquiry = self._typed(
                "gdpr_request", oslo(2026, 4, 15, 10), user_id=self.caseworker.id
            )
        # Due Friday 15 May; five working days before, Ascension Day skipped.
        with freeze_time(oslo(2026, 5, 6, 12)):
            self.env["citizen.inquiry"]._cron_legal_deadlines()
            self.assertFalse(inquiry.activity_ids)
        with freeze_time(oslo(2026, 5, 7, 12)):
            self.env["citizen.inquiry"]._cron_legal_deadlines()
        self.assertEqual(inquiry.activity_ids.summary, "GDPR answer due")
