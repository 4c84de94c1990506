from . import test_data
from . import test_performance
from . import test_portal
from . import test_web_form
