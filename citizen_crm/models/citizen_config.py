import logging
import math

from odoo import api, models
from odoo.tools import str2bool

_logger = logging.getLogger(__name__)

KIND_DESCRIPTIONS = {
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    str: "text",
    list: "a comma-separated list",
}

# (database, key, value) already warned about by this process: a broken
# setting read for every mail or web request is reported once, not each time.
_WARNED = set()


class CitizenConfig(models.AbstractModel):
    """The one reader of citizen_crm's system parameters (ir.config_parameter):
    every setting is converted, checked and clamped the same way, and a value
    that cannot be used falls back to its default with a warning in the log.
    Defaults stay in Python beside the code that uses them; the data files do
    not repeat them."""

    _name = "citizen.config"
    _description = "Citizen CRM System Parameters"

    @api.model
    def _citizen_param(
        self, key, default, kind=int, minimum=None, maximum=None, choices=None
    ):
        """The system parameter ``key`` as ``kind``: int, float, bool, str,
        or list (comma-separated, entries stripped, blank ones dropped).

        - unset or blank: ``default``, silently;
        - not of that kind (or not finite), or outside ``choices`` (for a
          list: any entry outside them): ``default``, with a warning;
        - below ``minimum`` or above ``maximum``: that bound, with a warning.

        The warning is logged once per database, key and value by each
        process. get_param is cached until a parameter changes: reading a
        setting for every mail or request costs no query."""
        # sudo: only administrators may read system parameters; the callers
        # pass citizen_crm's own keys, never one taken from a request.
        raw = self.env["ir.config_parameter"].sudo().get_param(key)
        text = str(raw).strip() if raw else ""
        if not text:
            return list(default) if kind is list else default
        try:
            value = self._citizen_param_convert(text, kind)
        except ValueError:
            return self._citizen_param_fallback(
                key, text, f"is not {KIND_DESCRIPTIONS[kind]}", default, kind
            )
        if kind is list and not value:
            return list(default)
        if choices is not None:
            values = value if kind is list else [value]
            if any(item not in choices for item in values):
                return self._citizen_param_fallback(
                    key, text, f"is not one of {', '.join(choices)}", default, kind
                )
        if minimum is not None and value < minimum:
            self._citizen_param_warn(key, text, f"is below {minimum}", minimum)
            return minimum
        if maximum is not None and value > maximum:
            self._citizen_param_warn(key, text, f"is above {maximum}", maximum)
            return maximum
        return value

    @api.model
    def _citizen_param_convert(self, text, kind):
        """``text`` as ``kind``; ValueError when it is not one."""
        if kind is int:
            return int(text)
        if kind is float:
            value = float(text)
            if not math.isfinite(value):
                raise ValueError(text)
            return value
        if kind is bool:
            return str2bool(text)
        if kind is str:
            return text
        if kind is list:
            return [item.strip() for item in text.split(",") if item.strip()]
        raise TypeError(f"Unknown kind of system parameter: {kind!r}")

    @api.model
    def _citizen_param_fallback(self, key, text, problem, default, kind):
        self._citizen_param_warn(key, text, problem, default)
        return list(default) if kind is list else default

    @api.model
    def _citizen_param_warn(self, key, text, problem, used):
        seen = (self.env.cr.dbname, key, text)
        if seen in _WARNED:
            return
        _WARNED.add(seen)
        _logger.warning(
            "System parameter %s=%r %s; using %r.", key, text, problem, used
        )
