"""How citizen.inquiry is put together: the concerns are mixins, and every
method Odoo calls on an inquiry is overridden once, in citizen_inquiry.py.

Python resolves a method defined by a single class of the addon the same way
whatever the order of the addon's classes in the MRO, which follows the order
of the imports in models/__init__.py: these checks are what makes the
behaviour independent of that order.
"""

import ast
import inspect
from collections import defaultdict
from pathlib import Path

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
    "citizen.inquiry.archive",
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


MODELS_DIR = Path(__file__).resolve().parent.parent / "models"


def model_declarations():
    """{module name: (its classes' (_name, [_inherit]), the addon modules it
    imports)} for every file of models/, read from the source."""
    result = {}
    for path in sorted(MODELS_DIR.glob("*.py")):
        tree = ast.parse(path.read_text())
        imported = set()
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    imported.add(node.module)
                else:
                    imported.update(alias.name for alias in node.names)
        classes = []
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            attrs = {
                target.id: stmt.value
                for stmt in node.body
                if isinstance(stmt, ast.Assign)
                for target in stmt.targets
                if isinstance(target, ast.Name)
            }
            name = attrs.get("_name")
            inherit = attrs.get("_inherit")
            name = name.value if isinstance(name, ast.Constant) else None
            if isinstance(inherit, ast.Constant):
                inherit = [inherit.value]
            elif isinstance(inherit, ast.List):
                inherit = [elt.value for elt in inherit.elts]
            else:
                inherit = []
            if name or inherit:
                classes.append((name or inherit[0], inherit))
        result[path.stem] = (classes, imported)
    return result


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


@tagged("post_install", "-at_install")
class TestImportOrder(TransactionCase):
    """Odoo builds a model from its classes in the order their files were
    imported; two classes of the addon overriding one method of a model
    would run in the order of models/__init__.py."""

    def test_each_file_imports_the_models_it_inherits(self):
        declarations = model_declarations()
        defined_in = {
            name: module
            for module, (classes, _imported) in declarations.items()
            for name, inherit in classes
            if name not in inherit
        }
        for module, (classes, imported) in declarations.items():
            for _model, inherit in classes:
                for parent in inherit:
                    where = defined_in.get(parent)
                    if where and where != module:
                        with self.subTest(module=module, parent=parent):
                            self.assertIn(where, imported)

    def test_no_two_extensions_override_one_method(self):
        for name in self.env.registry:
            classes = definition_classes(self.env[name])
            extensions = [
                cls
                for cls in classes
                if cls.__module__.startswith(ADDON_PREFIX)
                and cls._name == name
                and (
                    name in cls._inherit
                    if isinstance(cls._inherit, list)
                    else name == cls._inherit
                )
            ]
            defined = defaultdict(list)
            for cls in extensions:
                for method in methods(cls):
                    defined[method].append(cls.__module__)
            twice = {
                method: where for method, where in defined.items() if len(where) > 1
            }
            self.assertFalse(twice, f"{name}: methods overridden by two extensions")
