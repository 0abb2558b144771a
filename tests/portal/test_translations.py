"""The French and Spanish catalogues: complete, compiled, and what a reader of /fr/ and /es/ actually sees."""

import ast
import gettext
import html as html_lib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from measures.models import Measure
from tests.factories import make_measure, make_organisation, make_party

LANGUAGES = ("fr", "es")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|</?[a-zA-Z][^>]*>")


def catalogue_path(language, extension):
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / f"django.{extension}"


def read_po(path):
    """The entries of a .po file as dicts: msgid, msgid_plural, msgstr (or msgstr[N]), flags. Obsolete ones left out."""
    entries, entry, key = [], None, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line or line.startswith("#~"):
            if entry is not None:
                entries.append(entry)
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set()}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return [entry for entry in entries if "msgid" in entry]


def translations_of(entry):
    return [value for key, value in entry.items() if key.startswith("msgstr")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    entries = read_po(catalogue_path(language, "po"))
    header, messages = entries[0], entries[1:]

    assert header["msgid"] == ""
    assert f"Language: {language}\n" in header["msgstr"]
    assert "fuzzy" not in header["flags"]
    assert len(messages) > 500
    untranslated = [entry["msgid"] for entry in messages if not all(translations_of(entry))]
    fuzzy = [entry["msgid"] for entry in messages if "fuzzy" in entry["flags"]]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_markup_and_outer_spaces(language):
    wrong = []
    for entry in read_po(catalogue_path(language, "po"))[1:]:
        sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
        allowed = set(PLACEHOLDER.findall(" ".join(sources)))
        for index, text in enumerate(translations_of(entry)):
            source = sources[min(index, 1)]
            if set(PLACEHOLDER.findall(text)) - allowed:
                wrong.append((entry["msgid"], text))
            if text[:1].isspace() != source[:1].isspace() or text[-1:].isspace() != source[-1:].isspace():
                wrong.append((entry["msgid"], text))
        # The plural form (and the only form) must use every placeholder of its source.
        last = translations_of(entry)[-1]
        if set(PLACEHOLDER.findall(last)) != set(PLACEHOLDER.findall(sources[-1])):
            wrong.append((entry["msgid"], last))
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language):
    """The committed .mo holds exactly what the .po says: nobody edited one and forgot to compile."""
    with catalogue_path(language, "mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    expected = {}
    for entry in read_po(catalogue_path(language, "po"))[1:]:
        # gettext keys a message with a context as "context\x04message".
        msgid = f"{entry['msgctxt']}\x04{entry['msgid']}" if "msgctxt" in entry else entry["msgid"]
        if "msgid_plural" in entry:
            for key, value in entry.items():
                if key.startswith("msgstr["):
                    expected[(msgid, int(key[7:-1]))] = value
        else:
            expected[msgid] = entry["msgstr"]
    compiled.pop("", None)
    assert compiled == expected


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_checks_the_catalogue(language, tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(catalogue_path(language, "po"))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def text(response):
    """What a reader sees: tags removed, entities decoded, spaces collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def main_navigation(response):
    match = re.search(r'<nav aria-label="([^"]+)" class="main-nav">(.*?)</nav>', response.content.decode(), re.S)
    assert match is not None
    links = re.findall(r"<a [^>]*>([^<]+)</a>", match.group(2))
    return match.group(1), [html_lib.unescape(link).strip() for link in links]


NAVIGATION = {
    "en": (
        "Main",
        ["Home", "Measures", "Parties", "Reporting status", "Organisations", "Statistics", "Map", "Meetings"],
    ),
    "fr": (
        "Menu principal",
        ["Accueil", "Mesures", "Parties", "État des rapports", "Organisations", "Statistiques", "Carte", "Réunions"],
    ),
    "es": (
        "Menú principal",
        [
            "Inicio",
            "Medidas",
            "Partes",
            "Estado de los informes",
            "Organizaciones",
            "Estadísticas",
            "Mapa",
            "Reuniones",
        ],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "language"), [("", "en"), ("/fr", "fr"), ("/es", "es")])
def test_navigation_is_in_the_language_of_the_address(client, prefix, language):
    response = client.get(f"{prefix}/")

    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    label, links = main_navigation(response)
    expected_label, expected_links = NAVIGATION[language]
    assert label == expected_label
    assert links[: len(expected_links)] == expected_links


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "heading", "count", "filters"),
    [
        ("/measures/", "Policies and measures", "1 measure", "Filter measures"),
        ("/fr/measures/", "Politiques et mesures", "1 mesure", "Filtrer les mesures"),
        ("/es/measures/", "Políticas y medidas", "1 medida", "Filtrar las medidas"),
    ],
)
def test_measures_list_heading_and_labels_are_translated(client, url, heading, count, filters):
    make_measure(title="Fonds pour la musique", status=Measure.Status.PUBLISHED, language="fr")

    response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r"<h1>([^<]+)</h1>", page).group(1) == heading
    assert f">{count}</h2>" in page
    assert filters in text(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (
            "/fr",
            [
                "Cette mesure a été soumise par la société civile.",
                "Décrivez les principales caractéristiques de la mesure/initiative",
                "Quels sont les résultats obtenus à ce jour grâce à la mise en œuvre de la mesure/initiative ?",
            ],
        ),
        (
            "/es",
            [
                "Esta medida ha sido notificada por la sociedad civil.",
                "Describa las principales características de la medida/iniciativa",
                "¿Cuáles son los resultados alcanzados hasta la fecha gracias a la implementación "
                "de la medida/iniciativa?",
            ],
        ),
    ],
)
def test_reporting_form_labels_use_the_official_wording(client, prefix, expected):
    measure = make_measure(
        party=make_party(name_en="Canada", name_fr="Canada", name_es="Canadá", iso3="CAN"),
        title="Support to other coalitions",
        reported_by=Measure.ReportedBy.CIVIL_SOCIETY,
        organisation=make_organisation(name="Coalition for the Diversity of Cultural Expressions"),
        status=Measure.Status.PUBLISHED,
    )

    response = client.get(f"{prefix}{measure.get_absolute_url()}")

    assert response.status_code == 200
    shown = text(response)
    for label in expected:
        assert label in shown
    # The record keeps its own language.
    assert '<h1 lang="en">Support to other coalitions</h1>' in response.content.decode()
