"""The bridge's test base: a municipality's building department planning its
work in a project, with a member who does not work with inquiries."""

from odoo import Command
from odoo.addons.citizen_crm.tests.common import CitizenMunicipalitiesCommon


class CitizenProjectCommon(CitizenMunicipalitiesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.stage_todo, cls.stage_doing = env["project.task.type"].create(
            [{"name": "To Do", "sequence": 1}, {"name": "Doing", "sequence": 2}]
        )
        cls.project = env["project.project"].create(
            {
                "name": "Byggesak saksbehandling",
                "company_id": cls.company_a.id,
                "type_ids": [Command.set((cls.stage_todo | cls.stage_doing).ids)],
            }
        )
        cls.queue_building_a.project_id = cls.project
        # A member of the building department: works in the project, not with
        # inquiries.
        cls.user_department = cls._new_user(
            "tst_department",
            "base.group_user,project.group_project_user",
            company=cls.company_a,
            name="Per Prosjekt",
        )
