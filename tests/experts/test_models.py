"""The experts app's models: database constraints, dates as people write them, session labels, ordering."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from experts.dates import format_date_range, format_partial_date
from experts.models import Meeting, MeetingOrganiser, Membership, Outcome
from tests.factories import make_body, make_expert, make_meeting, make_organisation, make_outcome, make_party

pytestmark = pytest.mark.django_db

D = datetime.date


def integrity_error(build):
    with pytest.raises(IntegrityError), transaction.atomic():
        build()


# --- Database constraints ---------------------------------------------------------------------------------


def test_a_meeting_cannot_end_before_it_starts_in_the_database():
    body = make_body()
    integrity_error(lambda: make_meeting(body, start_date=D(2024, 5, 30), end_date=D(2024, 5, 28)))
    assert not Meeting.objects.exists()


def test_the_first_and_last_days_are_given_together_or_not_at_all():
    meeting = make_meeting(start_date=D(2024, 5, 28), end_date=D(2024, 5, 30))
    integrity_error(lambda: Meeting.objects.filter(pk=meeting.pk).update(end_date=None))
    integrity_error(lambda: Meeting.objects.filter(pk=meeting.pk).update(start_date=None))


def test_month_and_year_stay_in_range_in_the_database():
    meeting = make_meeting(year=2024, month=11)
    integrity_error(lambda: Meeting.objects.filter(pk=meeting.pk).update(month=13))
    integrity_error(lambda: Meeting.objects.filter(pk=meeting.pk).update(year=1800))


def test_a_meeting_needs_at_least_a_year():
    integrity_error(lambda: make_meeting())


def test_kind_and_format_are_constrained_to_their_choices():
    meeting = make_meeting(year=2024)
    integrity_error(lambda: Meeting.objects.filter(pk=meeting.pk).update(kind="party"))
    integrity_error(lambda: Meeting.objects.filter(pk=meeting.pk).update(format="telepathy"))


def test_a_session_number_is_used_once_per_body_and_kind():
    body = make_body(session_code="IGC")
    make_meeting(body, session_number=18, kind=Meeting.Kind.ORDINARY_SESSION, year=2025)
    integrity_error(lambda: make_meeting(body, session_number=18, kind=Meeting.Kind.ORDINARY_SESSION, year=2026))
    make_meeting(body, session_number=18, kind=Meeting.Kind.EXTRAORDINARY_SESSION, year=2025)


def test_an_organiser_is_a_party_or_an_organisation_never_both_nor_neither():
    meeting = make_meeting(year=2024)
    party, organisation = make_party(), make_organisation()
    integrity_error(lambda: MeetingOrganiser.objects.create(meeting=meeting))
    integrity_error(lambda: MeetingOrganiser.objects.create(meeting=meeting, party=party, organisation=organisation))
    MeetingOrganiser.objects.create(meeting=meeting, party=party)
    MeetingOrganiser.objects.create(meeting=meeting, organisation=organisation)
    integrity_error(lambda: MeetingOrganiser.objects.create(meeting=meeting, organisation=organisation))
    assert meeting.organisers.count() == 2


def test_an_outcome_comes_from_a_body_or_a_meeting():
    integrity_error(lambda: Outcome.objects.create(kind=Outcome.Kind.DECISION, slug="orphan"))
    make_outcome(meeting=make_meeting(year=2025), kind=Outcome.Kind.DECISION)


def test_an_outcome_month_needs_its_year_and_a_status_from_the_list():
    outcome = make_outcome(year=2024, month=12)
    integrity_error(lambda: Outcome.objects.filter(pk=outcome.pk).update(year=None))
    integrity_error(lambda: Outcome.objects.filter(pk=outcome.pk).update(status="forgotten"))


def test_recommendation_numbers_are_unique_within_a_report():
    body = make_body()
    report = make_outcome(body, kind=Outcome.Kind.REPORT)
    make_outcome(body, part_of=report, number=1)
    integrity_error(lambda: make_outcome(body, part_of=report, number=1))


def test_a_membership_term_cannot_end_before_it_starts():
    body, expert = make_body(), make_expert()
    integrity_error(
        lambda: Membership.objects.create(body=body, expert=expert, term_start=D(2024, 1, 1), term_end=D(2023, 12, 31))
    )
    Membership.objects.create(body=body, expert=expert, term_start=D(2024, 1, 1), term_end=D(2025, 12, 31))


def test_full_clean_explains_wrong_dates_instead_of_failing():
    meeting = Meeting(body=make_body(), title="T", slug="t", kind="expert_meeting", start_date=D(2024, 5, 30))
    meeting.end_date = D(2024, 5, 28)
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "end_date" in error.value.message_dict
    meeting = Meeting(body=meeting.body, title="T", slug="t", kind="expert_meeting")
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "year" in error.value.message_dict
    meeting = Meeting(body=meeting.body, title="T", slug="t", kind="expert_meeting", year=3000, month=14)
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert {"year", "month"} <= set(error.value.message_dict)


def test_a_one_day_meeting_gets_its_last_day_from_clean():
    meeting = Meeting(body=make_body(), title="T", slug="t", kind="conference_day", start_date=D(2024, 5, 27))
    meeting.full_clean()
    meeting.save()
    assert (meeting.end_date, meeting.year, meeting.month) == (D(2024, 5, 27), 2024, 5)


# --- What is known of the dates ---------------------------------------------------------------------------


def test_exact_dates_fill_in_year_month_and_span():
    meeting = make_meeting(start_date=D(2024, 5, 28), end_date=D(2024, 5, 30), year=1999, month=1)
    meeting.refresh_from_db()
    assert (meeting.year, meeting.month) == (2024, 5)
    assert (meeting.span_start, meeting.span_end) == (D(2024, 5, 28), D(2024, 5, 30))


def test_a_month_only_meeting_keeps_its_days_empty():
    meeting = make_meeting(year=2024, month=11)
    meeting.refresh_from_db()
    assert meeting.start_date is None and meeting.end_date is None
    assert not meeting.has_exact_dates
    assert (meeting.span_start, meeting.span_end) == (D(2024, 11, 1), D(2024, 11, 30))
    assert meeting.get_calendar_url() == ""


def test_a_year_only_meeting_spans_its_year():
    meeting = make_meeting(year=2026)
    assert (meeting.span_start, meeting.span_end) == (D(2026, 1, 1), D(2026, 12, 31))
    assert meeting.dates_display == "2026"


@pytest.mark.parametrize(
    ("language", "same_month", "across_months", "across_years", "one_day", "month_only"),
    [
        (
            "en",
            "28–30 May 2024",
            "30 May – 2 June 2024",
            "30 December 2024 – 2 January 2025",
            "27 May 2024",
            "November 2024",
        ),
        (
            "fr",
            "28–30 mai 2024",
            "30 mai – 2 juin 2024",
            "30 décembre 2024 – 2 janvier 2025",
            "27 mai 2024",
            "novembre 2024",
        ),
        (
            "es",
            "28–30 de mayo de 2024",
            "30 de mayo – 2 de junio de 2024",
            "30 de diciembre de 2024 – 2 de enero de 2025",
            "27 de mayo de 2024",
            "noviembre de 2024",
        ),
    ],
)
def test_date_ranges_in_three_languages(language, same_month, across_months, across_years, one_day, month_only):
    with translation.override(language):
        assert format_date_range(D(2024, 5, 28), D(2024, 5, 30)) == same_month
        assert format_date_range(D(2024, 5, 30), D(2024, 6, 2)) == across_months
        assert format_date_range(D(2024, 12, 30), D(2025, 1, 2)) == across_years
        assert format_date_range(D(2024, 5, 27), D(2024, 5, 27)) == one_day
        assert format_partial_date(2024, 11) == month_only
        assert make_meeting(start_date=D(2024, 5, 28), end_date=D(2024, 5, 30)).dates_display == same_month
        assert make_meeting(year=2024, month=11).dates_display == month_only


def test_french_writes_the_first_of_the_month_as_an_ordinal():
    assert format_date_range(D(2024, 5, 1), D(2024, 5, 3), language="fr") == "1er–3 mai 2024"
    assert format_date_range(D(2024, 5, 1), D(2024, 5, 3), language="en") == "1–3 May 2024"


def test_an_unknown_language_falls_back_to_english():
    assert format_date_range(D(2024, 5, 28), D(2024, 5, 30), language="de") == "28–30 May 2024"


# --- Labels and ordering ----------------------------------------------------------------------------------


def test_session_labels_are_number_dot_body_code():
    igc = make_body(session_code="IGC")
    cp = make_body(session_code="CP")
    assert make_meeting(igc, session_number=18, year=2025).session_label == "18.IGC"
    assert make_meeting(cp, session_number=10, year=2025).session_label == "10.CP"
    assert make_meeting(make_body(), session_number=1, year=2025).session_label == ""
    assert make_meeting(cp, year=2025).session_label == ""
    assert str(make_meeting(cp, session_number=11, year=2027, title="11th session")) == "11.CP — 11th session"


def test_calendar_order_puts_upcoming_soonest_first_then_past_latest_first():
    today = D(2025, 1, 15)
    body = make_body()
    later = make_meeting(body, start_date=D(2025, 6, 18), end_date=D(2025, 6, 20), title="later")
    soon = make_meeting(body, start_date=D(2025, 2, 11), end_date=D(2025, 2, 14), title="soon")
    ongoing = make_meeting(body, start_date=D(2025, 1, 14), end_date=D(2025, 1, 16), title="ongoing")
    this_month = make_meeting(body, year=2025, month=1, title="this month, days unknown")
    recent = make_meeting(body, year=2024, month=11, title="recent")
    old = make_meeting(body, start_date=D(2024, 5, 28), end_date=D(2024, 5, 30), title="old")
    ordered = list(Meeting.objects.in_calendar_order(today))
    assert ordered == [this_month, ongoing, soon, later, recent, old]
    assert set(Meeting.objects.upcoming(today)) == {this_month, ongoing, soon, later}
    assert set(Meeting.objects.past(today)) == {recent, old}


def test_outcome_labels_never_invent_a_title():
    body = make_body()
    report = make_outcome(body, kind=Outcome.Kind.REPORT, title="Report")
    first = make_outcome(body, part_of=report, number=1, title="An additional protocol")
    fourth = make_outcome(body, part_of=report, number=4)
    decision = make_outcome(body, kind=Outcome.Kind.DECISION)
    assert first.display_title == "Recommendation 1: An additional protocol"
    assert fourth.display_title == "Recommendation 4"
    assert fourth.title == "" and fourth.text == ""
    assert decision.display_title == "Decision"
    with translation.override("fr"):
        assert make_outcome(body, year=2024, month=12).date_display == "décembre 2024"


def test_an_outcome_with_a_date_takes_its_year_and_month_from_it():
    outcome = make_outcome(date=D(2025, 2, 14), year=2020)
    assert (outcome.year, outcome.month) == (2025, 2)
    assert outcome.date_display == "14 February 2025"
