"""The public pages meet WCAG 2.1 AA (issue 17): axe-core, from the npm
registry (package.json at the repository root), is injected into the same
headless Chromium as the tours and run on the web form (empty and with
errors), the tracking page, and the portal's list and detail; no violation of
impact serious or critical is allowed.

axe-core is a test dependency like Chromium: .ci/run installs both (npm
install at the repository root). Elsewhere a missing axe-core skips these
tests with a message naming it, or fails them when
CITIZEN_CRM_REQUIRE_BROWSER is set."""

import json
import pathlib

from odoo.tests import tagged

from .common import CSRF_RE
from .test_tours import CitizenTourCase, missing_test_tool

AXE_JS = (
    pathlib.Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
)
AXE_MISSING = (
    f"axe-core not found at {AXE_JS}: the accessibility checks "
    "(citizen_crm/tests/test_accessibility.py) were NOT run. Run `npm install` "
    "at the repository root; .ci/run does."
)
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Runs after the page (and, given ``ready``, its chatter) is there: every
# serious or critical violation is reported with the elements it was found on.
AXE_RUN = """
(async () => {
    const results = await axe.run(document, {
        runOnly: {type: "tag", values: %s},
        resultTypes: ["violations"],
    });
    const blocking = results.violations.filter(
        (violation) => ["serious", "critical"].includes(violation.impact)
    );
    if (blocking.length) {
        console.error("WCAG 2.1 AA violations: " + JSON.stringify(blocking.map((v) => ({
            rule: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map((node) => ({
                target: node.target.join(" "),
                html: node.html.slice(0, 160),
                summary: node.failureSummary,
            })),
        })), null, 1));
    } else {
        console.log("test successful");
    }
})();
"""
CHATTER_READY = (
    "!!document.querySelector('#chatterRoot')?.shadowRoot"
    "?.querySelector('.o-mail-Message')"
)


@tagged("post_install", "-at_install", "citizen_tour", "citizen_a11y")
class TestPublicPagesAccessibility(CitizenTourCase):
    @classmethod
    def setUpClass(cls):
        if not AXE_JS.is_file():
            missing_test_tool(AXE_MISSING)
        super().setUpClass()
        cls.axe_source = AXE_JS.read_text(encoding="utf-8")
        cls.portal = cls._portal_citizen("a11y_portal", "ola.a11y@example.com")
        cls.inquiry = cls.env["citizen.inquiry"].create(
            {
                "name": "Snømåking i Storgata",
                "partner_id": cls.portal.partner_id.id,
                "queue_id": cls.building.id,
                "service_id": cls.service_permit.id,
                "channel_id": cls.env.ref("citizen_crm.channel_web").id,
                "description": "<p>Det er ikke brøytet.</p>",
            }
        )
        cls.inquiry.message_subscribe(partner_ids=cls.portal.partner_id.ids)
        cls.inquiry.with_user(cls.caseworker).message_post(
            body="Vi brøyter i morgen.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _check(self, url, login=None, ready="document.readyState === 'complete'"):
        # axe is loaded by the ready code, once the page is there, so that a
        # failure prints the violations, not the 500 kB of axe's source.
        self.browser_js(
            url,
            AXE_RUN % json.dumps(WCAG_AA),
            ready=f"{self.axe_source};\n!!window.axe && ({ready})",
            login=login,
            timeout=90,
        )

    def test_web_form(self):
        self._check("/citizen/inquiry")

    def test_web_form_with_errors(self):
        """The errors of a refused form: announced (role=alert), each field
        marked invalid and pointing to its message."""
        self.authenticate(None, None)
        page = self.url_open("/citizen/inquiry")
        response = self.url_open(
            "/citizen/inquiry",
            data={
                "csrf_token": CSRF_RE.search(page.text).group(1),
                "description": "",
                "name": "",
                "email": "not-an-address",
            },
        )
        html = response.text
        self.assertIn('role="alert"', html)
        self.assertIn('aria-invalid="true"', html)
        self.assertIn('aria-describedby="citizen_inquiry_email_error"', html)
        self.assertIn('id="citizen_inquiry_email_error"', html)

    def test_tracking_page(self):
        token = self.inquiry._portal_ensure_token()
        self._check(
            f"/my/inquiries/{self.inquiry.id}?access_token={token}", ready=CHATTER_READY
        )

    def test_portal_list(self):
        self._check("/my/inquiries", login="a11y_portal")

    def test_portal_detail(self):
        self._check(
            f"/my/inquiries/{self.inquiry.id}", login="a11y_portal", ready=CHATTER_READY
        )
