from . import test_data
