from . import citizen_inquiry_close
from . import citizen_inquiry_forward
from . import citizen_retention_preview
