from . import test_i18n, test_inquiry_task, test_performance, test_portal_task
