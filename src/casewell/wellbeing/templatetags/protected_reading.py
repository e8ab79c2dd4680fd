"""Content warnings in templates.

    {% load protected_reading %}
    {% warning_for "message" message.pk as warning %}   (one item; or pass a page's
                                                          ``warnings_for`` result down)
    {% content_warning warning label="message" %} ...the flagged content... {% endcontent_warning %}
    {% flag_controls "timeline" entry.pk %}              (flag / unflag by hand, with a reason)

With no warning the content is shown as it is. With one, it is collapsed in a
``<details>`` whose summary — read first by a screen reader — names the categories.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from casewell.wellbeing import services
from casewell.wellbeing.forms import FlagForm

register = template.Library()


@register.simple_tag(takes_context=True)
def warning_for(context: template.Context, kind: str, item_id: Any) -> Any:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    # A page asks in its title and again in its body: look once per request.
    asked = request.__dict__.setdefault("_casewell_content_warnings", {})
    if (kind, item_id) not in asked:
        asked[(kind, item_id)] = services.warning_for(user, kind, item_id)
    return asked[(kind, item_id)]


@register.filter
def warning_of(warnings: Any, item_id: Any) -> Any:
    """``warnings|warning_of:entry.pk`` — one item's warning from a page's ``warnings_for``."""
    return warnings.get(item_id) if warnings else None


class ContentWarningNode(template.Node):
    def __init__(self, warning: Any, label: Any, nodelist: template.NodeList) -> None:
        self.warning, self.label, self.nodelist = warning, label, nodelist

    def render(self, context: template.Context) -> str:
        content = self.nodelist.render(context)
        warning = self.warning.resolve(context, ignore_failures=True)
        if not warning:
            return content
        label = self.label.resolve(context, ignore_failures=True) if self.label else None
        return render_to_string(
            "wellbeing/_content_warning.html",
            # Already rendered (and escaped) by the template it came from.
            {"warning": warning, "label": label or "the content", "content": mark_safe(content)},  # noqa: S308
        )


@register.tag("content_warning")
def content_warning(parser: Any, token: Any) -> ContentWarningNode:
    bits = token.split_contents()
    if len(bits) not in (2, 3):
        raise template.TemplateSyntaxError('Use {% content_warning warning [label="..."] %}')
    label = None
    if len(bits) == 3:
        if not bits[2].startswith("label="):
            raise template.TemplateSyntaxError('content_warning takes only label="..."')
        label = parser.compile_filter(bits[2].removeprefix("label="))
    nodelist = parser.parse(("endcontent_warning",))
    parser.delete_first_token()
    return ContentWarningNode(parser.compile_filter(bits[1]), label, nodelist)


@register.inclusion_tag("wellbeing/_flag_controls.html", takes_context=True)
def flag_controls(context: template.Context, kind: str, item_id: Any) -> dict[str, Any]:
    request = context.get("request")
    prefix = f"flag-{kind}-{item_id}"
    return {
        "kind": kind,
        "item_id": item_id,
        "form": FlagForm(prefix=prefix),
        "prefix": prefix,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
