"""What a stored text or web address may contain, shared by every app's models.

Web addresses: http and https only, so no ``javascript:``, ``data:`` or ``ftp:`` address is ever stored and
later rendered as a link. Text: no C0 control character other than tab, line feed and carriage return, no
DEL, U+FFFE or U+FFFF, because PostgreSQL refuses NUL in text and XML (the Atom feed) cannot carry the others.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

WEB_SCHEMES = ("http", "https")

#: C0 control characters and DEL, except tab (\x09), line feed (\x0a) and carriage return (\x0d); and the two
#: noncharacters XML cannot carry either.
FORBIDDEN_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@deconstructible
class WebURLValidator(URLValidator):
    """A complete http or https address."""

    message = _("Enter a web address starting with http:// or https://.")
    # Its own code, so that a form field's generic "Enter a valid URL." does not replace the message.
    code = "invalid_web_url"

    def __init__(self, **kwargs):
        super().__init__(schemes=list(WEB_SCHEMES), **kwargs)


validate_web_url = WebURLValidator()


def strip_control_characters(value):
    """The text without the control characters a stored text may not hold (for output that cannot carry them)."""
    return FORBIDDEN_CONTROL_CHARACTERS.sub("", value)


def validate_no_control_characters(value, field_name):
    if isinstance(value, str) and FORBIDDEN_CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _("“%(field)s” contains invisible control characters; remove them (tabs and line breaks are fine)."),
            code="control_characters",
            params={"field": field_name},
        )


class RefusesControlCharacters:
    """Model mixin: full_clean() (admin forms, inlines, imports) refuses control characters in any text field."""

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if (
                field.name in (exclude or ())
                or field.name in errors
                or not isinstance(field, models.CharField | models.TextField)
            ):
                continue
            try:
                validate_no_control_characters(getattr(self, field.attname), capfirst(field.verbose_name))
            except ValidationError as error:
                errors[field.name] = error.error_list
        if errors:
            raise ValidationError(errors)
