from . import calendar_event, citizen_inquiry, citizen_queue
