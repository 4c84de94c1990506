from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    def write(self, vals):
        result = super().write(vals)
        if {"group_ids", "active", "company_ids"} & set(vals):
            self._citizen_sync_confidential_followers()
        return result

    def _citizen_sync_confidential_followers(self):
        """A user who loses a group or a municipality stops following the
        confidential inquiries they may no longer read."""
        # sudo: which inquiries the users follow, to remove those they lost;
        # nothing is shown to the administrator editing the users.
        self.env["citizen.inquiry"].sudo().with_context(active_test=False).search(
            [
                ("is_confidential", "=", True),
                ("message_partner_ids", "in", self.partner_id.ids),
            ]
        )._citizen_sync_confidential_followers()

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
