from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The portal's user; custom from the first migration so it can grow without pain."""

    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the back office and of the mails you receive. Empty: your browser's."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def preferred_language(self):
        """The language to write to this user in (the back office, mails): theirs, else the portal's default."""
        return self.language or settings.LANGUAGE_CODE


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(user__is_active=True)


class Membership(models.Model):
    """A user who speaks for an organisation (civil-society editor) or for a Party (focal point).

    What the user may do comes from their groups (see accounts/roles.py); which measures they may do it
    to comes from these rows.
    """

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "measures.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="user_memberships",
        help_text=_("For a civil-society editor."),
    )
    party = models.ForeignKey(
        "measures.Party",
        verbose_name=_("Party"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="user_memberships",
        help_text=_("For a Party's focal point."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__username", "pk"]
        verbose_name = _("user membership")
        verbose_name_plural = _("user memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, party__isnull=True)
                | Q(organisation__isnull=True, party__isnull=False),
                name="membership_organisation_xor_party",
                violation_error_message=_("Choose either an organisation or a Party, not both."),
            ),
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(organisation__isnull=False),
                name="membership_unique_user_organisation",
                violation_error_message=_("This user already speaks for this organisation."),
            ),
            models.UniqueConstraint(
                fields=["user", "party"],
                condition=Q(party__isnull=False),
                name="membership_unique_user_party",
                violation_error_message=_("This user is already a focal point for this Party."),
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation or self.party}"
