from collections import Counter
from itertools import cycle, pairwise

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CitizenDeadlineCommon, oslo

# Batch sizes cycling through single registrations, small and big batches.
CHUNKS = (1, 1, 3, 7, 1, 25, 2, 60)


@tagged("post_install", "-at_install")
class TestAssignment(CitizenDeadlineCommon):
    def _create_many(self, queue, total, **vals):
        """``total`` inquiries in ``queue``, created in batches of varied sizes."""
        # The assignees' "you have been assigned" mails are Odoo's business,
        # and slow; fairness is what is tested here.
        Inquiry = self.env["citizen.inquiry"].with_context(
            mail_auto_subscribe_no_notify=True
        )
        inquiries = Inquiry
        sizes = cycle(CHUNKS)
        while len(inquiries) < total:
            size = min(next(sizes), total - len(inquiries))
            inquiries |= Inquiry.create(
                [
                    {
                        "name": f"Inquiry {len(inquiries) + index}",
                        "company_id": self.company.id,
                        "queue_id": queue.id,
                        **vals,
                    }
                    for index in range(size)
                ]
            )
        return inquiries

    def _open_loads(self, users):
        counts = dict(
            self.env["citizen.inquiry"]._read_group(
                [("user_id", "in", users.ids), ("is_closed", "=", False)],
                ["user_id"],
                ["__count"],
            )
        )
        return [counts.get(user, 0) for user in users]

    def test_manual_queue_assigns_nobody(self):
        inquiries = self._create_many(self.building, 5)
        self.assertFalse(inquiries.user_id)

    def test_round_robin_is_fair_over_a_thousand_inquiries(self):
        self.building.assignment_method = "round_robin"
        inquiries = self._create_many(self.building, 1000)
        per_user = Counter(inquiry.user_id.id for inquiry in inquiries)
        self.assertEqual(set(per_user), set(self.caseworkers.ids))
        self.assertLessEqual(max(per_user.values()) - min(per_user.values()), 1)
        # In turn: no one gets two in a row.
        users = inquiries.sorted("id").mapped(lambda i: i.user_id.id)
        self.assertTrue(all(a != b for a, b in pairwise(users)))
        note = inquiries[0].message_ids.filtered(lambda m: "Assigned to" in m.body)
        self.assertIn("Round-robin", str(note.body))

    def test_balanced_keeps_open_loads_within_one(self):
        self.building.assignment_method = "balanced"
        first, second, third = self.caseworkers
        # Existing work elsewhere in the municipality counts as load.
        self._create_many(self.health, 5, user_id=first.id)
        self._create_many(self.health, 2, user_id=third.id)
        created = self._create_many(self.building, 500)
        loads = self._open_loads(self.caseworkers)
        self.assertLessEqual(max(loads) - min(loads), 1, loads)
        self.assertEqual(sum(loads), 507)
        # The second caseworker clears a hundred; new work goes to them first.
        created.filtered(lambda i: i.user_id == second)[:100]._citizen_close(
            "first_contact"
        )
        self._create_many(self.building, 500)
        loads = self._open_loads(self.caseworkers)
        self.assertLessEqual(max(loads) - min(loads), 1, loads)
        self.assertEqual(sum(loads), 907)

    def test_unavailable_members_are_skipped(self):
        self.building.write(
            {
                "assignment_method": "round_robin",
                "unavailable_user_ids": [(6, 0, self.caseworkers[1].ids)],
            }
        )
        inquiries = self._create_many(self.building, 30)
        per_user = Counter(inquiry.user_id.id for inquiry in inquiries)
        self.assertNotIn(self.caseworkers[1].id, per_user)
        self.assertEqual(per_user[self.caseworkers[0].id], 15)
        self.assertEqual(per_user[self.caseworkers[2].id], 15)
        # Everybody away: inquiries wait in the queue.
        self.building.unavailable_user_ids = self.caseworkers
        self.assertFalse(self._create_many(self.building, 3).user_id)

    def test_members_on_time_off_are_skipped(self):
        self.building.assignment_method = "balanced"
        away = self.caseworkers[2]
        resource = self.env["resource.resource"].create(
            {
                "name": away.name,
                "user_id": away.id,
                "calendar_id": self.calendar.id,
                "company_id": self.company.id,
            }
        )
        # What the Time Off app writes when it validates a leave.
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Ferie",
                "resource_id": resource.id,
                "calendar_id": self.calendar.id,
                "date_from": oslo(2026, 7, 6, 0, 0),
                "date_to": oslo(2026, 7, 24, 23, 59),
                "time_type": "leave",
            }
        )
        with freeze_time(oslo(2026, 7, 10, 10, 0)):
            during = self._create_many(self.building, 20)
        self.assertNotIn(away, during.user_id)
        with freeze_time(oslo(2026, 7, 27, 10, 0)):
            after = self._create_many(self.building, 30)
        # Back from leave with no open work: the next ones are theirs.
        self.assertIn(away, after.user_id)
        loads = self._open_loads(self.caseworkers)
        self.assertLessEqual(max(loads) - min(loads), 1, loads)

    def test_explicit_assignee_and_direct_answers_are_kept(self):
        self.servicetorg.write(
            {
                "assignment_method": "round_robin",
                "member_ids": [(4, self.supervisor.id)],
            }
        )
        chosen = self._inquiry(user_id=self.frontdesk.id)
        self.assertEqual(chosen.user_id, self.frontdesk)
        answered = self._inquiry(answered_directly=True)
        self.assertTrue(answered.is_closed)
        self.assertFalse(answered.user_id)
        waiting = self._inquiry()
        self.assertTrue(waiting.user_id)

    def test_automatic_assignment_follows_without_a_separate_mail(self):
        """As crm's lead assignment: the assignee follows the inquiry and the
        chatter says who got it; only a hand-picked assignee is mailed."""
        self.building.assignment_method = "round_robin"
        Message = self.env["mail.message"]
        before = Message.search([], order="id desc", limit=1).id
        inquiry = self._inquiry(queue_id=self.building.id)
        self.assertIn(inquiry.user_id, self.caseworkers)
        self.assertIn(inquiry.user_id.partner_id, inquiry.message_partner_ids)
        new_messages = Message.search([("id", ">", before)])
        self.assertFalse(
            new_messages.filtered(
                lambda m: inquiry.user_id.partner_id in m.partner_ids
            ),
            "no 'assigned to you' notification for an automatic assignment",
        )
        self.assertIn(
            inquiry.user_id.name,
            "".join(
                new_messages.filtered(lambda m: m.res_id == inquiry.id).mapped("body")
            ),
        )
        picked = self.caseworkers[0]
        chosen = self._inquiry(queue_id=self.building.id, user_id=picked.id)
        self.assertTrue(
            Message.search(
                [
                    ("model", "=", "citizen.inquiry"),
                    ("res_id", "=", chosen.id),
                    ("partner_ids", "in", picked.partner_id.ids),
                ]
            ),
            "a hand-picked assignee is notified",
        )

    def test_forwarding_to_a_queue_that_assigns(self):
        self.building.assignment_method = "round_robin"
        inquiry = self._inquiry()
        self.assertEqual(inquiry.queue_id, self.servicetorg)
        self.assertFalse(inquiry.user_id)
        inquiry.with_user(self.frontdesk)._citizen_forward(self.building)
        self.assertIn(inquiry.user_id, self.caseworkers)
        chosen = self._inquiry()
        chosen._citizen_forward(self.building, user=self.caseworkers[1])
        self.assertEqual(chosen.user_id, self.caseworkers[1])
