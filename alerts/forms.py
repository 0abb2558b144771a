from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert


class AlertForm(forms.ModelForm):
    # Not "language": the measures list has a filter of that name (the language a record is written in).
    mail_language = forms.ChoiceField(label=_("Language of the mails"), choices=settings.LANGUAGES)

    class Meta:
        model = Alert
        fields = ["email", "frequency"]
        labels = {"email": _("Your e-mail address"), "frequency": _("How often")}
        help_texts = {
            "email": _("We send a mail to this address to check it is yours: nothing is sent before you confirm."),
        }
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "frequency": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each language in its own name, as the language switcher shows them.
        self.fields["mail_language"].choices = [
            (code, capfirst(get_language_info(code)["name_local"])) for code, _name in settings.LANGUAGES
        ]
        language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        if language in dict(settings.LANGUAGES):
            self.fields["mail_language"].initial = language

    def save(self, commit=True):
        self.instance.language = self.cleaned_data["mail_language"]
        return super().save(commit=commit)
