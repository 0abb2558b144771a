"""The review panel on the admin index: what waits for the secretariat, and what came back to an editor."""

from django import template
from django.urls import reverse

from accounts.roles import is_reviewer, represented
from measures.models import Measure, PeriodicReport

register = template.Library()

LIST_LENGTH = 10


@register.inclusion_tag("admin/review_dashboard.html", takes_context=True)
def review_dashboard(context):
    user = context["request"].user
    if is_reviewer(user):
        return {
            "is_reviewer": True,
            "waiting_count": Measure.objects.filter(status=Measure.Status.SUBMITTED).count(),
            "waiting_url": reverse("admin:measures_measure_changelist") + f"?status__exact={Measure.Status.SUBMITTED}",
            "reports_waiting": PeriodicReport.objects.filter(status=PeriodicReport.Status.SUBMITTED).count(),
            "reports_url": reverse("admin:measures_periodicreport_changelist")
            + f"?status__exact={PeriodicReport.Status.SUBMITTED}",
        }
    if not represented(user):
        return {}
    mine = Measure.objects.visible_to(user).select_related("party").order_by("-updated_at")
    return {
        "is_editor": True,
        "returned": list(mine.filter(status=Measure.Status.RETURNED)[:LIST_LENGTH]),
        "drafts": list(mine.filter(status=Measure.Status.DRAFT)[:LIST_LENGTH]),
        "submitted_count": mine.filter(status=Measure.Status.SUBMITTED).count(),
    }
