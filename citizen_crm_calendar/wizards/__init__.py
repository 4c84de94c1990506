from . import citizen_appointment_book
