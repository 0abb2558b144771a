"""The back office writes whole numbers without grouping their digits.

`USE_THOUSAND_SEPARATOR` groups the numbers of the public pages as each language writes them (1,234 / 1 234 /
1.234; docs/development.md, "Numbers and dates in templates"). The admin would group every integer field the same
way, in its changelists and in its read-only fields (every field of a page its user may only view), and this
portal's integer fields there are years (report year, period, cycle, founding year, submission year), positions
and small numbers: "2,024" would be wrong. Both go through `display_for_field`, which `install()` wraps so that an
integer field is written as is, as it was before the setting; decimals (amounts) keep Django's grouping.
"""

from django.contrib.admin import helpers, utils
from django.contrib.admin.templatetags import admin_list
from django.db import models

_display_for_field = utils.display_for_field


def display_for_field(value, field, empty_value_display, avoid_link=False):
    """Django's `display_for_field`, but an integer field's value (without choices) with its digits as they are."""
    if isinstance(field, models.IntegerField) and not field.flatchoices and value not in field.empty_values:
        return str(value)
    return _display_for_field(value, field, empty_value_display, avoid_link=avoid_link)


def install():
    """Use display_for_field wherever the admin reads it by name (its read-only fields and its changelists)."""
    for module in (utils, helpers, admin_list):
        module.display_for_field = display_for_field
