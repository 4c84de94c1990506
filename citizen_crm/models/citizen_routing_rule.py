import logging
import re
from collections import namedtuple

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import ormcache

# The models this file's classes inherit, defined before them whatever the
# order of models/__init__.py.
from . import (  # noqa: F401
    citizen_registry_cache,
)
from .citizen_inquiry import PRIORITIES

_logger = logging.getLogger(__name__)

# What intake needs of a rule, cached per company: plain values, no records.
Route = namedtuple(
    "Route",
    "id name service_ids los_theme_ids channel_ids keywords sender_domains "
    "queue_id queue_active priority tag_ids",
)

_SEPARATORS = re.compile(r"[,;\n\r]+")


def split_keywords(text):
    """Keywords and phrases separated by commas, semicolons or lines."""
    return [
        word.strip().lower() for word in _SEPARATORS.split(text or "") if word.strip()
    ]


def split_domains(text):
    """Mail domains separated by commas, semicolons, lines or spaces."""
    words = re.split(r"[\s,;]+", text or "")
    return [word.strip().lstrip("@").lower() for word in words if word.strip(" @")]


def keywords_pattern(keywords):
    """One case-insensitive pattern matching any keyword as a whole word."""
    if not keywords:
        return None
    alternatives = "|".join(
        r"\s+".join(re.escape(part) for part in keyword.split())
        for keyword in sorted(keywords, key=len, reverse=True)
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def domain_matches(email_domain, domains):
    """A sender domain matches itself and its subdomains."""
    return any(email_domain == d or email_domain.endswith("." + d) for d in domains)


class CitizenRoutingRule(models.Model):
    """Sends new inquiries to the right queue with the right priority and tags.

    Rules are tried in sequence; the first whose conditions all hold wins.
    Within one condition any listed value matches (service A or B); an empty
    condition matches everything.
    """

    _name = "citizen.routing.rule"
    _inherit = ["citizen.registry.cache"]  # the cached routing table
    _description = "Inquiry Routing Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Municipality",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    # Conditions
    service_ids = fields.Many2many(
        "citizen.service", string="Services", check_company=True
    )
    los_theme_ids = fields.Many2many("citizen.los.theme", string="LOS Themes")
    channel_ids = fields.Many2many("citizen.channel", string="Channels")
    keywords = fields.Text(
        help="Words or phrases, separated by commas or lines, looked for as "
        "whole words in the subject and the text of the inquiry (upper or lower "
        "case alike). Any of them matches.",
    )
    sender_domains = fields.Text(
        string="Sender Domains",
        help="Mail domains of the sender, e.g. nav.no, separated by commas or "
        "lines. Subdomains match too.",
    )
    # Actions
    queue_id = fields.Many2one(
        "citizen.queue",
        string="Send to Queue",
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    priority = fields.Selection(
        PRIORITIES,
        string="Raise Priority to",
        help="Rules raise the priority, never lower one set at intake.",
    )
    tag_ids = fields.Many2many("citizen.inquiry.tag", string="Add Tags")
    inquiry_count = fields.Integer(compute="_compute_inquiry_count", string="Routed")

    @api.constrains("queue_id", "active")
    def _check_queue_active(self):
        for rule in self:
            if rule.active and rule.queue_id and not rule.queue_id.active:
                raise ValidationError(
                    self.env._(
                        "The routing rule %(rule)s sends inquiries to the archived "
                        "queue %(queue)s. Choose an active queue or archive the rule.",
                        rule=rule.name,
                        queue=rule.queue_id.display_name,
                    )
                )

    @api.constrains("name", "queue_id", "priority", "tag_ids")
    def _check_has_action(self):
        for rule in self:
            if not (rule.queue_id or rule.priority or rule.tag_ids):
                raise ValidationError(
                    self.env._(
                        "The routing rule %(rule)s does nothing: give it a queue, a "
                        "priority or tags.",
                        rule=rule.name,
                    )
                )

    @api.constrains("keywords")
    def _check_keywords(self):
        for rule in self:
            for keyword in split_keywords(rule.keywords):
                if not re.search(r"\w", keyword):
                    raise ValidationError(
                        self.env._(
                            "The keyword %(keyword)s of the routing rule %(rule)s has "
                            "no letters or digits.",
                            keyword=keyword,
                            rule=rule.name,
                        )
                    )

    def _compute_inquiry_count(self):
        counts = dict(
            self.env["citizen.inquiry"]._read_group(
                [("routing_rule_id", "in", self.ids)], ["routing_rule_id"], ["__count"]
            )
        )
        for rule in self:
            rule.inquiry_count = counts.get(rule, 0)

    # ------------------------------------------------------------
    # Routing
    # ------------------------------------------------------------

    @api.model
    @ormcache("company_id")
    def _citizen_routes(self, company_id):
        """The company's active rules in order, as plain values."""
        # The table is shared by everyone who registers inquiries, whatever
        # their own access to routing configuration; it holds ids only.
        rules = self.sudo().search(
            [("company_id", "=", company_id)], order="sequence, id"
        )
        return tuple(
            Route(
                id=rule.id,
                name=rule.name,
                service_ids=frozenset(rule.service_ids.ids),
                los_theme_ids=frozenset(rule.los_theme_ids.ids),
                channel_ids=frozenset(rule.channel_ids.ids),
                keywords=keywords_pattern(split_keywords(rule.keywords)),
                sender_domains=tuple(split_domains(rule.sender_domains)),
                queue_id=rule.queue_id.id,
                queue_active=rule.queue_id.active if rule.queue_id else True,
                priority=rule.priority or False,
                tag_ids=tuple(rule.tag_ids.ids),
            )
            for rule in rules
        )

    @api.model
    def _citizen_match_route(self, company_id, facts):
        """The first route of the company whose conditions hold for ``facts``.

        ``facts`` holds service_id, los_theme_id, channel_id (ids or False),
        text (subject and body) and sender_domain.
        """
        for route in self._citizen_routes(company_id):
            if route.service_ids and facts["service_id"] not in route.service_ids:
                continue
            if route.los_theme_ids and facts["los_theme_id"] not in route.los_theme_ids:
                continue
            if route.channel_ids and facts["channel_id"] not in route.channel_ids:
                continue
            if route.sender_domains and not (
                facts["sender_domain"]
                and domain_matches(facts["sender_domain"], route.sender_domains)
            ):
                continue
            if route.keywords and not route.keywords.search(facts["text"] or ""):
                continue
            if not route.queue_active:
                # The queue was archived after the rule was saved: routing must
                # not fail intake, so the rule is passed over and the next one
                # is tried.
                _logger.warning(
                    "Routing rule %s (id %s) sends to an archived queue (id %s): "
                    "skipped.",
                    route.name,
                    route.id,
                    route.queue_id,
                )
                continue
            return route
        return None
