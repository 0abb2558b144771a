"""Small builders for test records, one module per app; each returns a saved object with sensible defaults.

Import them from here: `from tests.factories import make_measure, make_meeting`.
"""

from tests.factories.experts import make_body, make_expert, make_meeting, make_membership, make_outcome
from tests.factories.measures import make_goal, make_measure, make_organisation, make_party

__all__ = [
    "make_body",
    "make_expert",
    "make_goal",
    "make_measure",
    "make_meeting",
    "make_membership",
    "make_organisation",
    "make_outcome",
    "make_party",
]
