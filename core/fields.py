"""Model and form fields shared by the apps."""

from django import forms
from django.db import models

from core.validators import validate_web_url


class WebURLFormField(forms.URLField):
    default_validators = [validate_web_url]

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class WebURLField(models.URLField):
    """A web address: http or https only (Django's URLField also takes ftp and ftps)."""

    default_validators = [validate_web_url]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": WebURLFormField, **kwargs})


class BitSetField(models.PositiveBigIntegerField):
    """A set of small numbers (0 to 62) kept as the bits of one integer: number n is in the set when bit n is
    on. Filter with ``field__intersects=bits`` (some number in common)."""

    MAX_NUMBER = 62  # bit 63 is the sign of a 64-bit integer

    @staticmethod
    def bits(numbers):
        value = 0
        for number in numbers:
            value |= 1 << number
        return value

    @staticmethod
    def numbers(bits):
        return [number for number in range(BitSetField.MAX_NUMBER + 1) if bits >> number & 1]


@BitSetField.register_lookup
class Intersects(models.Lookup):
    lookup_name = "intersects"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"({lhs} & {rhs}) <> 0", [*lhs_params, *rhs_params]
