from . import test_national_id
from . import test_citizen
from . import test_inquiry_flows
from . import test_access
from . import test_views
from . import test_queue
