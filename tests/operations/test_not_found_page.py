"""An unknown address gets the portal's own page, in the page's language."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path, text",
    [
        ("/parties/zzz/", "Page not found"),
        ("/fr/parties/zzz/", "Page introuvable"),
        ("/es/measures/999999/", "Página no encontrada"),
    ],
)
def test_not_found_page(client, path, text):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert text in html
    assert 'class="skip-link"' in html
