from odoo.addons.citizen_crm.tests.test_i18n import NorwegianPoChecks
from odoo.tests import TransactionCase, tagged


class ProjectPoChecks(NorwegianPoChecks):
    MODULE = "citizen_crm_project"
    MIN_TERMS = 30

    def test_po_loads(self):
        """Odoo loads the bridge's file: the button, the queue's field and
        the citizen's plain words speak the language."""
        env = self._language_env()
        buttons = self._form_buttons(env, "citizen.inquiry")
        self.assertEqual(buttons["action_create_task"], self.EXPECTED["button"])
        self.assertEqual(
            env["citizen.inquiry"]._citizen_task_state_words("1_done"),
            "er ferdig med arbeidet",
        )


@tagged("post_install", "-at_install")
class TestProjectBokmal(ProjectPoChecks, TransactionCase):
    LANGUAGE = "nb"
    CODE = "nb_NO"
    NAME = "Bokmål"
    EXPECTED = {"button": "Opprett oppgave"}


@tagged("post_install", "-at_install")
class TestProjectNynorsk(ProjectPoChecks, TransactionCase):
    LANGUAGE = "nn"
    CODE = "nn_NO"
    NAME = "Nynorsk"
    EXPECTED = {"button": "Opprett oppgåve"}
