"""What a page tells search engines about itself: its canonical address, its other languages, its summary."""

import json
import re
from urllib.parse import urlencode, urlsplit

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext, gettext_noop

from measures.templatetags.portal import language_links

register = template.Library()

DESCRIPTION_LENGTH = 160
# The measures list's description, in its <meta> and in its Dataset.
MEASURES_DESCRIPTION = gettext_noop(
    "Search and filter the policies and measures that Parties and civil society report on the implementation of "
    "the 2005 Convention, by Party, region, goal, area of monitoring, cultural domain and year, and download them."
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ¿¡\"“«(])")

# Characters that would let a value end the <script> element or open a comment inside it; JSON reads the
# escapes as the same characters.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def canonical_query(query_dict):
    """The query string with empty parameters left out and the rest sorted by name (repeated values keep their
    order): the same filters written in any order, or with the form's empty fields, are one page."""
    pairs = [(name, value) for name in sorted(query_dict) for value in query_dict.getlist(name) if value != ""]
    return urlencode(pairs)


@register.simple_tag(takes_context=True)
def page_links(context):
    """The page's canonical address and its address in every language (absolute), x-default being the default
    language's, from the language switcher's own links."""
    request = context.get("request")
    if request is None:  # a page rendered outside a request (an e-mail, a test's template) has no address
        return None
    query = canonical_query(request.GET)
    alternates = []
    for link in language_links(context):
        path = urlsplit(link["url"]).path
        url = request.build_absolute_uri(f"{path}?{query}" if query else path)
        alternates.append({"code": link["code"], "url": url})
    current = request.build_absolute_uri(f"{request.path}?{query}" if query else request.path)
    default = next((link["url"] for link in alternates if link["code"] == settings.LANGUAGE_CODE), current)
    return {"canonical": current, "alternates": alternates, "x_default": default}


@register.filter
def summary(text, length=DESCRIPTION_LENGTH):
    """The first sentence of `text` on one line, cut at a word to at most `length` characters: a description."""
    flat = " ".join(str(text or "").split())
    first = SENTENCE_END.split(flat, maxsplit=1)[0]
    return Truncator(first).chars(length)


@register.filter
def json_ld(data):
    """`data` as the JSON of a <script type="application/ld+json">: unlike the json_script filter, whose element
    has no type, the template writes the element; the JSON is escaped so no value can close it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return mark_safe(text.translate(JSON_SCRIPT_ESCAPES))


@register.simple_tag(takes_context=True)
def measures_dataset(context):
    """schema.org's description of the published measures as a Dataset, with its downloads, for the list page."""
    request = context["request"]
    absolute = request.build_absolute_uri
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": gettext("Policies and measures"),
        "description": gettext(MEASURES_DESCRIPTION),
        "url": absolute(reverse("measures:measure-list")),
        "inLanguage": get_language(),
        "isAccessibleForFree": True,
        "keywords": [gettext("2005 Convention"), "UNESCO"],
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": "text/csv",
                "contentUrl": absolute(reverse("measures:measure-export-csv")),
            },
            {
                "@type": "DataDownload",
                "encodingFormat": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "contentUrl": absolute(reverse("measures:measure-export-xlsx")),
            },
            {
                "@type": "DataDownload",
                "encodingFormat": "application/json",
                "contentUrl": absolute(reverse("api:measure-list")),
            },
        ],
    }


@register.simple_tag
def measures_description():
    return gettext(MEASURES_DESCRIPTION)
