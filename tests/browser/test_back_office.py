"""The back office as its people use it: in French from a French browser, nothing typed ever lost, a preview
before publishing; every review button saves what was typed; accessible forms in three languages."""

import re

import pytest
from playwright.sync_api import expect

from accounts import roles
from accounts.models import Membership
from measures.models import Measure, Organisation, Party
from tests.browser.accessibility import serious_violations
from tests.factories import make_measure
from tests.support.workflow import PASSWORD, ensure_role_groups, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Ateliers sur la découvrabilité de la musique locale en ligne"
RESULTS = "Trois cents artistes formés ; douze ateliers dans quatre provinces."


@pytest.fixture
def accounts(reference_data):
    ensure_role_groups()
    editor = make_user("cdce-editor", roles.EDITORS, password=PASSWORD)
    Membership.objects.create(user=editor, organisation=Organisation.objects.get(slug="cdce"))
    make_user("secretariat", roles.REVIEWERS, password=PASSWORD)
    focal_point = make_user("canada-focal-point", roles.FOCAL_POINTS, password=PASSWORD)
    Membership.objects.create(user=focal_point, party=Party.objects.get(iso3="CAN"))


def sign_in(browser, live_server, username, locale="en-GB"):
    page = browser.new_context(locale=locale).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#user-tools")).to_be_visible()
    return page


def test_the_cdce_editor_works_in_french_and_never_loses_a_word(browser, live_server, accounts):
    editor = sign_in(browser, live_server, "cdce-editor", locale="fr-CA")
    expect(editor.locator("html")).to_have_attribute("lang", "fr")
    editor.goto(f"{live_server.url}/admin/measures/measure/add/")
    expect(editor.get_by_role("heading", name="La mesure")).to_be_visible()
    editor.locator("textarea[name=title]").fill(TITLE)
    expect(editor.locator("#id_title_count")).to_have_text(f"{len(TITLE)} caractères sur 500")
    editor.locator(".field-party .select2-selection").click()
    editor.locator(".select2-search__field").fill("Canada")
    editor.get_by_role("option", name="Canada", exact=True).click()
    editor.locator("textarea[name=main_features]").fill("Une série d'ateliers pour les artistes.")
    editor.locator("input[name=partners-0-name]").fill("Musicaction")
    editor.locator("select[name=partners-0-entity_type]").select_option("civil_society")
    editor.locator("input[name=areas]").first.check()
    editor.locator("input[name=domains]").first.check()
    editor.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    expect(editor.locator("ul.messagelist")).to_contain_text("ajouté")
    measure = Measure.objects.get(title=TITLE)
    assert (measure.organisation.slug, measure.status, measure.partners.count()) == ("cdce", "draft", 1)
    assert measure.areas.count() == 1 and measure.domains.count() == 1

    # The results typed, then "Soumettre pour examen" without saving: both happen.
    editor.locator("textarea[name=results]").fill(RESULTS)
    editor.get_by_role("button", name="Soumettre pour examen").click()
    expect(editor.locator("ul.messagelist")).to_contain_text("soumise")
    expect(editor.locator("[data-status]")).to_have_text("Soumise")
    measure.refresh_from_db()
    assert (measure.status, measure.results) == ("submitted", RESULTS)

    # The secretariat previews, then publishes; the public page shows the results.
    reviewer = sign_in(browser, live_server, "secretariat")
    reviewer.goto(f"{live_server.url}/admin/measures/measure/{measure.pk}/change/")
    with reviewer.context.expect_page() as opened:
        reviewer.get_by_role("link", name="Preview").click(modifiers=["Shift"])
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.get_by_role("region", name="Preview — not published")).to_be_visible()
    expect(preview.get_by_text(RESULTS)).to_be_visible()
    reviewer.get_by_role("button", name="Publish").click()
    expect(reviewer.locator("[data-status]")).to_have_text("Published")
    public = reviewer.context.new_page()
    public.goto(f"{live_server.url}/fr/measures/{measure.pk}/")
    expect(public.get_by_text(RESULTS)).to_be_visible()


def test_canada_s_focal_point_cannot_credit_a_measure_to_cdce(browser, live_server, accounts):
    measure = make_measure(party=Party.objects.get(iso3="CAN"), title="A Canadian programme", results="")
    page = sign_in(browser, live_server, "canada-focal-point")
    page.goto(f"{live_server.url}/admin/measures/measure/{measure.pk}/change/")
    page.locator("textarea[name=results]").fill("Typed by the focal point.")
    page.locator("div.form-row.field-organisation .select2-selection").click()
    page.locator(".select2-search__field").fill("CDCE")
    page.get_by_role("option", name=re.compile("CDCE")).click()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-organisation .errorlist")).to_contain_text("public bodies")
    expect(page.locator("textarea[name=results]")).to_have_value("Typed by the focal point.")
    measure.refresh_from_db()
    assert measure.organisation is None and measure.results == ""


@pytest.mark.parametrize(
    ("who", "status", "button", "comment", "after"),
    [
        ("cdce-editor", "draft", "Submit for review", "", "submitted"),
        ("secretariat", "submitted", "Take back to draft", "", "draft"),
        ("secretariat", "submitted", "Return to the editors", "Describe the results.", "returned"),
        ("secretariat", "submitted", "Publish", "", "published"),
        ("secretariat", "published", "Withdraw", "Published by mistake.", "withdrawn"),
    ],
    ids=["submit", "take_back", "return", "publish", "withdraw"],
)
def test_every_review_button_saves_what_was_typed(browser, live_server, accounts, who, status, button, comment, after):
    measure = make_measure(
        party=Party.objects.get(iso3="CAN"),
        reported_by="civil_society",
        organisation=Organisation.objects.get(slug="cdce"),
        status=status,
        title="A measure under review",
    )
    page = sign_in(browser, live_server, who)
    page.goto(f"{live_server.url}/admin/measures/measure/{measure.pk}/change/")
    typed = f"Typed just before “{button}”."
    page.locator("textarea[name=main_features]").fill(typed)
    if comment:
        page.get_by_role("button", name=button).click()  # without the comment: refused, everything kept
        expect(page.locator("#id_move_comment").locator("xpath=..")).to_contain_text("Please write a comment")
        expect(page.locator("textarea[name=main_features]")).to_have_value(typed)
        page.get_by_label("Comment for the editors").fill(comment)
    page.get_by_role("button", name=button).click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", after)
    measure.refresh_from_db()
    assert (measure.status, measure.main_features) == (after, typed)
    if comment:
        assert measure.transitions.get().comment == comment


def test_leaving_with_unsaved_changes_asks_first(browser, live_server, accounts):
    measure = make_measure(party=Party.objects.get(iso3="CAN"), title="A measure being edited")
    page = sign_in(browser, live_server, "secretariat")
    page.goto(f"{live_server.url}/admin/measures/measure/{measure.pk}/change/")
    page.locator("textarea[name=results]").fill("Not saved yet.")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("link", name="Home").click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(page.locator("textarea[name=results]")).to_have_value("Not saved yet.")
    # Saving is leaving knowingly: no question.
    page.remove_listener("dialog", answer)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR", "es-ES"])
def test_the_add_and_change_forms_have_no_serious_accessibility_violation(browser, live_server, accounts, locale):
    measure = make_measure(
        party=Party.objects.get(iso3="CAN"),
        reported_by="civil_society",
        organisation=Organisation.objects.get(slug="cdce"),
        title="A measure to check",
    )
    page = sign_in(browser, live_server, "cdce-editor", locale=locale)
    expect(page.locator("html")).to_have_attribute("lang", locale[:2])
    for url in ("/admin/measures/measure/add/", f"/admin/measures/measure/{measure.pk}/change/"):
        page.goto(f"{live_server.url}{url}")
        assert serious_violations(page) == [], url


def test_the_secretariat_s_list_fits_1366_pixels(browser, live_server, accounts):
    cdce = Organisation.objects.get(slug="cdce")
    for number in range(5):
        make_measure(
            party=Party.objects.get(iso3="BOL"),
            reported_by="civil_society",
            organisation=cdce,
            title=f"A long title for a measure that wraps over several lines in the list, number {number}",
        )
    page = sign_in(browser, live_server, "secretariat")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/admin/measures/measure/")
    status = page.get_by_role("columnheader", name=re.compile("Publication status", re.IGNORECASE))
    expect(status).to_be_in_viewport()
    widths = page.evaluate(
        "(() => { const r = document.querySelector('.results'); return [r.scrollWidth, r.clientWidth]; })()"
    )
    assert widths[0] <= widths[1], widths
