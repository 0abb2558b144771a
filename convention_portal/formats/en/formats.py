# The portal writes English dates as its French and Spanish ones are written, day first ("4 December 2026"),
# not Django's American default ("Dec. 4, 2026"). French and Spanish keep Django's own formats.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
