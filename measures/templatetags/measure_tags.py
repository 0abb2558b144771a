from django import template
from django.utils.html import format_html

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
