from . import test_national_id
from . import test_citizen
from . import test_inquiry_flows
from . import test_access
