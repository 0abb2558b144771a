"""The review workflow, in one place: who may see, edit, delete and move a measure or a periodic report.

A measure moves draft → submitted → returned/published → withdrawn, as TRANSITIONS lists; nothing else.
Every move runs in one transaction with the measure's row locked, so two reviewers cannot both act on the
same submission; it is logged as a MeasureTransition, and mail goes out only once the move is committed.
A failing mail server is logged and never undoes a move.

Saves through the admin use optimistic locking: the form carries the version it was read at, and a save
succeeds only with `UPDATE … WHERE version = N`.
"""

import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.roles import REVIEW_PERMISSION, is_reviewer, represented
from core.validators import FORBIDDEN_CONTROL_CHARACTERS
from measures.models import Measure, MeasureStatus, MeasureTransition, PeriodicReport, ReportedBy, ReportingCycle

logger = logging.getLogger(__name__)

Status = MeasureStatus
ReportStatus = PeriodicReport.Status

#: The statuses in which the measure's own editors may still change it.
EDITABLE_BY_EDITORS = frozenset({Status.DRAFT, Status.RETURNED})


class WorkflowError(Exception):
    """A move or save the workflow refuses; `str(error)` is a message for the person who asked."""


class MoveNotAllowed(WorkflowError):
    pass


class CommentRequired(WorkflowError):
    pass


class CommentRefused(WorkflowError):
    pass


class StaleVersion(WorkflowError):
    def __init__(self, message, current_version=None):
        super().__init__(message)
        self.current_version = current_version


STALE_VERSION_MESSAGE = _(
    "Someone else saved this measure after you opened it, so your changes were not saved. "
    "What you typed is still in the form below. Open the measure in another tab to compare with their "
    "version; saving this form again will replace their version with yours."
)


class Move(models.TextChoices):
    SUBMIT = "submit", _("Submit for review")
    TAKE_BACK = "take_back", _("Take back to draft")
    RETURN = "return", _("Return to the editors")
    PUBLISH = "publish", _("Publish")
    WITHDRAW = "withdraw", _("Withdraw")


class Notify:
    """Whom a move is mailed to: the secretariat's reviewers, or the measure's editors (or focal points)."""

    NOBODY = ""
    REVIEWERS = "reviewers"
    EDITORS = "editors"


@dataclass(frozen=True)
class Transition:
    move: str
    sources: frozenset
    target: str
    reviewer_only: bool
    not_yours: str
    wrong_status: str
    done: str
    explain: str
    comment_required: bool = False
    notify: str = Notify.NOBODY

    @property
    def label(self):
        return Move(self.move).label


TRANSITIONS = {
    rule.move: rule
    for rule in (
        Transition(
            Move.SUBMIT,
            frozenset({Status.DRAFT, Status.RETURNED}),
            Status.SUBMITTED,
            reviewer_only=False,
            not_yours=_("Only the measure's editors and the secretariat can submit it for review."),
            wrong_status=_("Only a draft or returned measure can be submitted; its status is now “%(status)s”."),
            done=_("“%(title)s” was submitted for review."),
            explain=_("The secretariat is told by mail. You cannot change the measure while it is under review."),
            notify=Notify.REVIEWERS,
        ),
        Transition(
            Move.TAKE_BACK,
            frozenset({Status.SUBMITTED}),
            Status.DRAFT,
            reviewer_only=False,
            not_yours=_("Only the measure's editors and the secretariat can take it back."),
            wrong_status=_("Only a submitted measure can be taken back; its status is now “%(status)s”."),
            done=_("“%(title)s” was taken back to draft."),
            explain=_("The measure leaves the review queue and can be changed again."),
        ),
        Transition(
            Move.RETURN,
            frozenset({Status.SUBMITTED}),
            Status.RETURNED,
            reviewer_only=True,
            not_yours=_("Only the secretariat can return a measure."),
            wrong_status=_("Only a submitted measure can be returned; its status is now “%(status)s”."),
            done=_("“%(title)s” was returned to its editors."),
            explain=_("The measure goes back to its editors with your comment, which they also receive by mail."),
            comment_required=True,
            notify=Notify.EDITORS,
        ),
        Transition(
            Move.PUBLISH,
            frozenset({Status.SUBMITTED}),
            Status.PUBLISHED,
            reviewer_only=True,
            not_yours=_("Only the secretariat can publish a measure."),
            wrong_status=_("Only a submitted measure can be published; its status is now “%(status)s”."),
            done=_("“%(title)s” was published."),
            explain=_("Anyone can then read the measure on the portal. Its editors are told by mail."),
            notify=Notify.EDITORS,
        ),
        Transition(
            Move.WITHDRAW,
            frozenset({Status.PUBLISHED}),
            Status.WITHDRAWN,
            reviewer_only=True,
            not_yours=_("Only the secretariat can withdraw a measure."),
            wrong_status=_("Only a published measure can be withdrawn; its status is now “%(status)s”."),
            done=_("“%(title)s” was withdrawn."),
            explain=_("The measure disappears from the public portal. Its editors receive your comment by mail."),
            comment_required=True,
            notify=Notify.EDITORS,
        ),
    )
}


def rule_for(move):
    try:
        return TRANSITIONS[move]
    except KeyError:
        raise MoveNotAllowed(_("There is no such move.")) from None


def rule_between(from_status, to_status):
    return next(
        (rule for rule in TRANSITIONS.values() if from_status in rule.sources and rule.target == to_status), None
    )


# Who may do what -------------------------------------------------------------------------------------------


def speaks_for(user, measure):
    """Whether the user is one of the measure's editors (or focal points): the rule `visible_to` applies in SQL."""
    scope = represented(user)
    if measure.reported_by == ReportedBy.CIVIL_SOCIETY:
        return measure.organisation_id is not None and measure.organisation_id in scope.organisation_ids
    return measure.party_id is not None and measure.party_id in scope.party_ids


def can_view(user, measure):
    return is_reviewer(user) or speaks_for(user, measure)


def can_edit(user, measure):
    """The secretariat edits any measure; its editors only while it is a draft or returned to them."""
    if not user.has_perm("measures.change_measure"):
        return False
    if is_reviewer(user):
        return True
    return speaks_for(user, measure) and measure.status in EDITABLE_BY_EDITORS


def can_delete(user, measure):
    """Editors delete their own drafts; the secretariat anything not published (withdraw first); superusers all."""
    if not user.has_perm("measures.delete_measure"):
        return False
    if user.is_superuser:
        return True
    if is_reviewer(user):
        return measure.status != Status.PUBLISHED
    return speaks_for(user, measure) and measure.status == Status.DRAFT


def refusal(user, measure, rule):
    """Why this user may not make this move on this measure now, or None if they may."""
    if rule.reviewer_only:
        allowed = is_reviewer(user)
    else:
        allowed = user.has_perm("measures.change_measure") and can_view(user, measure)
    if not allowed:
        return str(rule.not_yours)
    if measure.status not in rule.sources:
        return str(rule.wrong_status) % {"status": measure.get_status_display()}
    return None


def allowed_moves(user, measure):
    """The moves this user may make on this measure in its current status, in workflow order."""
    return [rule for rule in TRANSITIONS.values() if refusal(user, measure, rule) is None]


def new_measure_defaults(user):
    """What an editor's new measure gets without choosing: who reports it and, if there is only one, for whom."""
    if is_reviewer(user):
        return {}
    scope = represented(user)
    defaults = {}
    if scope.organisation_ids and not scope.party_ids:
        defaults["reported_by"] = ReportedBy.CIVIL_SOCIETY
        if len(scope.organisation_ids) == 1:
            defaults["organisation_id"] = next(iter(scope.organisation_ids))
    elif scope.party_ids and not scope.organisation_ids:
        defaults["reported_by"] = ReportedBy.PARTY
        if len(scope.party_ids) == 1:
            defaults["party_id"] = next(iter(scope.party_ids))
    return defaults


# Moves -----------------------------------------------------------------------------------------------------


def transition(measure, move, user, comment="", *, site_url=""):
    """Make `move` on `measure` as `user`; return the logged step, or raise a WorkflowError and change nothing.

    `site_url` (scheme and host) makes the links in the notification mail absolute.
    """
    rule = rule_for(move)
    comment = (comment or "").strip()
    if rule.comment_required and not comment:
        raise CommentRequired(_("Please write a comment: the editors need to know why."))
    if FORBIDDEN_CONTROL_CHARACTERS.search(comment):
        raise CommentRefused(_("The comment contains invisible control characters; remove them."))
    with transaction.atomic():
        locked = Measure.objects.visible_to(user).select_for_update().filter(pk=measure.pk).first()
        if locked is None:
            raise MoveNotAllowed(_("This measure does not exist, or you may not see it."))
        reason = refusal(user, locked, rule)
        if reason:
            raise MoveNotAllowed(reason)
        source = locked.status
        locked.status = rule.target
        locked.version += 1
        locked.updated_by = user
        locked._history_user = user
        locked._change_reason = str(rule.label)
        locked.save(update_fields=["status", "version", "updated_by", "updated_at"])
        step = MeasureTransition.objects.create(
            measure=locked, from_status=source, to_status=rule.target, actor=user, comment=comment
        )
        if rule.notify != Notify.NOBODY:
            transaction.on_commit(partial(notify, step.pk, site_url=site_url), robust=True)
    for field in ("status", "version", "updated_by_id", "updated_at", "published_at"):
        setattr(measure, field, getattr(locked, field))
    return step


transition.alters_data = True


def success_message(step):
    rule = rule_between(step.from_status, step.to_status)
    return str(rule.done) % {"title": step.measure.title}


# Optimistic locking for saves through the admin ------------------------------------------------------------


def lock_version(measure_pk, expected_version):
    """Lock the measure's row until the transaction ends; raise StaleVersion if it was saved since `expected_version`.

    Called while validating the form, so a refused save keeps what the user typed.
    """
    current = Measure.objects.select_for_update().filter(pk=measure_pk).values_list("version", flat=True).first()
    if current is None or current != expected_version:
        raise StaleVersion(STALE_VERSION_MESSAGE, current_version=current)


def claim_version(measure, expected_version):
    """Bump the version with one `UPDATE … WHERE version = N`; raise StaleVersion if N is no longer current."""
    updated = Measure.objects.filter(pk=measure.pk, version=expected_version).update(version=F("version") + 1)
    if not updated:
        raise StaleVersion(STALE_VERSION_MESSAGE)
    measure.version = expected_version + 1


# Mail ------------------------------------------------------------------------------------------------------


def editors_of(measure):
    """Active users who speak for the measure's organisation (civil society) or its Party (reported by the Party)."""
    users = get_user_model().objects.filter(is_active=True)
    if measure.reported_by == ReportedBy.CIVIL_SOCIETY:
        return users.filter(memberships__organisation_id=measure.organisation_id)
    return users.filter(memberships__party_id=measure.party_id)


def reviewers():
    # Permissions come from groups (ModelBackend); the other backend only throttles sign-ins.
    return get_user_model().objects.with_perm(
        REVIEW_PERMISSION, include_superusers=False, backend="django.contrib.auth.backends.ModelBackend"
    )


def recipients(step, rule):
    """(address, language) of each person to mail about a step: not the one who made it."""
    users = reviewers() if rule.notify == Notify.REVIEWERS else editors_of(step.measure)
    if step.actor_id:
        users = users.exclude(pk=step.actor_id)
    return sorted(
        {
            (email, language or settings.LANGUAGE_CODE)
            for email, language in users.values_list("email", "language")
            if email
        }
    )


def notify(step_pk, site_url=""):
    """Mail the people a committed move concerns, each in their own language; log, never raise, when that fails."""
    try:
        step = MeasureTransition.objects.select_related("measure__party", "measure__organisation", "actor").get(
            pk=step_pk
        )
        rule = rule_between(step.from_status, step.to_status)
        addresses = recipients(step, rule)
        if not addresses:
            return
        measure = step.measure
        context = {
            "step": step,
            "measure": measure,
            "admin_url": site_url + reverse("admin:measures_measure_change", args=[measure.pk]),
        }
        messages = []
        for language in sorted({language for _address, language in addresses}):
            with translation.override(language):
                # The public page's address in the reader's language (/fr/…), the back office's is the same for all.
                context["public_url"] = site_url + measure.get_absolute_url()
                subject = " ".join(
                    render_to_string(f"emails/measure_{Move(rule.move).value}_subject.txt", context).split()
                )
                body = render_to_string(f"emails/measure_{Move(rule.move).value}_body.txt", context)
            messages += [
                EmailMessage(subject, body, to=[address], headers={"Content-Language": language})
                for address, address_language in addresses
                if address_language == language
            ]
        get_connection().send_messages(messages)
    except Exception:
        logger.exception("Could not send the mail for workflow step %s; the move itself is saved.", step_pk)


# Periodic reports ------------------------------------------------------------------------------------------


class ReportMove(models.TextChoices):
    START = "start", _("Start the draft")
    SUBMIT = "submit", _("Submit the report")
    TRANSMIT = "transmit", _("Mark as transmitted")
    PUBLISH = "publish", _("Mark as published")


@dataclass(frozen=True)
class ReportTransition:
    move: str
    source: str
    target: str
    reviewer_only: bool
    done: str

    @property
    def label(self):
        return ReportMove(self.move).label


REPORT_TRANSITIONS = {
    rule.move: rule
    for rule in (
        ReportTransition(
            ReportMove.START, ReportStatus.EXPECTED, ReportStatus.DRAFT, False, _("The report is now a draft.")
        ),
        ReportTransition(
            ReportMove.SUBMIT, ReportStatus.DRAFT, ReportStatus.SUBMITTED, False, _("The report was submitted.")
        ),
        ReportTransition(
            ReportMove.TRANSMIT,
            ReportStatus.SUBMITTED,
            ReportStatus.TRANSMITTED,
            True,
            _("The report is marked as transmitted."),
        ),
        ReportTransition(
            ReportMove.PUBLISH,
            ReportStatus.TRANSMITTED,
            ReportStatus.PUBLISHED,
            True,
            _("The report is marked as published."),
        ),
    )
}


def open_cycle(today=None):
    """The reporting cycle whose deadline has not passed yet (the nearest one), or None."""
    today = today or timezone.localdate()
    return ReportingCycle.objects.filter(deadline__gte=today).order_by("deadline").first()


def is_focal_point_for_open_report(user, report):
    cycle = open_cycle()
    return (
        user.has_perm("measures.change_periodicreport")
        and report.party_id in represented(user).party_ids
        and cycle is not None
        and report.cycle_id == cycle.pk
    )


def can_edit_report(user, report):
    """The secretariat edits any report; a focal point their Party's report for the open cycle until submitted."""
    if is_reviewer(user):
        return user.has_perm("measures.change_periodicreport")
    return is_focal_point_for_open_report(user, report) and report.status in PeriodicReport.NOT_YET_SUBMITTED


def report_refusal(user, report, rule):
    if rule.reviewer_only:
        allowed = is_reviewer(user) and user.has_perm("measures.change_periodicreport")
    else:
        allowed = (is_reviewer(user) and user.has_perm("measures.change_periodicreport")) or (
            is_focal_point_for_open_report(user, report)
        )
    if not allowed:
        return str(_("You may not make this change to this report."))
    if report.status != rule.source:
        return str(_("This report's status is now “%(status)s”; nothing was changed.")) % {
            "status": report.get_status_display()
        }
    return None


def allowed_report_moves(user, report):
    return [rule for rule in REPORT_TRANSITIONS.values() if report_refusal(user, report, rule) is None]


def transition_report(report, move, user):
    """Move a periodic report one step, with its row locked; raise a WorkflowError and change nothing if refused."""
    try:
        rule = REPORT_TRANSITIONS[move]
    except KeyError:
        raise MoveNotAllowed(_("There is no such move.")) from None
    with transaction.atomic():
        locked = PeriodicReport.objects.visible_to(user).select_for_update().filter(pk=report.pk).first()
        if locked is None:
            raise MoveNotAllowed(_("This report does not exist, or you may not see it."))
        reason = report_refusal(user, locked, rule)
        if reason:
            raise MoveNotAllowed(reason)
        locked.status = rule.target
        fields = ["status"]
        if rule.target == ReportStatus.SUBMITTED and locked.submission_date is None:
            locked.submission_date = timezone.localdate()
            fields.append("submission_date")
        locked._history_user = user
        locked._change_reason = str(rule.label)
        locked.save(update_fields=fields)
    report.status, report.submission_date = locked.status, locked.submission_date
    return rule


transition_report.alters_data = True
