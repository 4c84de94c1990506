from lxml import etree

from odoo.addons.citizen_crm.tests.test_i18n import NorwegianPoChecks
from odoo.tests import TransactionCase, tagged


class CalendarPoChecks(NorwegianPoChecks):
    MODULE = "citizen_crm_calendar"
    MIN_TERMS = 40

    def test_po_loads(self):
        """Odoo loads the bridge's file: the inquiry's button and the
        booking's reasons speak the language."""
        self.env["res.lang"]._activate_lang(self.CODE)
        self.env["ir.module.module"]._load_module_terms(
            [self.MODULE], [self.CODE], overwrite=True
        )
        self.env.invalidate_all()
        env = self.env(context=dict(self.env.context, lang=self.CODE))
        arch = etree.fromstring(
            env["citizen.inquiry"].get_views([(False, "form")])["views"]["form"]["arch"]
        )
        buttons = {node.get("name"): node.get("string") for node in arch.iter("button")}
        self.assertEqual(buttons["action_book_appointment"], "Book avtale")
        self.assertEqual(
            env.ref("citizen_crm_calendar.calendar_event_menu_citizen").name,
            self.EXPECTED["menu"],
        )


@tagged("post_install", "-at_install")
class TestCalendarBokmal(CalendarPoChecks, TransactionCase):
    LANGUAGE = "nb"
    CODE = "nb_NO"
    NAME = "Bokmål"
    EXPECTED = {"menu": "Dagens avtaler"}


@tagged("post_install", "-at_install")
class TestCalendarNynorsk(CalendarPoChecks, TransactionCase):
    LANGUAGE = "nn"
    CODE = "nn_NO"
    NAME = "Nynorsk"
    EXPECTED = {"menu": "Dagens avtalar"}
