/** The citizen's side and the supervisor's report (issue 17), in a browser.
 * Started by citizen_crm/tests/test_tours.py, which checks what they left:
 * the receipt queued, the handler notified. */
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const tours = registry.category("web_tour.tours");

tours.add("citizen_crm_web_form", {
    url: "/citizen/inquiry",
    steps: () => [
        {
            content: "The form speaks the municipality's language",
            trigger: 'html[lang="nb-NO"] form[action="/citizen/inquiry"] button:contains("Send henvendelse")',
        },
        {
            content: "Choose what it is about",
            trigger: "select#citizen_inquiry_service_id",
            run: "selectByLabel Byggetillatelse",
        },
        {
            trigger: "textarea#citizen_inquiry_description",
            run: "edit Må jeg søke for å bygge en garasje på 40 m²?",
        },
        {
            trigger: "input#citizen_inquiry_name",
            run: "edit Nora Innbygger",
        },
        {
            trigger: "input#citizen_inquiry_email",
            run: "edit nora.tour@example.com",
        },
        {
            trigger: "input#citizen_inquiry_consent",
            run: "click",
        },
        {
            content: "Send",
            trigger: 'form[action="/citizen/inquiry"] button[type="submit"]',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The thanks page gives the number, in Bokmål",
            trigger: 'html[lang="nb-NO"] main:contains("HEN-")',
        },
    ],
});

tours.add("citizen_crm_portal_follow_up", {
    steps: () => [
        {
            content: "The citizen sees their inquiry, not the desk's note about it",
            trigger: 'main:contains("Snømåking i Storgata"):not(:contains("Innbyggeren ringte"))',
        },
        {
            content: "Write a follow-up (the portal chatter lives in a shadow root)",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Det er fortsatt ikke brøytet.",
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "It is in the inquiry's history",
            trigger: '#chatterRoot:shadow .o-mail-Message:contains("Det er fortsatt ikke brøytet")',
        },
    ],
});

tours.add("citizen_crm_supervisor_report", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: '.o_app[data-menu-xmlid="citizen_crm.citizen_crm_menu_root"]',
            run: "click",
        },
        {
            content: "The supervisor lands on the queue overview, with real counts",
            trigger: '.o_kanban_record:contains("Servicetorg"):contains("2")',
        },
        {
            trigger: '.o_menu_sections button:contains("Rapportering")',
            run: "click",
        },
        {
            trigger:
                '.o-dropdown--menu a[data-menu-xmlid="citizen_crm.citizen_inquiry_menu_report"]',
            run: "click",
        },
        {
            content: "The analysis counts, by queue",
            trigger: '.o_pivot th:contains("Antall")',
        },
        {
            trigger: '.o_pivot th.o_pivot_header_cell_closed:contains("Byggesak")',
        },
        {
            content: "Average handling time is a measure",
            trigger: '.o_pivot th:contains("Behandlingstid")',
        },
        {
            content: "Find the citizen's inquiries by name from the search box",
            trigger: '.o_menu_sections button[data-menu-xmlid="citizen_crm.citizen_crm_menu_inquiries"]',
            run: "click",
        },
        {
            trigger: '.o-dropdown--menu a[data-menu-xmlid="citizen_crm.citizen_inquiry_menu"]',
            run: "click",
        },
        {
            trigger: ".o_list_view .o_searchview_input",
            run: "edit Nordmann",
        },
        {
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "A name finds the inquiries, not an empty page",
            trigger: '.o_list_view .o_data_row:contains("Garasje")',
        },
    ],
});
