"""The alerts' pages: ask for an alert, confirm it, unsubscribe in one click, manage an address's alerts.

None goes through the public page cache, and none says whether an address holds alerts: the links that open
an address's alerts are signed (django.core.signing) and only ever mailed to it.
"""

import logging

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from alerts.forms import AlertForm
from alerts.models import (
    CONFIRM_SALT,
    MANAGE_LINK_DAYS,
    MANAGE_SALT,
    UNSUBSCRIBE_SALT,
    Alert,
    AlertKind,
    canonical_query,
    manage_token,
)
from alerts.sending import confirmation_message
from alerts.throttling import allow_request

logger = logging.getLogger(__name__)

DAY = 24 * 3600


class LinkProblem(Exception):
    def __init__(self, message, status=400):
        super().__init__(message)
        self.message, self.status = message, status


def read_token(token, salt, days=None):
    """The value signed in a link, or LinkProblem saying what is wrong with the link."""
    try:
        return signing.loads(token, salt=salt, max_age=days * DAY if days else None)
    except signing.SignatureExpired:
        raise LinkProblem(_("This link has expired.")) from None
    except signing.BadSignature:
        raise LinkProblem(_("This link is not valid: check that it was copied whole from the mail.")) from None


def link_problem(request, problem):
    return render(request, "alerts/link_problem.html", {"message": problem.message}, status=problem.status)


@method_decorator(never_cache, name="dispatch")
class AlertCreateView(View):
    """The form; the list's filters come in the query string, the form posts back to the same URL. Which list
    (the alert's kind) is in the path, /alerts/new/ or /alerts/new/meetings/: the meetings list has a filter
    named `kind` of its own."""

    template_name = "alerts/new.html"
    kind = AlertKind.MEASURES

    def filterset(self):
        return AlertKind(self.kind).filterset_class(self.request.GET)

    def get(self, request):
        return self.show(AlertForm(), self.filterset())

    def post(self, request):
        filterset = self.filterset()
        form = AlertForm(request.POST)
        if not form.is_valid() or filterset.errors:
            return self.show(form, filterset)
        if not allow_request(request, form.cleaned_data["email"]):
            form.add_error(None, _("Too many alerts have been asked for from here or for this address. Try later."))
            return self.show(form, filterset, status=429)
        alert = form.save(commit=False)
        alert.kind = self.kind
        alert.query = canonical_query(filterset)
        alert.site_url = request.build_absolute_uri("/").rstrip("/")
        try:
            with transaction.atomic():
                alert.save()
                confirmation_message(alert).send()
        except Exception:
            logger.exception("Could not send the confirmation mail of an e-mail alert.")
            form.add_error(None, _("The confirmation mail could not be sent just now. Please try again later."))
            return self.show(form, filterset, status=503)
        return redirect("alerts:requested")

    def show(self, form, filterset, status=200):
        context = {
            "form": form,
            "filters": filterset.described_filters() if not filterset.errors else [],
            "filter_errors": [message for messages in filterset.errors.values() for message in messages],
            "list_query": filterset.query(without=["sort"]),
            "kind": self.kind,
            "list_url_name": AlertKind(self.kind).list_url_name,
        }
        return render(self.request, self.template_name, context, status=status)


@method_decorator(never_cache, name="dispatch")
class RequestedView(TemplateView):
    """The same page whatever the address: it says nothing of other alerts."""

    template_name = "alerts/requested.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(days=settings.ALERT_CONFIRMATION_DAYS, **kwargs)


class TokenView(View):
    salt = ""
    days = None

    @method_decorator(never_cache)
    def dispatch(self, request, token):
        try:
            self.value = read_token(token, self.salt, self.days)
        except LinkProblem as problem:
            return link_problem(request, problem)
        return super().dispatch(request, token)


class ConfirmView(TokenView):
    """GET shows a button, POST confirms: a mail scanner opening the link does not confirm in the reader's name."""

    salt = CONFIRM_SALT

    @property
    def days(self):
        return settings.ALERT_CONFIRMATION_DAYS

    def alert(self):
        alert = Alert.objects.filter(pk=self.value).first()
        if alert is None:
            raise LinkProblem(_("This alert no longer exists: it was deleted, or never confirmed in time."), 404)
        return alert

    def get(self, request, token):
        try:
            alert = self.alert()
        except LinkProblem as problem:
            return link_problem(request, problem)
        return render(request, "alerts/confirm.html", {"alert": alert, "filters": alert.described_filters()})

    def post(self, request, token):
        try:
            alert = self.alert()
        except LinkProblem as problem:
            return link_problem(request, problem)
        if not alert.is_confirmed:
            alert.confirmed_at = timezone.now()
            alert.save(update_fields=["confirmed_at"])
        return render(
            request,
            "alerts/confirmed.html",
            {"alert": alert, "filters": alert.described_filters(), "manage_token": manage_token(alert.email)},
        )


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(TokenView):
    """RFC 8058 one-click unsubscribe: the mail program POSTs to the link, without any CSRF token; opened in
    a browser, GET asks first. Either way, an alert already gone is no error."""

    salt = UNSUBSCRIBE_SALT

    def get(self, request, token):
        alert = Alert.objects.filter(pk=self.value).first()
        context = {"alert": alert, "filters": alert.described_filters() if alert else []}
        return render(request, "alerts/unsubscribe.html", context)

    def post(self, request, token):
        Alert.objects.filter(pk=self.value).delete()
        return render(request, "alerts/unsubscribed.html")


class ManageView(TokenView):
    """An address's alerts, from the link in each of its mails: delete one, or all of them."""

    salt = MANAGE_SALT
    days = MANAGE_LINK_DAYS

    def get(self, request, token, notice=""):
        alerts = [
            {"alert": alert, "filters": alert.described_filters()}
            for alert in Alert.objects.filter(address_key=self.value).confirmed().order_by("created_at")
        ]
        return render(request, "alerts/manage.html", {"alerts": alerts, "notice": notice})

    def post(self, request, token):
        alerts = Alert.objects.filter(address_key=self.value)
        if "delete_all" in request.POST:
            alerts.delete()
            notice = _("All your alerts are deleted, with the record of what was mailed to you.")
        else:
            pk = request.POST.get("delete", "").strip()
            deleted = alerts.filter(pk=int(pk)).delete()[0] if pk.isascii() and pk.isdigit() else 0
            notice = _("The alert is deleted.") if deleted else _("That alert was already deleted.")
        return self.get(request, token, notice=notice)
