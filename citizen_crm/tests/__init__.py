from . import test_national_id
from . import test_citizen
