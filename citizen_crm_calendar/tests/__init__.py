from . import test_appointment, test_performance
