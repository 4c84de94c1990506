"""Query budget of booking an appointment (citizen_crm's
test_performance.py says how budgets are chosen)."""

from odoo.tests import tagged
from odoo.tests.common import warmup

from .common import CitizenCalendarCommon

# Finding the free times: the wizard, the calendar's work intervals (cached)
# and one search of the staff's busy events.
FIND_SLOTS = 30
# Booking one: measured 107, most of it Calendar's own create (attendees,
# the invitation rendered and sent, the alarms' cron triggers), then the
# busy check and a note on the inquiry.
BOOK = 110


@tagged("post_install", "-at_install")
class TestAppointmentPerformance(CitizenCalendarCommon):
    @warmup
    def test_find_and_book_query_budget(self):
        wizard = self._wizard()
        self.env.invalidate_all()
        with self.assertQueryCount(FIND_SLOTS):
            wizard.action_find_slots()
        slot = wizard.slot_ids[0]
        self.env.invalidate_all()
        with self.assertQueryCount(BOOK):
            slot.action_book()
