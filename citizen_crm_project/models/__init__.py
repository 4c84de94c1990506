from . import citizen_queue
from . import citizen_inquiry
from . import project_task
