import re

import polib
from lxml import etree

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

# Python format placeholders and the {{ }} expressions of mail subjects: a
# translation that drops or renames one breaks the message at run time.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\{.*?\}\}")


class NorwegianPoChecks:
    """The checks every Norwegian translation file gets. A subclass names the
    file (LANGUAGE.po, which Odoo loads for CODE) and the texts a few known
    records, fields, views and code messages must have once it is loaded."""

    MODULE = "citizen_crm"  # the addon whose i18n/ holds the file
    MIN_TERMS = 500  # fewer terms found means the reader missed them
    LANGUAGE = None  # the language of the file: "nb" or "nn"
    CODE = None  # the res.lang code whose users read the file
    NAME = None  # for the failure messages
    EXPECTED = None  # {what: text} for test_po_loads

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.po_file = f"{cls.MODULE}/i18n/{cls.LANGUAGE}.po"
        cls.po = polib.pofile(file_path(cls.po_file))

    def _language_env(self):
        """An environment in the file's language (CODE), with MODULE's terms
        loaded from its files as Odoo loads them."""
        self.env["res.lang"]._activate_lang(self.CODE)
        self.env["ir.module.module"]._load_module_terms(
            [self.MODULE], [self.CODE], overwrite=True
        )
        self.env.invalidate_all()
        return self.env(context=dict(self.env.context, lang=self.CODE))

    @staticmethod
    def _form_buttons(env, model):
        """{button name: its label} of ``model``'s form, in ``env``'s language."""
        arch = etree.fromstring(
            env[model].get_views([(False, "form")])["views"]["form"]["arch"]
        )
        return {node.get("name"): node.get("string") for node in arch.iter("button")}

    def test_po_header(self):
        self.assertEqual(self.po.metadata.get("Language"), self.LANGUAGE)
        self.assertEqual(
            self.po.metadata.get("Plural-Forms"), "nplurals=2; plural=(n != 1);"
        )

    def test_po_complete(self):
        """Every translatable term of the installed module has a text."""
        reader = TranslationModuleReader(self.env.cr, modules=[self.MODULE])
        sources = {
            src
            for module, _type, _name, _res_id, src, _value, _comments in reader
            if module == self.MODULE and src and src.strip()
        }
        self.assertGreater(
            len(sources), self.MIN_TERMS, "the reader found too few terms"
        )
        translated = {
            entry.msgid
            for entry in self.po
            if entry.msgstr.strip()
            and "fuzzy" not in entry.flags
            and not entry.obsolete
        }
        missing = sorted(sources - translated)
        self.assertFalse(
            missing,
            f"{len(missing)} terms lack a {self.NAME} translation in {self.po_file} "
            "(run bin/i18n-update, then translate them):\n"
            + "\n".join(repr(term) for term in missing),
        )

    def test_po_placeholders(self):
        """Translations keep the placeholders of their source, none more."""
        wrong = []
        for entry in self.po:
            if entry.obsolete or not entry.msgstr:
                continue
            expected = sorted(PLACEHOLDER.findall(entry.msgid))
            if sorted(PLACEHOLDER.findall(entry.msgstr)) != expected:
                wrong.append(f"{entry.msgid!r} -> {entry.msgstr!r}")
        self.assertFalse(wrong, "placeholders differ:\n" + "\n".join(wrong))

    def test_po_loads(self):
        """Odoo loads the file for the language (i18n/<lang>.po before
        i18n/<lang>_NO.po): records, labels, views and code speak it."""
        expected = self.EXPECTED
        env = self._language_env()

        # Record data (model terms).
        self.assertEqual(env.ref("citizen_crm.channel_counter").name, "Oppmøte")
        self.assertEqual(env.ref("citizen_crm.stage_new").name, "Ny")
        self.assertEqual(env.ref("citizen_crm.group_frontdesk").name, "Servicetorg")
        self.assertEqual(
            env.ref("citizen_crm.mail_template_inquiry_ack_en").name,
            expected["ack_template"],
        )

        # Field labels and selection values.
        inquiry_fields = env["citizen.inquiry"].fields_get(
            ["queue_id", "resolution", "partner_id"], ["string", "selection"]
        )
        self.assertEqual(inquiry_fields["queue_id"]["string"], "Kø")
        self.assertEqual(inquiry_fields["resolution"]["string"], "Utfall")
        self.assertEqual(inquiry_fields["partner_id"]["string"], expected["citizen"])
        self.assertIn(
            ("case_opened", expected["case_opened"]),
            inquiry_fields["resolution"]["selection"],
        )
        partner_fields = env["res.partner"].fields_get(
            ["national_id_masked"], ["string"]
        )
        self.assertEqual(
            partner_fields["national_id_masked"]["string"], "Fødselsnummer / D-nummer"
        )

        # View terms.
        buttons = self._form_buttons(env, "citizen.inquiry")
        self.assertEqual(buttons["action_open_forward_wizard"], expected["forward"])
        self.assertEqual(buttons["action_open_close_wizard"], "Avslutt")

        # Code terms (self.env._ in Python).
        self.assertEqual(env["citizen.inquiry"].default_get(["number"])["number"], "Ny")
        with self.assertRaisesRegex(ValidationError, expected["national_id_error"]):
            env["res.partner"].create(
                {"name": "Kari Nordmann", "is_citizen": True, "national_id": "123"}
            )

    def test_mail_templates_keep_their_language(self):
        """Each mail template is already written in its language (one per
        language). Odoo renders a template without a lang in the citizen's
        language, so a Norwegian text for the English template would send
        Norwegian to a citizen the caseworker writes to in English."""
        changed = [
            f"{occurrence}: {entry.msgstr[:60]!r}"
            for entry in self.po
            for occurrence, _line in entry.occurrences
            if occurrence.startswith(
                ("model:mail.template,body_html:", "model:mail.template,subject:")
            )
            and entry.msgstr != entry.msgid
        ]
        self.assertFalse(
            changed, "translated mail template texts:\n" + "\n".join(changed)
        )


@tagged("post_install", "-at_install")
class TestBokmalTranslation(NorwegianPoChecks, TransactionCase):
    LANGUAGE = "nb"
    CODE = "nb_NO"
    NAME = "Bokmål"
    EXPECTED = {
        "ack_template": "Henvendelse: mottaksbekreftelse (engelsk)",
        "citizen": "Innbygger",
        "case_opened": "Sak opprettet",
        "forward": "Videresend",
        "national_id_error": "Fødselsnummeret må ha 11 sifre, ikke 3",
    }


@tagged("post_install", "-at_install")
class TestNynorskTranslation(NorwegianPoChecks, TransactionCase):
    """nn_NO is not shipped by Odoo: the addon creates it at install
    (models/res_lang.py), and Odoo finds i18n/nn.po for it."""

    LANGUAGE = "nn"
    CODE = "nn_NO"
    NAME = "Nynorsk"
    EXPECTED = {
        "ack_template": "Henvending: mottaksstadfesting (engelsk)",
        "citizen": "Innbyggjar",
        "case_opened": "Sak oppretta",
        "forward": "Vidaresend",
        "national_id_error": "Fødselsnummeret må ha 11 siffer, ikkje 3",
    }

    def test_nynorsk_is_not_bokmal(self):
        """The Nynorsk file is not the Bokmål one under another name: no
        Bokmål-only word in its texts, except where the source itself is a
        Bokmål text (the Bokmål mail template, LOS theme names)."""
        bokmal_only = re.compile(
            r"\b(ikke|hva|hvem|hvis|jeg|noe|mottatt|henvendelse[nr]?|"
            r"henvendelsene|innbygger(?:e|en|ne)?|tjeneste[nr]?|tjenestene|"
            r"opplysninger(?:ne)?)\b",
            re.IGNORECASE,
        )
        bokmal = [
            f"{entry.msgid!r} -> {entry.msgstr!r}"
            for entry in self.po
            if not entry.obsolete
            and entry.msgstr != entry.msgid
            and bokmal_only.search(entry.msgstr)
        ]
        self.assertFalse(bokmal, "Bokmål words in nn.po:\n" + "\n".join(bokmal))
        self.assertEqual(self.po.find("Inquiry").msgstr, "Henvending")
