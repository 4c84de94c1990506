from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

LOS_TEMA_PREFIX = "https://psi.norge.no/los/tema/"

# The fourteen main themes (hovedtema) of the LOS theme structure, by the
# last segment of their URI, with their Nynorsk label.
LOS_MAIN_THEMES = {
    "arbeid": "Arbeid",
    "bygg-og-eiendom": "Bygg og eigedom",
    "demokrati-og-innbyggerrettigheter": "Demokrati og innbyggjarrettar",
    "familie-og-barn": "Familie og barn",
    "helse-og-omsorg": "Helse og omsorg",
    "kultur-idrett-og-fritid": "Kultur, idrett og fritid",
    "lov-og-rett": "Lov og rett",
    "naring": "Næring",
    "natur-klima-og-miljo": "Natur, klima og miljø",
    "samfunnssikkerhet-og-beredskap": "Samfunnstryggleik og beredskap",
    "skatt-og-avgift": "Skatt og avgift",
    "skole-og-utdanning": "Skule og utdanning",
    "sosiale-tjenester": "Sosiale tenester",
    "trafikk-og-transport": "Trafikk og transport",
}

CHANNEL_CODES = [
    "counter",
    "phone",
    "letter",
    "fax",
    "email",
    "web",
    "chat",
    "social",
    "internal",
]


@tagged("post_install", "-at_install")
class TestShippedData(TransactionCase):
    """The data every installation gets (no demo): channels, stages, the
    default queue and the LOS vocabulary."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Theme = cls.env["citizen.los.theme"].with_context(active_test=False)
        cls.themes = cls.Theme.search([])
        cls.shipped_themes = cls.themes.filtered(
            lambda t: t.get_external_id()[t.id].startswith("citizen_crm.los_")
        )

    def test_channels(self):
        for code in CHANNEL_CODES:
            channel = self.env.ref(f"citizen_crm.channel_{code}")
            self.assertEqual(channel.code, code)
            self.assertTrue(channel.name)
        channels = self.env["citizen.channel"].browse(
            self.env.ref(f"citizen_crm.channel_{code}").id for code in CHANNEL_CODES
        )
        self.assertEqual(
            channels.sorted("sequence").mapped("code"),
            CHANNEL_CODES,
            "The channels are offered in the documented order.",
        )

    def test_stages(self):
        new = self.env.ref("citizen_crm.stage_new")
        in_progress = self.env.ref("citizen_crm.stage_in_progress")
        waiting = self.env.ref("citizen_crm.stage_waiting")
        closed = self.env.ref("citizen_crm.stage_closed")
        self.assertFalse((new | in_progress | waiting).filtered("is_closed"))
        self.assertTrue(waiting.is_waiting)
        self.assertTrue(closed.is_closed)
        self.assertFalse(closed.is_waiting)
        stages = new | in_progress | waiting | closed
        self.assertEqual(stages.sorted("sequence").ids, stages.ids)
        # A fresh inquiry starts in the first open stage, and a closing
        # stage exists for the close flow.
        Inquiry = self.env["citizen.inquiry"]
        self.assertEqual(Inquiry._citizen_first_stage(), new)
        self.assertEqual(Inquiry._citizen_first_stage(closed=True), closed)

    def test_default_queue(self):
        queue = self.env.ref("citizen_crm.citizen_queue_servicetorg")
        self.assertEqual(queue.queue_type, "front_line")
        self.assertEqual(queue.alias_name, "servicetorg")
        self.assertEqual(queue.alias_id.alias_model_id.model, "citizen.inquiry")

    def test_los_main_themes(self):
        main_themes = self.shipped_themes.filtered(lambda t: not t.parent_id)
        self.assertEqual(
            sorted(t.uri.removeprefix(LOS_TEMA_PREFIX) for t in main_themes),
            sorted(LOS_MAIN_THEMES),
        )
        for theme in main_themes:
            slug = theme.uri.removeprefix(LOS_TEMA_PREFIX)
            self.assertEqual(
                theme.get_external_id()[theme.id],
                "citizen_crm.los_" + slug.replace("-", "_"),
            )
            self.assertTrue(theme.name, "Every main theme has a Bokmål label.")
            self.assertEqual(theme.name_nn, LOS_MAIN_THEMES[slug])
            self.assertTrue(theme.child_ids, f"{theme.name} has sub-themes.")
        building = self.env.ref("citizen_crm.los_bygg_og_eiendom")
        self.assertEqual(building.name, "Bygg og eiendom")
        self.assertEqual(building.uri, LOS_TEMA_PREFIX + "bygg-og-eiendom")
        self.assertEqual(
            self.env.ref("citizen_crm.los_helse_og_omsorg").uri,
            LOS_TEMA_PREFIX + "helse-og-omsorg",
        )

    def test_los_sub_themes(self):
        sub_themes = self.shipped_themes.filtered("parent_id")
        self.assertGreaterEqual(len(sub_themes), 60)
        for theme in sub_themes:
            self.assertTrue(theme.name and theme.name_nn, theme.uri)
            self.assertTrue(theme.uri.startswith(LOS_TEMA_PREFIX), theme.uri)
            self.assertFalse(
                theme.parent_id.parent_id,
                "LOS themes have two levels: main theme and sub-theme.",
            )
            self.assertEqual(
                theme.complete_name, f"{theme.parent_id.name} / {theme.name}"
            )
        kindergarten = self.env.ref("citizen_crm.los_barnehage")
        self.assertEqual(
            kindergarten.parent_id.uri, LOS_TEMA_PREFIX + "familie-og-barn"
        )
        uris = self.shipped_themes.mapped("uri")
        self.assertEqual(len(uris), len(set(uris)), "LOS URIs are unique.")

    def test_los_hierarchy_has_no_cycle(self):
        self.assertFalse(self.themes._has_cycle())
        for theme in self.themes:
            ancestors = self.Theme.search([("id", "parent_of", theme.id)])
            self.assertIn(theme, ancestors)
            self.assertEqual(
                len(ancestors),
                len(theme.parent_path.strip("/").split("/")),
                "parent_path matches the parent chain.",
            )
        main = self.env.ref("citizen_crm.los_familie_og_barn")
        child = self.env.ref("citizen_crm.los_barnehage")
        # parent_store refuses the loop while writing parent_path ("Recursion
        # Detected."), before the model's own constraint runs.
        with self.assertRaises(UserError):
            main.parent_id = child
