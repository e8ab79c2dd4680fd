"""What the timeline panel needs to show one page of a case's timeline, from the request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from casewell.cases.models import Case
from casewell.timeline.forms import TimelineFilterForm
from casewell.timeline.models import EntryKind, TimelineEntry
from casewell.timeline.services import timeline_for
from casewell.wellbeing import services as wellbeing


def content_warnings(user: Any, entries: list[TimelineEntry]) -> dict[int, Any]:
    """The content warnings for a page's entries, by entry id: two queries, however many
    entries (two more when the page holds incoming mail, whose warning is its message's)."""
    own = [entry.pk for entry in entries if entry.inbox_message_id is None]
    mail = {entry.inbox_message_id: entry.pk for entry in entries if entry.inbox_message_id}
    warnings = wellbeing.warnings_for(user, wellbeing.ItemKind.TIMELINE_ENTRY, own)
    if mail:
        of_messages = wellbeing.warnings_for(user, wellbeing.ItemKind.MESSAGE, list(mail))
        warnings.update({mail[message_id]: found for message_id, found in of_messages.items()})
    return warnings


def panel_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    """The page of entries the request asks for (``kind`` and ``page`` in the query string)."""
    form = TimelineFilterForm(request.GET or None, auto_id="timeline-%s")
    kinds = form.cleaned_data["kind"] if form.is_valid() else []
    page = timeline_for(request.user, case, kinds=kinds, page=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for_links = query.copy()
    for_links.setlist("kind", kinds)
    return {
        "case": case,
        "warnings": content_warnings(request.user, page.object_list),
        "timeline": page,
        "page": page,
        "page_numbers": page.paginator.get_elided_page_range(
            page.number, on_each_side=2, on_ends=1
        ),
        "query": for_links.urlencode(),
        "filter_form": form if form.is_bound else TimelineFilterForm(auto_id="timeline-%s"),
        "filtered": bool(kinds),
        "kind_names": dict(EntryKind.choices),
        "here": request.get_full_path(),
        "clear_filters_url": request.path,
    }
