from odoo.addons.citizen_crm.tests.test_i18n import NorwegianPoChecks
from odoo.tests import TransactionCase, tagged


class CalendarPoChecks(NorwegianPoChecks):
    MODULE = "citizen_crm_calendar"
    MIN_TERMS = 40

    def test_po_loads(self):
        """Odoo loads the bridge's file: the inquiry's button and the
        booking's reasons speak the language."""
        env = self._language_env()
        buttons = self._form_buttons(env, "citizen.inquiry")
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
