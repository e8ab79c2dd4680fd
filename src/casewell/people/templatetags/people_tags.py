"""Template filters for showing people's details the way staff read them."""

from __future__ import annotations

from django import template

from casewell.people.phones import national_format

register = template.Library()


@register.filter
def national_phone(e164: str) -> str:
    """ "+447811123456" -> "07811 123456"; others in international form."""
    return national_format(e164 or "")
