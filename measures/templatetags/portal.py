from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

from measures import sources

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page, filters included, in each of the portal's languages."""
    request = context["request"]
    query = request.META.get("QUERY_STRING", "")
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(request.path, code)
        links.append(
            {
                "code": code,
                "name_local": get_language_info(code)["name_local"],
                "url": f"{url}?{query}" if query else url,
            }
        )
    return links


@register.filter
def source_name(url):
    """`{{ url|source_name }}`: the name of a record's source (measures.sources)."""
    return sources.source_name(url)
