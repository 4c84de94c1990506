from freezegun import freeze_time

from odoo.tests import tagged

from .common import CitizenDeadlineCommon, oslo


@tagged("post_install", "-at_install")
class TestPublicHolidays(CitizenDeadlineCommon):
    def _holidays(self, year):
        leaves = self.env["resource.calendar.leaves"].search(
            [
                ("calendar_id", "=", self.calendar.id),
                ("resource_id", "=", False),
                ("date_from", ">=", oslo(year, 1, 1)),
                ("date_from", "<", oslo(year + 1, 1, 1)),
            ]
        )
        return {oslo_date(leave.date_from) for leave in leaves}

    def test_norwegian_holidays_fill_the_calendar(self):
        days = self._holidays(2026)
        expected = {
            "2026-01-01",  # New Year
            "2026-04-02",  # Maundy Thursday
            "2026-04-03",  # Good Friday
            "2026-04-05",  # Easter Sunday
            "2026-04-06",  # Easter Monday
            "2026-05-01",  # 1 May
            "2026-05-14",  # Ascension Day
            "2026-05-17",  # Constitution Day
            "2026-05-24",  # Whit Sunday
            "2026-05-25",  # Whit Monday
            "2026-12-25",  # Christmas Day
            "2026-12-26",  # Boxing Day
        }
        self.assertEqual(days, expected)
        # Easter moves: 2027's Easter Monday is 29 March, its Whit Monday 17 May.
        self.assertIn("2027-03-29", self._holidays(2027))
        self.assertIn("2027-05-17", self._holidays(2027))
        self.assertIn("2025-04-21", self._holidays(2025))

    def test_generation_is_idempotent(self):
        Leave = self.env["resource.calendar.leaves"]
        count = Leave.search_count([("calendar_id", "=", self.calendar.id)])
        created = self.company._citizen_generate_public_holidays([2026, 2027])
        self.assertFalse(created)
        self.assertEqual(
            Leave.search_count([("calendar_id", "=", self.calendar.id)]), count
        )

    def test_hand_entered_holiday_is_not_duplicated(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "17. mai (by hand)",
                "calendar_id": self.calendar.id,
                "date_from": oslo(2028, 5, 17, 0, 0),
                "date_to": oslo(2028, 5, 17, 23, 59),
            }
        )
        created = self.company._citizen_generate_public_holidays([2028])
        days = {
            oslo_date(leave.date_from)
            for leave in created.filtered(
                lambda leave: leave.calendar_id == self.calendar
            )
        }
        self.assertNotIn("2028-05-17", days)
        self.assertIn("2028-04-17", days)  # Easter Monday 2028

    def test_cron_fills_current_and_next_year(self):
        with freeze_time("2029-01-10 10:00:00"):
            self.env["res.company"]._cron_citizen_generate_public_holidays()
        self.assertIn("2029-05-17", self._holidays(2029))
        self.assertIn("2030-04-22", self._holidays(2030))  # Easter Monday 2030


def oslo_date(moment):
    from pytz import timezone, utc

    return str(utc.localize(moment).astimezone(timezone("Europe/Oslo")).date())


@tagged("post_install", "-at_install")
class TestSlaDeadlines(CitizenDeadlineCommon):
    def _permit(self, received, **vals):
        return self._inquiry(
            service_id=self.service_permit.id, date_received=received, **vals
        )

    def test_service_targets_win_over_queue_targets(self):
        # Monday 2 March 2026, 08:00: 4 h first response, 16 h resolution.
        inquiry = self._permit(oslo(2026, 3, 2, 8, 0))
        self.assertEqual(inquiry.date_sla_first_response, oslo(2026, 3, 2, 12, 0))
        self.assertEqual(inquiry.date_deadline, oslo(2026, 3, 3, 16, 0))
        # Without a service target, the queue's (8 h / 40 h) applies.
        other = self._inquiry(
            service_id=self.service_other.id,
            queue_id=self.building.id,
            date_received=oslo(2026, 3, 2, 8, 0),
        )
        self.assertEqual(other.date_sla_first_response, oslo(2026, 3, 2, 16, 0))
        self.assertEqual(other.date_deadline, oslo(2026, 3, 6, 16, 0))

    def test_no_target_no_deadline(self):
        inquiry = self._inquiry(
            service_id=self.service_other.id, date_received=oslo(2026, 3, 2, 8)
        )
        self.assertFalse(inquiry.date_deadline)
        self.assertFalse(inquiry.date_sla_first_response)
        self.assertFalse(inquiry.sla_status)

    def test_received_outside_working_hours(self):
        # Saturday evening: the clock starts on Monday at 08:00.
        inquiry = self._permit(oslo(2026, 3, 7, 19, 30))
        self.assertEqual(inquiry.date_sla_first_response, oslo(2026, 3, 9, 12, 0))

    def test_weekend(self):
        # Friday 15:00 + 4 h: one hour on Friday, three on Monday.
        inquiry = self._permit(oslo(2026, 3, 6, 15, 0))
        self.assertEqual(inquiry.date_sla_first_response, oslo(2026, 3, 9, 11, 0))
        # 16 h: 1 on Friday, 8 on Monday, 7 on Tuesday.
        self.assertEqual(inquiry.date_deadline, oslo(2026, 3, 10, 15, 0))

    def test_easter(self):
        # Wednesday before Easter 2026, 14:00 (summer time): 2 h that day, then
        # Maundy Thursday, Good Friday, the weekend and Easter Monday are off.
        inquiry = self._permit(oslo(2026, 4, 1, 14, 0))
        self.assertEqual(inquiry.date_sla_first_response, oslo(2026, 4, 7, 10, 0))
        self.assertEqual(inquiry.date_deadline, oslo(2026, 4, 8, 14, 0))

    def test_ascension_and_whit_monday(self):
        inquiry = self._permit(oslo(2026, 5, 13, 12, 0))
        # Wednesday 12:00 + 16 h: 4 h, Ascension Day off, 8 h Friday, 4 h Monday.
        self.assertEqual(inquiry.date_deadline, oslo(2026, 5, 18, 12, 0))
        whitsun = self._permit(oslo(2026, 5, 22, 12, 0))
        # Friday 12:00 + 4 h ends on Friday; + 16 h skips Whit Monday.
        self.assertEqual(whitsun.date_sla_first_response, oslo(2026, 5, 22, 16, 0))
        self.assertEqual(whitsun.date_deadline, oslo(2026, 5, 27, 12, 0))

    def test_constitution_day(self):
        # 17 May 2027 is a Monday (and Whit Monday).
        inquiry = self._permit(oslo(2027, 5, 14, 12, 0))
        self.assertEqual(inquiry.date_sla_first_response, oslo(2027, 5, 14, 16, 0))
        self.assertEqual(inquiry.date_deadline, oslo(2027, 5, 19, 12, 0))

    def test_christmas(self):
        # Wednesday 23 December 2026 12:00: Christmas Eve is a working day in
        # law, Christmas Day and Boxing Day are not.
        inquiry = self._permit(oslo(2026, 12, 23, 12, 0))
        self.assertEqual(inquiry.date_deadline, oslo(2026, 12, 28, 12, 0))

    def test_new_holiday_moves_the_next_deadline(self):
        # The calendar's work intervals are cached between inquiries; a leave
        # entered afterwards must count for the next one.
        first = self._permit(oslo(2026, 3, 2, 8, 0))
        self.assertEqual(first.date_deadline, oslo(2026, 3, 3, 16, 0))
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Kommunens kursdag",
                "calendar_id": self.calendar.id,
                "date_from": oslo(2026, 3, 3, 0, 0),
                "date_to": oslo(2026, 3, 3, 23, 59),
            }
        )
        second = self._permit(oslo(2026, 3, 2, 8, 0))
        self.assertEqual(second.date_deadline, oslo(2026, 3, 4, 16, 0))
        # and a changed attendance as well: no more Wednesdays
        self.calendar.attendance_ids.filtered(
            lambda attendance: attendance.dayofweek == "2"
        ).unlink()
        third = self._permit(oslo(2026, 3, 2, 8, 0))
        self.assertEqual(third.date_deadline, oslo(2026, 3, 5, 16, 0))

    def test_forwarding_applies_the_new_queue_targets(self):
        inquiry = self._inquiry(
            service_id=self.service_other.id, date_received=oslo(2026, 3, 2, 8, 0)
        )
        self.assertFalse(inquiry.date_deadline)
        inquiry._citizen_forward(self.building)
        self.assertEqual(inquiry.date_deadline, oslo(2026, 3, 6, 16, 0))


@tagged("post_install", "-at_install")
class TestSlaStatus(CitizenDeadlineCommon):
    def _permit(self, received, **vals):
        return self._inquiry(
            service_id=self.service_permit.id,
            queue_id=self.building.id,
            date_received=received,
            **vals,
        )

    def test_pause_while_waiting_on_the_citizen(self):
        received = oslo(2026, 3, 2, 8, 0)  # Monday
        with freeze_time(received):
            inquiry = self._permit(received, date_first_response=received)
        self.assertEqual(inquiry.date_deadline, oslo(2026, 3, 3, 16, 0))
        with freeze_time(oslo(2026, 3, 2, 12, 0)):
            inquiry.stage_id = self.stage_waiting
            self.assertEqual(inquiry.date_sla_paused, oslo(2026, 3, 2, 12, 0))
        # The original deadline passes while waiting: no breach.
        with freeze_time(oslo(2026, 3, 4, 10, 0)):
            self.env["citizen.inquiry"]._cron_sla()
            self.assertEqual(inquiry.sla_status, "on_track")
        # Back on Wednesday 12:00: 4 + 8 + 4 working hours were paused.
        with freeze_time(oslo(2026, 3, 4, 12, 0)):
            inquiry.stage_id = self.stage_in_progress
            self.assertFalse(inquiry.date_sla_paused)
            self.assertEqual(inquiry.sla_paused_hours, 16)
            self.assertEqual(inquiry.date_deadline, oslo(2026, 3, 5, 16, 0))
            self.assertEqual(inquiry.sla_status, "on_track")
        # A second pause overnight adds only the working time it covered.
        with freeze_time(oslo(2026, 3, 4, 15, 0)):
            inquiry.stage_id = self.stage_waiting
        with freeze_time(oslo(2026, 3, 5, 9, 0)):
            inquiry.stage_id = self.stage_in_progress
        self.assertEqual(inquiry.sla_paused_hours, 18)
        self.assertEqual(inquiry.date_deadline, oslo(2026, 3, 6, 10, 0))

    def test_first_response_deadline_does_not_move_once_answered(self):
        received = oslo(2026, 3, 2, 8, 0)
        with freeze_time(oslo(2026, 3, 2, 13, 0)):
            inquiry = self._permit(received, date_first_response=oslo(2026, 3, 2, 13))
            inquiry.stage_id = self.stage_waiting
        with freeze_time(oslo(2026, 3, 3, 13, 0)):
            inquiry.stage_id = self.stage_in_progress
        # Answered an hour late: a pause afterwards does not excuse it.
        self.assertEqual(inquiry.date_sla_first_response, oslo(2026, 3, 2, 12, 0))
        self.assertEqual(inquiry.sla_status, "breached")

    def test_status_at_risk_breached_and_escalated_once(self):
        received = oslo(2026, 3, 2, 8, 0)
        with freeze_time(received):
            inquiry = self._permit(received)
            self.assertEqual(inquiry.sla_status, "on_track")
        # 25 % of the 4 h first response target left from 11:00.
        with freeze_time(oslo(2026, 3, 2, 11, 30)):
            self.env["citizen.inquiry"]._cron_sla()
            self.assertEqual(inquiry.sla_status, "at_risk")
            self.assertFalse(inquiry.activity_ids)
        with freeze_time(oslo(2026, 3, 2, 12, 30)):
            self.env["citizen.inquiry"]._cron_sla()
            self.assertEqual(inquiry.sla_status, "breached")
            self.assertEqual(inquiry.date_sla_escalated, oslo(2026, 3, 2, 12, 30))
        activity = inquiry.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.supervisor)
        self.assertIn("first response", activity.summary)
        # Later runs do not escalate the same breach again.
        with freeze_time(oslo(2026, 3, 2, 13, 30)):
            self.env["citizen.inquiry"]._cron_sla()
        with freeze_time(oslo(2026, 3, 4, 9, 0)):
            self.env["citizen.inquiry"]._cron_sla()
        self.assertEqual(len(inquiry.activity_ids), 1)
        self.assertEqual(
            len(
                inquiry.message_ids.filtered(lambda m: "SLA breached" in (m.body or ""))
            ),
            1,
        )

    def test_a_new_breach_after_a_longer_target_is_escalated_again(self):
        slow = self.env["citizen.queue"].create(
            {
                "name": "Slow department",
                "code": "TSLOW",
                "company_id": self.company.id,
                "supervisor_id": self.supervisor.id,
                "sla_resolution_hours": 200,
            }
        )
        received = oslo(2026, 3, 2, 8, 0)
        with freeze_time(received):
            inquiry = self._inquiry(
                service_id=self.service_other.id,
                queue_id=self.building.id,
                date_received=received,
                date_first_response=received,
            )
        self.assertEqual(inquiry.date_deadline, oslo(2026, 3, 6, 16, 0))
        with freeze_time(oslo(2026, 3, 9, 9, 0)):
            self.env["citizen.inquiry"]._cron_sla()
            self.assertEqual(inquiry.sla_status, "breached")
            self.assertTrue(inquiry.date_sla_escalated)
            # The department that takes it over has a longer target.
            inquiry._citizen_forward(slow)
            self.assertEqual(inquiry.sla_status, "on_track")
            self.env["citizen.inquiry"]._cron_sla()
            self.assertFalse(inquiry.date_sla_escalated)
        # 200 working hours end on 8 April, Easter 2026 not counted.
        self.assertEqual(inquiry.date_deadline, oslo(2026, 4, 8, 16, 0))
        with freeze_time(oslo(2026, 4, 9, 9, 0)):
            self.env["citizen.inquiry"]._cron_sla()
            self.assertEqual(inquiry.sla_status, "breached")
        self.assertEqual(len(inquiry.activity_ids), 2)

    def test_closed_in_time_keeps_its_status(self):
        received = oslo(2026, 3, 2, 8, 0)
        with freeze_time(oslo(2026, 3, 2, 10, 0)):
            inquiry = self._permit(received)
            inquiry._citizen_close("first_contact")
        self.assertEqual(inquiry.date_first_response, oslo(2026, 3, 2, 10, 0))
        with freeze_time(oslo(2026, 4, 1, 10, 0)):
            self.env["citizen.inquiry"]._cron_sla()
            self.assertEqual(inquiry.sla_status, "on_track")
            self.assertFalse(inquiry.is_overdue)

    def test_overdue_filter_and_queue_count_use_the_sla_deadline(self):
        received = oslo(2026, 3, 2, 8, 0)
        with freeze_time(received):
            inquiry = self._permit(received)
        with freeze_time(oslo(2026, 3, 3, 17, 0)):
            overdue = self.env["citizen.inquiry"].search([("is_overdue", "=", True)])
            self.assertIn(inquiry, overdue)
            self.building.invalidate_recordset(["overdue_count"])
            self.assertEqual(self.building.overdue_count, 1)
        with freeze_time(oslo(2026, 3, 3, 15, 0)):
            self.assertFalse(
                self.env["citizen.inquiry"].search_count(
                    [("is_overdue", "=", True), ("id", "=", inquiry.id)]
                )
            )

    def test_staff_message_is_the_first_response(self):
        received = oslo(2026, 3, 2, 8, 0)
        with freeze_time(received):
            inquiry = self._permit(received, partner_id=self.citizen.id)
        inquiry = inquiry.with_user(self.caseworkers[0])
        with freeze_time(oslo(2026, 3, 2, 9, 0)):
            inquiry.message_post(body="Internal note", subtype_xmlid="mail.mt_note")
            self.assertFalse(inquiry.date_first_response)
        with freeze_time(oslo(2026, 3, 2, 10, 0)):
            inquiry.message_post(
                body="Vi ser på saken.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.citizen.ids,
            )
            self.assertEqual(inquiry.date_first_response, oslo(2026, 3, 2, 10, 0))
            self.assertEqual(inquiry.sla_status, "on_track")
