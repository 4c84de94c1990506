from odoo import models

# The models this file's classes inherit, defined before them whatever the
# order of models/__init__.py.
from . import (  # noqa: F401
    citizen_registry_cache,
)


class MailAlias(models.Model):
    """The inquiry aliases are cached for the mail gateway
    (``citizen.mail.dead.letter._citizen_alias_table``)."""

    _name = "mail.alias"
    _inherit = ["mail.alias", "citizen.registry.cache"]
    # not alias_status, which the gateway writes after an intake
    _citizen_cached_fields = frozenset(
        {
            "alias_name",
            "alias_model_id",
            "alias_defaults",
            "alias_domain_id",
            "alias_incoming_local",
        }
    )


class MailAliasDomain(models.Model):
    """An alias's full address depends on its domain's name."""

    _name = "mail.alias.domain"
    _inherit = ["mail.alias.domain", "citizen.registry.cache"]
    _citizen_cached_fields = frozenset({"name"})
