"""The back office speaks the person's language.

The public site takes its language from the address (`/`, `/fr/`, `/es/`); the back office has one address for
everyone, so LocaleMiddleware would leave it in English. Here, after sign-in is known: the language chosen on
the person's account, or else the browser's (`Accept-Language`, then the language cookie), as on the sign-in page.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _


def back_office_language(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language:
        return user.language
    return translation.get_language_from_request(request, check_path=False)


class BackOfficeLanguageMiddleware:
    """After AuthenticationMiddleware: requests to the back office get the person's language."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/" + settings.ADMIN_URL.lstrip("/")

    def __call__(self, request):
        if not request.path_info.startswith(self.prefix):
            return self.get_response(request)
        language = back_office_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response


class LanguageForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["language"]
        widgets = {"language": forms.Select(attrs={"aria-describedby": "id_language_helptext"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("As my browser asks")), *settings.LANGUAGES]


def language_view(request):
    """The back office's page where a person chooses their language (served inside the admin)."""
    form = LanguageForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        translation.activate(back_office_language(request))
        messages.success(request, _("Your language is saved."))
        return HttpResponseRedirect(reverse("admin:index"))
    context = {**admin.site.each_context(request), "title": _("Your language"), "form": form}
    return TemplateResponse(request, "admin/language.html", context)
