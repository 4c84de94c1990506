/** Issue 17: the counter visit and the forwarded phone call as the front desk
 * did them before the issue (the app opening on the counter dialog, no number
 * after Register, the inquiry searched for, forwarded in a second step) and
 * after. Run by bench/desk_flows/run, which copies this file into the addon
 * of each tree it measures. Every step with a `run` is one action of the user
 * (a click, a pick, or a field typed into); the others wait for the screen.
 * The runner counts them with Node, the steps being plain data. */
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");
const click = (trigger, content) => ({ trigger, content, run: "click" });
const type = (trigger, text) => ({ trigger, run: `edit ${text}` });
const see = (trigger) => ({ trigger });
const SECTION = (xmlid) => `.o_menu_sections [data-menu-xmlid="citizen_crm.${xmlid}"]`;
const ITEM = (xmlid) => `.o-dropdown--menu a[data-menu-xmlid="citizen_crm.${xmlid}"]`;
const PICK = '.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item';

// Both start on the inquiry list: before issue 17 the app icon opened the
// counter dialog and, once it was closed, left the user in Discuss without the
// app's menus (a dead end, not a flow to time).
const START = "/odoo/action-citizen_crm.citizen_inquiry_action";
const citizen = () => [
    type('.modal .o_field_widget[name="partner_id"] input', "Kari Nordmann"),
    click(`${PICK}:contains("Kari Nordmann")`),
];
const service = () => [
    type('.modal .o_field_widget[name="service_id"] input', "Byggetillatelse"),
    click(`${PICK}:contains("Byggetillatelse")`),
];
const register = () => [
    click(".modal-footer .btn-primary"),
    see("body:not(:has(.modal))"),
];
// Before: the number was found by searching for the citizen's inquiries (the
// search box searched the number by default: the citizen option is chosen).
const findTheInquiry = (subject, { removeOpenFilter }) => [
    see(".o_list_view"),
    ...(removeOpenFilter ? [click(".o_searchview_facet .o_facet_remove")] : []),
    type(".o_searchview_input", "Kari Nordmann"),
    click('.o_searchview_autocomplete .o-dropdown-item:contains("Citizen")'),
    see('.o_searchview_facet:contains("Kari Nordmann")'),
    // the newest first: each round registers one more
    click(`.o_data_row:contains("${subject}"):eq(0) td[name="name"]`),
    see('.o_form_view .o_field_widget[name="number"]:contains("HEN-")'),
];

// The counter visit, answered there and then, up to Register.
const counterVisit = () => [
    click(SECTION("citizen_crm_menu_register")),
    click(ITEM("citizen_inquiry_menu_counter")),
    ...citizen(),
    type('.modal .o_field_widget[name="name"] input', "Åpningstider"),
    click('.modal .o_field_widget[name="answered_directly"] input'),
    ...register(),
];

// A phone call about a building permit, up to Register; after issue 17 the
// form proposes the service's queue (a check, not an action).
const phoneCall = ({ queueProposed }) => [
    click(SECTION("citizen_crm_menu_register")),
    click(ITEM("citizen_inquiry_menu_phone")),
    ...citizen(),
    ...service(),
    ...(queueProposed
        ? [see('.modal .o_field_widget[name="queue_id"] input:value("Byggesak")')]
        : []),
    type('.modal .o_field_widget[name="name"] input', "Garasje"),
    ...register(),
];

tours.add("desk_flow_counter_before", {
    url: START,
    steps: () => [
        ...counterVisit(),
        // no number was shown: the closed inquiry is searched for
        ...findTheInquiry("Åpningstider", { removeOpenFilter: true }),
    ],
});

tours.add("desk_flow_counter_after", {
    url: START,
    steps: () => [...counterVisit(), see('.o_notification:contains("HEN-")')],
});

tours.add("desk_flow_forward_before", {
    url: START,
    steps: () => [
        ...phoneCall({ queueProposed: false }),
        ...findTheInquiry("Garasje", { removeOpenFilter: false }),
        click('.o_form_view button[name="action_open_forward_wizard"]'),
        type('.modal .o_field_widget[name="queue_id"] input', "Byggesak"),
        click(`${PICK}:contains("Byggesak")`),
        click(".modal-footer .btn-primary"),
        see("body:not(:has(.modal))"),
        see(
            '.o_action_manager .o_field_widget[name="queue_id"] input:value("Byggesak"), ' +
                '.o_action_manager .o_field_widget[name="queue_id"]:contains("Byggesak")'
        ),
    ],
});

tours.add("desk_flow_forward_after", {
    url: START,
    steps: () => [
        ...phoneCall({ queueProposed: true }),
        see('.o_notification:contains("HEN-")'),
    ],
});
