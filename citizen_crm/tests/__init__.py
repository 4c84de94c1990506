from . import test_sla
from . import test_legal_deadlines
from . import test_routing
from . import test_assignment
from . import test_deadline_report
from . import test_data
from . import test_portal
from . import test_web_form
