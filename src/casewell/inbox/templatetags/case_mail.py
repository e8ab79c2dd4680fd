"""``{% case_mail case %}``: the case's mail in and out, with Reply and Send, for its page."""

from __future__ import annotations

from typing import Any

from django import template

from casewell.inbox.compose import mail_on_case

register = template.Library()


@register.inclusion_tag("inbox/_case_mail.html", takes_context=True)
def case_mail(context: template.Context, case: Any) -> dict[str, Any]:
    request = context["request"]
    return {
        "case": case,
        "mail": mail_on_case(request.user, case),
        "csrf_token": context.get("csrf_token"),
    }
