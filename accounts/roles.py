"""Who a user is in the review workflow.

Groups (created by migration 0003) say what a user may do; memberships say for whom. A reviewer is
anyone holding `measures.review_measure` (the secretariat's group, and superusers).
"""

from dataclasses import dataclass

REVIEWERS = "Secretariat reviewers"
EDITORS = "Civil-society editors"
FOCAL_POINTS = "Party focal points"

REVIEW_PERMISSION = "measures.review_measure"


@dataclass(frozen=True)
class Represented:
    """The organisations and Parties a user speaks for."""

    organisation_ids: frozenset = frozenset()
    party_ids: frozenset = frozenset()

    def __bool__(self):
        return bool(self.organisation_ids or self.party_ids)


def is_reviewer(user):
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(REVIEW_PERMISSION))


def represented(user):
    """The organisations and Parties this user speaks for, read once per user object."""
    if not (user and user.is_authenticated and user.is_active):
        return Represented()
    cached = getattr(user, "_represented_cache", None)
    if cached is None:
        rows = list(user.memberships.values_list("organisation_id", "party_id"))
        cached = Represented(
            organisation_ids=frozenset(org for org, _ in rows if org is not None),
            party_ids=frozenset(party for _, party in rows if party is not None),
        )
        user._represented_cache = cached
    return cached
