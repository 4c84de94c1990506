from . import test_performance
