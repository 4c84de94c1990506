from . import test_counter_intake
from . import test_mail_dead_letter
from . import test_mail_intake
from . import test_mail_performance
