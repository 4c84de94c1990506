from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _citizen_on_leave(self, moment=None):
        """The users of ``self`` on time off at ``moment`` (default: now).

        Time off is read from the resource calendar leaves of the users'
        resources, which is where the Time Off app puts validated leaves: no
        dependency on it is needed, and leaves entered on a resource count too.
        """
        moment = moment or fields.Datetime.now()
        # Leaves are HR data the registering user may not read; only whether
        # a colleague is away is used, nothing about the leave itself.
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("resource_id.user_id", "in", self.ids),
                    ("time_type", "=", "leave"),
                    ("date_from", "<=", moment),
                    ("date_to", ">=", moment),
                ]
            )
        )
        return leaves.resource_id.user_id & self
