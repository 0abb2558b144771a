from django import template

from imports.columns_doc import help_html

register = template.Library()


@register.filter
def column_help(column):
    """A column's help (measures/columns.py), `code` spans as <code>, everything else escaped."""
    return help_html(column)
