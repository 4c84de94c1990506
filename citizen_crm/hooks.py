def post_init_hook(env):
    """Number inquiries per municipality from the start, and give every
    company a default (servicetorg) queue."""
    companies = env["res.company"].search([])
    companies._citizen_ensure_inquiry_sequence()
    servicetorg = env.ref(
        "citizen_crm.citizen_queue_servicetorg", raise_if_not_found=False
    )
    if servicetorg:
        for company in companies.filtered(lambda c: not c.citizen_default_queue_id):
            if servicetorg.company_id == company:
                company.citizen_default_queue_id = servicetorg
