from odoo.tests import TransactionCase, tagged

from ..models import citizen_config

LOGGER = "odoo.addons.citizen_crm.models.citizen_config"
KEY = "citizen_crm.test_setting"


@tagged("post_install", "-at_install")
class TestCitizenConfig(TransactionCase):
    """citizen.config reads every system parameter of the addon the same way:
    converted, checked, clamped, or the default with one warning."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Config = cls.env["citizen.config"]
        cls.ICP = cls.env["ir.config_parameter"].sudo()

    def setUp(self):
        super().setUp()
        # Each test sees its own first warning.
        citizen_config._WARNED.clear()
        self.addCleanup(citizen_config._WARNED.clear)

    def param(self, value, default, **options):
        if value is None:
            self.ICP.search([("key", "=", KEY)]).unlink()
        else:
            self.ICP.set_param(KEY, value)
        return self.Config._citizen_param(KEY, default, **options)

    def test_valid_values_are_converted_silently(self):
        cases = [
            ("7", 5, {}, 7),
            (" 7 ", 5, {}, 7),
            ("0.25", 1.0, {"kind": float}, 0.25),
            ("True", False, {"kind": bool}, True),
            ("off", True, {"kind": bool}, False),
            ("all", "protected", {"kind": str, "choices": ("off", "all")}, "all"),
            (
                " application/pdf, ,image/png ",
                ("text/plain",),
                {"kind": list},
                ["application/pdf", "image/png"],
            ),
        ]
        for value, default, options, expected in cases:
            with self.subTest(value=value, options=options), self.assertNoLogs(LOGGER):
                self.assertEqual(self.param(value, default, **options), expected)

    def test_unset_or_blank_is_the_default_silently(self):
        for value in (None, "", "   "):
            with self.subTest(value=value), self.assertNoLogs(LOGGER):
                self.assertEqual(self.param(value, 5), 5)
                self.assertEqual(
                    self.param(value, ("a/b",), kind=list), ["a/b"], "a list"
                )
        with self.assertNoLogs(LOGGER):
            self.assertEqual(self.param(" , ", ("a/b",), kind=list), ["a/b"])

    def test_invalid_value_is_the_default_with_one_warning(self):
        cases = [
            ("many", 5, {}, "is not a whole number"),
            ("2.5", 5, {}, "is not a whole number"),
            ("ten", 10.0, {"kind": float}, "is not a number"),
            ("nan", 10.0, {"kind": float}, "is not a number"),
            ("inf", 10.0, {"kind": float}, "is not a number"),
            ("maybe", False, {"kind": bool}, "is not true or false"),
            (
                "strict",
                "protected",
                {"kind": str, "choices": ("off", "protected", "all")},
                "is not one of off, protected, all",
            ),
        ]
        for value, default, options, problem in cases:
            with self.subTest(value=value, options=options):
                with self.assertLogs(LOGGER, "WARNING") as logs:
                    self.assertEqual(self.param(value, default, **options), default)
                    # Read on every mail or request: warned once only.
                    self.assertEqual(self.param(value, default, **options), default)
                self.assertEqual(
                    logs.output,
                    [
                        f"WARNING:{LOGGER}:System parameter {KEY}={value!r} "
                        f"{problem}; using {default!r}."
                    ],
                )

    def test_list_entry_outside_the_choices_is_the_default(self):
        with self.assertLogs(LOGGER, "WARNING"):
            self.assertEqual(
                self.param("a, c", ("a",), kind=list, choices=("a", "b")), ["a"]
            )

    def test_out_of_range_is_clamped_with_a_warning(self):
        with self.assertLogs(LOGGER, "WARNING") as logs:
            self.assertEqual(self.param("-3", 5, minimum=0), 0)
            self.assertEqual(self.param("-0.5", 60.0, kind=float, minimum=0.0), 0.0)
            self.assertEqual(self.param("500", 5, minimum=0, maximum=100), 100)
        self.assertEqual(
            logs.output,
            [
                f"WARNING:{LOGGER}:System parameter {KEY}='-3' is below 0; using 0.",
                f"WARNING:{LOGGER}:System parameter {KEY}='-0.5' is below 0.0; "
                "using 0.0.",
                f"WARNING:{LOGGER}:System parameter {KEY}='500' is above 100; "
                "using 100.",
            ],
        )
        with self.assertNoLogs(LOGGER):
            self.assertEqual(self.param("0", 5, minimum=0, maximum=100), 0)
            self.assertEqual(self.param("100", 5, minimum=0, maximum=100), 100)

    def test_a_new_invalid_value_is_warned_again(self):
        with self.assertLogs(LOGGER, "WARNING") as logs:
            self.param("many", 5)
            self.param("7", 5)
            self.param("lots", 5)
        self.assertEqual(len(logs.output), 2)

    def test_readers_of_the_addon_use_it(self):
        """The settings of the gateway, the web form and the audit trail go
        through the reader: an unusable value is their default, logged."""
        cases = [
            (
                "citizen_crm.mail_max_size_mb",
                "-1",
                lambda: self.env["citizen.mail.dead.letter"]._citizen_max_size(),
                0,
            ),
            (
                "citizen_crm.mail_parse_timeout_s",
                "soon",
                lambda: self.env["citizen.mail.dead.letter"]._citizen_time_budget(),
                60.0,
            ),
            (
                "citizen_crm.mail_max_header_kb",
                "big",
                lambda: self.env["citizen.mail.dead.letter"]._citizen_max_header_size(),
                32 * 1024,
            ),
            (
                "citizen_crm.web_rate_limit",
                "five",
                lambda: self.env["citizen.web.submission.log"]._citizen_rate_limit(),
                (5, 10),
            ),
            (
                "citizen_crm.mail_sender_policy",
                "strict",
                lambda: self.env["mail.thread"]._citizen_sender_policy(),
                "protected",
            ),
            (
                "citizen_crm.log_identity_searches",
                "sometimes",
                lambda: self.env[
                    "citizen.audit.log"
                ]._citizen_identity_searches_logged(),
                False,
            ),
        ]
        for key, value, reader, expected in cases:
            with self.subTest(key=key):
                self.ICP.set_param(key, value)
                with self.assertLogs(LOGGER, "WARNING") as logs:
                    self.assertEqual(reader(), expected)
                self.assertIn(f"{key}={value!r}", logs.output[0])
        self.ICP.set_param("citizen_crm.mail_auth_servers", " mx1.example, mx2 ")
        self.assertEqual(
            self.env["mail.thread"]._citizen_auth_servers(), ["mx1.example", "mx2"]
        )
