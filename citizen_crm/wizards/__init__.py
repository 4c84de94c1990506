from . import citizen_inquiry_wizard_mixin
from . import citizen_inquiry_close
from . import citizen_inquiry_forward
from . import citizen_retention_preview
from . import citizen_inquiry_preliminary_answer
from . import citizen_inquiry_gdpr_extension
