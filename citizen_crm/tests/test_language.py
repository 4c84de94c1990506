"""One language field (res.partner.lang), Bokmål and Nynorsk active, and the
municipality's language for what the system writes and the citizen pages."""

import io
from datetime import datetime

from freezegun import freeze_time
from lxml import etree

from odoo.tests import TransactionCase, tagged
from odoo.tools import convert
from odoo.tools.misc import file_path

from ..models.citizen_inquiry_mail import citizen_text_language
from .common import CitizenDeadlineCommon, CitizenPortalCommon, oslo

LANG_ATTR = 'lang="{}"'


@tagged("post_install", "-at_install")
class TestInstalledLanguages(TransactionCase):
    """What the installation leaves (CitizenCrmCommon switches the tests'
    municipality to English: this class does not use it)."""

    def test_bokmal_and_nynorsk_are_active_and_bokmal_is_the_default(self):
        installed = dict(self.env["res.lang"].get_installed())
        self.assertIn("nb_NO", installed)
        self.assertIn("nn_NO", installed)
        nynorsk = self.env["res.lang"]._lang_get("nn_NO")
        self.assertEqual(nynorsk.date_format, "%d.%m.%Y")
        self.assertEqual(nynorsk.url_code, "nn")
        self.assertEqual(self.env["ir.default"]._get("res.partner", "lang"), "nb_NO")
        self.assertEqual(self.env.ref("base.main_company").partner_id.lang, "nb_NO")
        self.assertEqual(self.env.ref("base.main_company")._citizen_lang(), "nb_NO")

    def test_one_language_field(self):
        self.assertNotIn("preferred_language", self.env["res.partner"]._fields)
        citizen = self.env["res.partner"].create(
            {"name": "Kari Nordmann", "is_citizen": True}
        )
        self.assertEqual(citizen.lang, "nb_NO", "new citizens speak Bokmål")
        citizen.lang = "nn_NO"  # an active language the field can hold
        export = citizen._citizen_gdpr_access_data()
        self.assertEqual(
            export["citizen"]["language"], "Norwegian Nynorsk / Norsk nynorsk"
        )

    def test_demo_servicetorg_has_one_name_in_every_language(self):
        """The demo renames the shipped servicetorg: its Bokmål translation
        ("Servicetorg") must not outlive the rename. The demo's own elements
        are loaded (without the demo users they refer to)."""
        demo = etree.parse(file_path("citizen_crm/demo/citizen_queue_demo.xml"))
        root = etree.Element("odoo")
        record = demo.find(".//record[@id='citizen_queue_servicetorg']")
        for field in record.findall("field"):
            if field.get("name") != "name":
                record.remove(field)
        root.append(record)
        for function in demo.findall(".//function"):
            if "citizen_queue_servicetorg" in function.get("eval", ""):
                root.append(function)
        data = io.BytesIO(etree.tostring(root))
        data.name = "citizen_queue_demo.xml"
        convert.convert_xml_import(self.env, "citizen_crm", data, mode="init")
        queue = self.env.ref("citizen_crm.citizen_queue_servicetorg")
        names = {
            lang: queue.with_context(lang=lang).name
            for lang in ("en_US", "nb_NO", "nn_NO")
        }
        self.assertEqual(set(names.values()), {"Servicetorg Fjordvik"}, names)


@tagged("post_install", "-at_install")
class TestTextLanguage(CitizenDeadlineCommon):
    def test_text_language_follows_the_partners_lang(self):
        self.assertEqual(citizen_text_language("nb_NO"), "nb")
        self.assertEqual(citizen_text_language("nn_NO"), "nn")
        self.assertEqual(citizen_text_language("en_GB"), "en")
        self.assertEqual(citizen_text_language("de_DE"), "en")
        self.assertIsNone(citizen_text_language(False))

    def test_acknowledgement_and_preliminary_answer_in_the_partners_lang(self):
        self.citizen.lang = "nn_NO"
        inquiry = self._inquiry(partner_id=self.citizen.id)
        self.assertEqual(inquiry._citizen_ack_language(), "nn")
        wizard = self.env["citizen.inquiry.preliminary.answer"].new(
            {"inquiry_id": inquiry.id}
        )
        self.assertEqual(wizard.language, "nn")
        self.citizen.lang = "en_US"
        self.assertEqual(inquiry._citizen_ack_language(), "en")


@tagged("post_install", "-at_install")
class TestSystemNotesInTheMunicipalitysLanguage(CitizenDeadlineCommon):
    """The cron runs as OdooBot in English; the municipality speaks Bokmål."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.lang = "nb_NO"
        cls.odoobot = cls.env.ref("base.user_root")
        cls.odoobot.lang = "en_US"

    def _permit(self, received):
        return self._inquiry(
            service_id=self.service_permit.id,
            queue_id=self.building.id,
            date_received=received,
        )

    def _bodies(self, inquiry):
        return " ".join(str(body) for body in inquiry.message_ids.mapped("body"))

    def test_creation_message_in_bokmal(self):
        inquiry = (
            self.env["citizen.inquiry"]
            .with_context(lang="en_US", mail_create_nolog=False, tracking_disable=False)
            .create({"name": "Spørsmål", "company_id": self.company.id})
        )
        bodies = self._bodies(inquiry)
        self.assertIn("Innbyggerhenvendelse opprettet", bodies)
        self.assertNotIn("Citizen Inquiry created", bodies)

    def test_sla_breach_noted_in_bokmal_by_the_english_cron(self):
        received = oslo(2026, 3, 2, 8, 0)
        with freeze_time(received):
            inquiry = self._permit(received)
        with freeze_time(oslo(2026, 3, 2, 12, 30)):
            self.env["citizen.inquiry"].with_user(self.odoobot).with_context(
                lang="en_US"
            )._cron_sla()
        self.assertTrue(inquiry.date_sla_escalated)
        bodies = self._bodies(inquiry)
        self.assertIn("SLA brutt: første svar", bodies)
        self.assertNotIn("SLA breached", bodies)
        self.assertIn("SLA brutt", inquiry.activity_ids.summary)


@tagged("post_install", "-at_install")
class TestCitizenPagesLanguage(CitizenPortalCommon):
    """The municipality speaks Bokmål (as installed); visitors may switch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.default"].set("res.partner", "lang", "nb_NO")
        cls.company.partner_id.lang = "nb_NO"
        cls.inquiry1.date_received = datetime(2026, 3, 12, 10, 0)

    def test_web_form_and_tracking_page_in_nynorsk(self):
        """Nynorsk is one of the municipality's languages: its pages speak it
        under /nn/, and the page says so to screen readers."""
        self.authenticate(None, None)
        html = self.url_open("/citizen/inquiry").text
        self.assertIn('href="/nn/citizen/inquiry"', html)
        nynorsk = self.url_open("/nn/citizen/inquiry").text
        self.assertIn(LANG_ATTR.format("nn-NO"), nynorsk)
        self.assertIn("Send henvending", nynorsk)
        token = self.inquiry1._portal_ensure_token()
        tracking = self.url_open(
            f"/nn/my/inquiries/{self.inquiry1.id}?access_token={token}"
        ).text
        self.assertIn(LANG_ATTR.format("nn-NO"), tracking)
        self.assertIn("12.03.2026", tracking)

    def test_web_form_in_bokmal_then_english_by_the_selector(self):
        self.authenticate(None, None)
        response = self.url_open("/citizen/inquiry")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.history, "no redirection to another language")
        html = response.text
        self.assertIn(LANG_ATTR.format("nb-NO"), html)
        self.assertIn("Slik bruker vi opplysningene dine", html)
        # The language selector offers English.
        self.assertIn('href="/en/citizen/inquiry"', html)

        english = self.url_open("/en/citizen/inquiry")
        self.assertIn(LANG_ATTR.format("en-US"), english.text)
        self.assertIn("How we use your information", english.text)
        # The choice sticks (the selector's cookie).
        again = self.url_open("/citizen/inquiry")
        self.assertIn(LANG_ATTR.format("en-US"), again.text)

    def test_browser_language_does_not_override_the_municipalitys(self):
        self.authenticate(None, None)
        response = self.url_open(
            "/citizen/inquiry", headers={"Accept-Language": "en-US,en;q=0.9"}
        )
        self.assertIn(LANG_ATTR.format("nb-NO"), response.text)

    def test_tracking_page_in_bokmal_with_norwegian_dates(self):
        self.authenticate(None, None)
        url = self.inquiry1.get_portal_url()
        html = self.url_open(url).text
        self.assertIn(LANG_ATTR.format("nb-NO"), html)
        self.assertIn("12.03.2026", html)
        self.assertNotIn("03/12/2026", html)

    def test_portal_in_the_citizens_language_then_english(self):
        self.portal1.lang = "nb_NO"
        self.authenticate("portal1", "portal1")
        html = self.url_open("/my/inquiries").text
        self.assertIn(LANG_ATTR.format("nb-NO"), html)
        self.assertIn("12.03.2026", html)
        detail = self.url_open(f"/my/inquiries/{self.inquiry1.id}").text
        self.assertIn(LANG_ATTR.format("nb-NO"), detail)
        self.assertIn("12.03.2026", detail)

        english = self.url_open("/en/my/inquiries").text
        self.assertIn(LANG_ATTR.format("en-US"), english)
        self.assertIn("03/12/2026", english)
