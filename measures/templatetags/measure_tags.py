from django import template
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from measures import search
from measures.models import RecordLanguage

register = template.Library()


@register.filter
def highlight(text, query):
    """The text, escaped, with the search query's words in <mark>."""
    return search.highlight(text, query)


@register.filter
def excerpt(text, query):
    """About 300 characters of the text around the first word of the query, escaped and highlighted."""
    return search.highlight(text, query, length=300)


@register.filter
def lang_attr(code):
    """` lang="xx"` for a record's language; nothing where the language is not a known code."""
    if not code or code == RecordLanguage.OTHER:
        return ""
    return format_html(' lang="{}"', code)


@register.filter
def in_language(text, code):
    """The record's text, escaped, in a <span lang="xx"> for its language, for record text set inside a translated
    sentence; as is (escaped where it is shown) where the language is not a known code."""
    attribute = lang_attr(code)
    return format_html("<span{}>{}</span>", attribute, text) if attribute else text


FACET_OPTION = (
    '<li>\n      <input type="checkbox" name="{name}" value="{value}" id="id_{name}_{number}"{checked}>\n'
    '      <label for="id_{name}_{number}">{label} <span class="count">({count})</span></label>\n    </li>'
)


def is_more(option):
    """Whether an option goes behind the facet's "Show N more": no result under the other filters, and not chosen
    (a chosen option always shows, so that it can be unticked)."""
    return not option.count and not option.selected


@register.filter
def facet_more_count(facet):
    return sum(1 for option in facet.options if is_more(option))


@register.filter
def facet_options(facet, part=""):
    """The facet's options as checkbox list items; with part "shown" or "more", only those shown at once or only
    those behind "Show N more" (numbered as in the whole list, so ids stay unique). Built here rather than in a
    template loop: the Party facet has well over a hundred, on every list page the cache has not kept."""
    return format_html_join(
        "\n    ",
        FACET_OPTION,
        (
            {
                "name": facet.name,
                "value": option.value,
                "number": number,
                "checked": mark_safe(" checked") if option.selected else "",
                "label": option.label,
                "count": formats.localize(option.count),  # grouped as the page's language writes numbers
            }
            for number, option in enumerate(facet.options, start=1)
            if not part or (part == "more") == is_more(option)
        ),
    )
