"""Model and form fields shared by the apps."""

from django import forms
from django.db import models

from measures.validators import validate_web_url


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
