from odoo import api, models


class CitizenRegistryCache(models.AbstractModel):
    """Clears the registry caches citizen_crm derives from configuration
    whenever a record of a model inheriting this is created, written or
    deleted: the work intervals of calendars (calendars, attendances,
    leaves) and the table of inquiry aliases (aliases, alias domains)."""

    _name = "citizen.registry.cache"
    _description = "Cached Configuration"

    # Fields whose change clears the caches; None: any field.
    _citizen_cached_fields = None

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        if (
            self._citizen_cached_fields is None
            or not self._citizen_cached_fields.isdisjoint(vals)
        ):
            self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
