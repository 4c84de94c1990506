/** The first day at the desk (issue 17), proved in the web client, in Bokmål.
 * Each tour is started by citizen_crm/tests/test_tours.py, which sets up the
 * municipality, the users (language nb_NO) and checks what the tour left in
 * the database. */
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const tours = registry.category("web_tour.tours");

function openApp() {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Servicetorg app",
            trigger: '.o_app[data-menu-xmlid="citizen_crm.citizen_crm_menu_root"]',
            run: "click",
        },
    ];
}

function registerMenu(xmlid) {
    return [
        {
            content: "Open the Register menu",
            trigger: '.o_menu_sections button:contains("Registrer")',
            run: "click",
        },
        {
            content: "Choose how the citizen came",
            trigger: `.o-dropdown--menu a[data-menu-xmlid="${xmlid}"]`,
            run: "click",
        },
        { trigger: ".modal .o_form_view" },
    ];
}

function pickCitizen(name) {
    return [
        {
            content: "Look the citizen up",
            trigger: '.modal .o_field_widget[name="partner_id"] input',
            run: `edit ${name}`,
        },
        {
            content: "Pick the citizen",
            trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item:contains("${name}")`,
            run: "click",
        },
        {
            trigger: `.modal .o_field_widget[name="partner_id"] input:value("${name}")`,
        },
    ];
}

function registerAndReadTheNumber() {
    return [
        {
            content: "Register",
            trigger: '.modal-footer button[name="action_register"]',
            run: "click",
        },
        {
            content: "The number to tell the citizen, in Bokmål",
            trigger: '.o_notification:contains("er registrert"):contains("HEN-")',
        },
    ];
}

tours.add("citizen_crm_counter_visit", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        {
            content: "The front desk lands on today's desk, not in a dialog",
            trigger: '.o_breadcrumb:contains("Dagens skranke")',
        },
        {
            trigger: 'body:not(:has(.modal))',
        },
        ...registerMenu("citizen_crm.citizen_inquiry_menu_counter"),
        {
            content: "Look up Kari: citizens only, and no one-keystroke Create",
            trigger: '.modal .o_field_widget[name="partner_id"] input',
            run: "edit Kari",
        },
        {
            trigger:
                '.o-autocomplete--dropdown-menu:has(.o-autocomplete--dropdown-item:contains("Kari Nordmann"))' +
                ':not(:has(.o-autocomplete--dropdown-item:contains("Kari Kollega")))' +
                ":not(:has(.o_m2o_dropdown_option_create))",
        },
        ...pickCitizen("Kari Nordmann"),
        {
            content: "Subject",
            trigger: '.modal .o_field_widget[name="name"] input',
            run: "edit Åpningstider for byggesak",
        },
        {
            content: "Answered there and then",
            trigger: '.modal .o_field_widget[name="answered_directly"] input',
            run: "click",
        },
        ...registerAndReadTheNumber(),
        {
            content: "The registered inquiry opens",
            trigger: '.o_form_view .o_field_widget[name="number"]:contains("HEN-")',
        },
    ],
});

tours.add("citizen_crm_phone_forward", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        ...registerMenu("citizen_crm.citizen_inquiry_menu_phone"),
        ...pickCitizen("Kari Nordmann"),
        {
            content: "The citizen asks about a building permit",
            trigger: '.modal .o_field_widget[name="service_id"] input',
            run: "edit Byggetillatelse",
        },
        {
            trigger: '.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item:contains("Byggetillatelse")',
            run: "click",
        },
        {
            content: "The service's responsible queue is proposed",
            trigger: '.modal .o_field_widget[name="queue_id"] input:value("Byggesak")',
        },
        {
            trigger: '.modal .o_field_widget[name="name"] input',
            run: "edit Garasje uten søknad",
        },
        ...registerAndReadTheNumber(),
        {
            content: "The forward is in the inquiry's history",
            trigger: '.o-mail-Message:contains("Videresendt fra"):contains("Byggesak")',
        },
    ],
});

tours.add("citizen_crm_caseworker_reply_close", {
    steps: () => [
        {
            content: "Write to the citizen",
            trigger: ".o-mail-Chatter-sendMessage",
            run: "click",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: "edit Du får svar fra byggesak innen fredag.",
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            trigger: '.o-mail-Message:contains("Du får svar fra byggesak")',
        },
        {
            content: "Close the inquiry",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_open_close_wizard"]',
            run: "click",
        },
        {
            content: "The wizard proposes what the history says: forwarded",
            trigger: '.modal .o_field_widget[name="resolution"] input:value("Videresendt")',
        },
        {
            trigger: '.modal-footer button[name="action_close"]',
            run: "click",
        },
        {
            content: "Closed",
            trigger: '.o_form_view .ribbon:contains("Avsluttet")',
        },
    ],
});
