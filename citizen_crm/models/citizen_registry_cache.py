from odoo import api, models


class CitizenRegistryCache(models.AbstractModel):
    """Clears the registry caches citizen_crm derives from configuration
    whenever a record of a model inheriting this is created, written or
    deleted: the work intervals of calendars (calendars, attendances,
    leaves), the table of inquiry aliases (aliases, alias domains) and the
    routing table (rules, and whether their queues are active)."""

    _name = "citizen.registry.cache"
    _description = "Cached Configuration"

    # Fields whose change clears the caches; None: any field.
    _citizen_cached_fields = None

    # The caches are cleared after the change, so that nothing computed
    # from the old values while it is made stays cached.

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        if (
            self._citizen_cached_fields is None
            or not self._citizen_cached_fields.isdisjoint(vals)
        ):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
