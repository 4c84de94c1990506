"""Bench, not a test of the suite: bench/desk_flows/run copies this file into
the addon of each tree it measures and runs it with bin/test. It sets up a
servicetorg, a building office with its service and a citizen, runs the
front desk's counter visit and forwarded phone call as tours, and writes the
seconds each flow took to $DESK_FLOWS_OUT (the runner counts the actions)."""

import json
import os
import time

from odoo.tests import HttpCase, new_test_user, tagged

ROUNDS = int(os.environ.get("DESK_FLOWS_ROUNDS", "3"))
START = "/odoo/action-citizen_crm.citizen_inquiry_action"


@tagged("post_install", "-at_install")
class TestDeskFlows(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, mail_create_nolog=True))
        cls.frontdesk = new_test_user(
            env,
            "flow_frontdesk",
            groups="base.group_user,citizen_crm.group_frontdesk",
            name="Frida Skranke",
            password="flow_frontdesk",
            tz="Europe/Oslo",
        )
        caseworker = new_test_user(
            env,
            "flow_caseworker",
            groups="base.group_user,citizen_crm.group_caseworker",
            name="Bjørn Bygg",
        )
        front = env.ref("citizen_crm.citizen_queue_servicetorg")
        front.member_ids = cls.frontdesk
        building = env["citizen.queue"].create(
            {
                "name": "Byggesak",
                "code": "FLOWBYGG",
                "member_ids": [(6, 0, caseworker.ids)],
            }
        )
        env["citizen.service"].create(
            {"name": "Byggetillatelse", "queue_id": building.id}
        )
        env["res.partner"].create(
            {"name": "Kari Nordmann", "email": "kari@example.no", "is_citizen": True}
        )

    def _flow(self, flow):
        mode = os.environ.get("DESK_FLOWS_MODE", "after")
        tour = f"desk_flow_{flow}_{mode}"
        seconds = []
        for _round in range(ROUNDS):
            # each round registers one more inquiry of the citizen
            start = time.monotonic()
            self.start_tour(START, tour, login="flow_frontdesk")
            seconds.append(time.monotonic() - start)
        result = {"mode": mode, "flow": flow, "seconds": sorted(seconds)}
        with open(os.environ["DESK_FLOWS_OUT"], "a", encoding="utf-8") as out:
            out.write(json.dumps(result) + "\n")

    def test_counter_visit(self):
        self._flow("counter")

    def test_phone_call_forwarded(self):
        self._flow("forward")
