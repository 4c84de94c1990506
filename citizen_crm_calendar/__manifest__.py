# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Citizen CRM: Calendar",
    "summary": "Book an appointment for the citizen from an inquiry, in the free "
    "working hours of the servicetorg or a caseworker; today's appointments at "
    "the counter",
    "version": "19.0.1.0.0",
    "category": "Services/Citizen CRM",
    "license": "LGPL-3",
    "author": "citizen_crm developers",
    "website": "https://github.com/citizen-crm/citizen_crm",
    "depends": ["citizen_crm", "calendar"],
    "data": [
        "security/ir.model.access.csv",
        "data/calendar_alarm_data.xml",
        "wizards/citizen_appointment_book_views.xml",
        "views/citizen_queue_views.xml",
        "views/citizen_inquiry_views.xml",
        "views/calendar_event_views.xml",
    ],
    "demo": ["demo/citizen_crm_calendar_demo.xml"],
    # Installed with Odoo's calendar when citizen_crm is there, the Odoo way.
    "auto_install": True,
    "installable": True,
}
