from . import citizen_inquiry_deadline_report
