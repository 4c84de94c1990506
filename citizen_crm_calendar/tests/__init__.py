from . import test_appointment, test_i18n, test_performance
