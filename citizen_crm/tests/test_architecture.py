"""How citizen.inquiry is put together: the concerns are mixins, and every
method Odoo calls on an inquiry is overridden once, in citizen_inquiry.py.

Python resolves a method defined by a single class of the addon the same way
whatever the order of the addon's classes in the MRO, which follows the order
of the imports in models/__init__.py: these checks are what makes the
behaviour independent of that order.
"""

import inspect
from collections import defaultdict

from odoo import models
from odoo.tests import TransactionCase, tagged

ADDON_PREFIX = "odoo.addons.citizen_crm."
MAIN_MODULE = "odoo.addons.citizen_crm.models.citizen_inquiry"
CONCERNS = {
    "citizen.inquiry.routing",
    "citizen.inquiry.deadlines",
    "citizen.inquiry.sla",
    "citizen.inquiry.legal",
    "citizen.inquiry.privacy",
    "citizen.inquiry.mail",
    "citizen.inquiry.portal",
    "citizen.inquiry.counter",
    "citizen.inquiry.gdpr",
}
# The entry points the issue names, and those every concern reaches.
ENTRY_POINTS = {
    "create",
    "write",
    "read",
    "message_new",
    "message_update",
    "_message_post_after_hook",
    "_compute_display_name",
}


def definition_classes(model):
    """The classes that define ``model``, as Odoo collects them."""
    return [cls for cls in type(model).mro() if getattr(cls, "pool", None) is None]


def is_inquiry_class(cls):
    return cls.__module__.startswith(ADDON_PREFIX) and (
        cls._name == "citizen.inquiry"
        or cls._name.startswith("citizen.inquiry.")
        or ".citizen_inquiry" in cls.__module__
    )


def methods(cls):
    return {
        name
        for name, value in vars(cls).items()
        if inspect.isfunction(value) or isinstance(value, classmethod | staticmethod)
    }


@tagged("post_install", "-at_install")
class TestInquiryArchitecture(TransactionCase):
    def setUp(self):
        super().setUp()
        classes = definition_classes(self.env["citizen.inquiry"])
        # The inquiry's own classes; the addon's extensions of mail.thread
        # (for every model) count with Odoo's, as what the inquiry extends.
        self.ours = [cls for cls in classes if is_inquiry_class(cls)]
        self.theirs = [
            cls
            for cls in classes
            if not is_inquiry_class(cls) and cls.__module__.startswith("odoo.")
        ]
        self.main = [cls for cls in self.ours if cls.__module__ == MAIN_MODULE]

    def test_the_concerns_are_abstract_mixins_listed_in_the_inquiry(self):
        self.assertEqual(len(self.main), 1, "one class defines citizen.inquiry")
        inherited = set(self.main[0]._inherit)
        self.assertLessEqual(CONCERNS, inherited)
        for cls in self.ours:
            if cls in self.main:
                continue
            with self.subTest(concern=cls.__module__):
                # Not an extension of citizen.inquiry (whose place in the
                # MRO would follow the imports): a mixin of its own name.
                self.assertIn(cls._name, inherited)
                self.assertTrue(issubclass(cls, models.AbstractModel))
                self.assertFalse(
                    set(cls._inherit if isinstance(cls._inherit, list) else [])
                    & {"citizen.inquiry"}
                )

    def test_every_method_is_defined_once_in_the_addon(self):
        defined = defaultdict(list)
        for cls in self.ours:
            for name in methods(cls):
                defined[name].append(cls.__module__)
        twice = {name: where for name, where in defined.items() if len(where) > 1}
        self.assertFalse(twice, "methods defined by two concerns of the inquiry")

    def test_odoo_methods_are_overridden_in_the_main_file_only(self):
        framework = set().union(*(methods(cls) for cls in self.theirs))
        for cls in self.ours:
            if cls in self.main:
                continue
            with self.subTest(concern=cls.__module__):
                self.assertFalse(
                    methods(cls) & framework,
                    "a concern overrides a method of Odoo: override it in "
                    "citizen_inquiry.py and call the concern's step from there",
                )
        overridden = methods(self.main[0]) & framework
        self.assertLessEqual(ENTRY_POINTS, overridden)

    def test_the_entry_points_resolve_to_the_main_file(self):
        Inquiry = type(self.env["citizen.inquiry"])
        for name in ENTRY_POINTS:
            with self.subTest(method=name):
                owner = next(
                    cls
                    for cls in Inquiry.mro()
                    if name in vars(cls) and getattr(cls, "pool", None) is None
                )
                self.assertEqual(owner.__module__, MAIN_MODULE)
