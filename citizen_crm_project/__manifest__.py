# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Citizen CRM: Project",
    "summary": "Inquiries become tasks in the department's project; the task's "
    "progress reaches the inquiry and the citizen's portal page",
    "version": "19.0.1.0.0",
    "category": "Services/Citizen CRM",
    "license": "LGPL-3",
    "author": "citizen_crm developers",
    "website": "https://github.com/citizen-crm/citizen_crm",
    "depends": ["citizen_crm", "project"],
    "data": [
        "views/citizen_queue_views.xml",
        "views/citizen_inquiry_views.xml",
        "views/project_task_views.xml",
        "views/citizen_inquiry_portal_templates.xml",
    ],
    "demo": ["demo/citizen_crm_project_demo.xml"],
    # Installed with Odoo's project when citizen_crm is there, the Odoo way.
    "auto_install": True,
    "installable": True,
}
