from . import test_privacy_audit
from . import test_privacy_gdpr
from . import test_privacy_identity
from . import test_privacy_inquiry
from . import test_privacy_mail
from . import test_privacy_protection
from . import test_privacy_portal
