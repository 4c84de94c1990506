import re

import polib
from lxml import etree

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

NB_PO = "citizen_crm/i18n/nb.po"

# Python format placeholders and the {{ }} expressions of mail subjects: a
# translation that drops or renames one breaks the message at run time.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\{.*?\}\}")


@tagged("post_install", "-at_install")
class TestNorwegianTranslation(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.po = polib.pofile(file_path(NB_PO))

    def test_nb_po_header(self):
        self.assertEqual(self.po.metadata.get("Language"), "nb")
        self.assertEqual(
            self.po.metadata.get("Plural-Forms"), "nplurals=2; plural=(n != 1);"
        )

    def test_nb_po_complete(self):
        """Every translatable term of the installed module has a Bokmål text."""
        reader = TranslationModuleReader(self.env.cr, modules=["citizen_crm"])
        sources = {
            src
            for module, _type, _name, _res_id, src, _value, _comments in reader
            if module == "citizen_crm" and src and src.strip()
        }
        self.assertGreater(len(sources), 500, "the reader found too few terms")
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
            f"{len(missing)} terms lack a Bokmål translation in {NB_PO} "
            "(run bin/i18n-update, then translate them):\n"
            + "\n".join(repr(term) for term in missing),
        )

    def test_nb_po_placeholders(self):
        """Translations keep the placeholders of their source, none more."""
        wrong = []
        for entry in self.po:
            if entry.obsolete or not entry.msgstr:
                continue
            expected = sorted(PLACEHOLDER.findall(entry.msgid))
            if sorted(PLACEHOLDER.findall(entry.msgstr)) != expected:
                wrong.append(f"{entry.msgid!r} -> {entry.msgstr!r}")
        self.assertFalse(wrong, "placeholders differ:\n" + "\n".join(wrong))

    def test_nb_loads(self):
        """Odoo loads nb.po for nb_NO: records, labels, views and code speak Bokmål."""
        self.env["res.lang"]._activate_lang("nb_NO")
        self.env["ir.module.module"]._load_module_terms(
            ["citizen_crm"], ["nb_NO"], overwrite=True
        )
        self.env.invalidate_all()
        nb_env = self.env(context=dict(self.env.context, lang="nb_NO"))

        # Record data (model terms).
        self.assertEqual(nb_env.ref("citizen_crm.channel_counter").name, "Oppmøte")
        self.assertEqual(nb_env.ref("citizen_crm.stage_new").name, "Ny")
        self.assertEqual(nb_env.ref("citizen_crm.group_frontdesk").name, "Servicetorg")

        # Field labels and selection values.
        inquiry_fields = nb_env["citizen.inquiry"].fields_get(
            ["queue_id", "resolution"], ["string", "selection"]
        )
        self.assertEqual(inquiry_fields["queue_id"]["string"], "Kø")
        self.assertEqual(inquiry_fields["resolution"]["string"], "Utfall")
        self.assertIn(
            ("case_opened", "Sak opprettet"), inquiry_fields["resolution"]["selection"]
        )
        partner_fields = nb_env["res.partner"].fields_get(
            ["national_id_masked"], ["string"]
        )
        self.assertEqual(
            partner_fields["national_id_masked"]["string"], "Fødselsnummer / D-nummer"
        )

        # View terms.
        arch = etree.fromstring(
            nb_env["citizen.inquiry"].get_views([(False, "form")])["views"]["form"][
                "arch"
            ]
        )
        buttons = {node.get("name"): node.get("string") for node in arch.iter("button")}
        self.assertEqual(buttons["action_open_forward_wizard"], "Videresend")
        self.assertEqual(buttons["action_open_close_wizard"], "Avslutt")

        # Code terms (self.env._ in Python).
        self.assertEqual(
            nb_env["citizen.inquiry"].default_get(["number"])["number"], "Ny"
        )
        with self.assertRaisesRegex(
            ValidationError, "Fødselsnummeret må ha 11 sifre, ikke 3"
        ):
            nb_env["res.partner"].create(
                {"name": "Kari Nordmann", "is_citizen": True, "national_id": "123"}
            )
