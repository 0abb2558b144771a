"""The API documentation in a real browser: Swagger UI shows the operations, and nothing external loads."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_docs_page_shows_the_operations_in_a_browser(page, live_server):
    external_requests = []

    def note_external(request):
        if not request.url.startswith((live_server.url, "data:")):
            external_requests.append(request.url)

    page.on("request", note_external)
    page.goto(f"{live_server.url}/api/docs/")
    page.get_by_text("/api/v1/measures/", exact=True).first.wait_for()
    assert external_requests == []
