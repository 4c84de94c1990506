from . import citizen_inquiry_close
from . import citizen_inquiry_forward
