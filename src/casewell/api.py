"""The JSON API at /api/v1/, with its OpenAPI schema at /api/v1/openapi.json.

Every route needs a personal token (``Authorization: Bearer cw_…``; ``casewell
token EMAIL`` makes one). The token says who is calling and so which office:
each call then runs inside ``bind_office`` exactly as a page does, so the same
office-scoped managers, row-level security and permission checks apply.
Domains add their routes in their own ``api.py`` as a ``Router``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer

from casewell.cases.api import router as cases_router
from casewell.directory.api import router as directory_router
from casewell.files.api import router as files_router
from casewell.inbox.api import router as inbox_router
from casewell.inbox.sending_api import router as inbox_sending_router
from casewell.inbox.settings_api import router as inbox_settings_router
from casewell.inbox.triage_api import router as inbox_triage_router
from casewell.notify.api import router as notify_router
from casewell.offices.api import router as offices_router
from casewell.offices.models import User
from casewell.offices.tenancy import bind_office
from casewell.offices.tokens import user_for_token
from casewell.people.api import router as people_router
from casewell.safety.api import router as safety_router
from casewell.timeline.api import router as timeline_router
from casewell.wellbeing.api import router as wellbeing_router
from casewell.wellbeing.models.distress import ITEM_MODELS

_UNCHECKED = object()
_NO_SUCH_KIND: Any = object()


class PersonalToken(HttpBearer):
    """``Authorization: Bearer <token>``, looked up once per request."""

    def __call__(self, request: HttpRequest) -> User | None:
        known = getattr(request, "_casewell_token_user", _UNCHECKED)
        if known is _UNCHECKED:
            known = super().__call__(request)
            request._casewell_token_user = known  # type: ignore[attr-defined]
        return known  # type: ignore[return-value]

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return user_for_token(token.strip())


personal_token = PersonalToken()


@cache
def _model_named(path_parameter: str) -> type[models.Model] | None:
    """The office's model a ``<model>_id`` path parameter names (the URL convention).

    Cached: every API call asks, and the models do not change while Casewell runs.
    """
    wanted = path_parameter.removesuffix("_id")
    if wanted == path_parameter:
        return None
    for model in apps.get_models():
        if model._meta.model_name == wanted and any(
            field.name == "office" for field in model._meta.get_fields()
        ):
            return model
    return None


def _named_model(parameter: str, path_kwargs: dict[str, Any]) -> type[models.Model] | None:
    """The model a path parameter names: ``<model>_id``, or ``item_id`` beside a ``kind``
    (an item flagged as distressing: a message, a timeline entry or a document)."""
    if parameter == "item_id" and "kind" in path_kwargs:
        label = ITEM_MODELS.get(str(path_kwargs["kind"]))
        return apps.get_model(label) if label else _NO_SUCH_KIND
    return _model_named(parameter)


def _first_unknown_record(office_id: int, path_kwargs: dict[str, Any]) -> str | None:
    """The name of the first record in the path that is not the office's, or None."""
    for parameter, value in path_kwargs.items():
        model = _named_model(parameter, path_kwargs)
        if model is None:
            continue
        if model is _NO_SUCH_KIND:
            return "such item"
        try:
            known = model._base_manager.filter(pk=value, office_id=office_id).exists()
        except (TypeError, ValueError):
            known = False
        if not known:
            return str(model._meta.verbose_name)
    return None


def run_in_token_holders_office(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a whole API call (checks, the endpoint, the response) in the caller's office.

    Every record named in the path must be the office's before anything else is read:
    another office's id answers the same 404 as an id that exists nowhere, whatever
    body comes with it (never a 400 or 422 that shows the route took the id seriously).
    Finer rules (a restricted case, someone else's session) are the endpoint's.
    """

    @wraps(run)
    def run_bound(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = personal_token(request)
        if user is None:
            # Unbound: the operation's own authentication check answers 401.
            return run(request, *args, **kwargs)
        with bind_office(user.office, actor=user):
            unknown = _first_unknown_record(user.office_id, kwargs)
            if unknown is not None:
                return _error(request, 404, f"No {unknown} found.")
            return run(request, *args, **kwargs)

    return run_bound


api = NinjaAPI(
    title="Casewell API",
    version="1",
    description=(
        "Casewell's JSON API. Send a personal token as `Authorization: Bearer <token>`; "
        "`casewell token EMAIL` makes one. Everything answers for the token holder's office only."
    ),
    auth=personal_token,
    urls_namespace="api",
    openapi_url="/openapi.json",
    # No docs page: Swagger UI loads from a CDN, which the strict CSP (rightly) blocks.
    docs_url=None,
)
api.add_decorator(run_in_token_holders_office, mode="view")
api.add_router("", offices_router)
api.add_router("/people", people_router)
api.add_router("/directory", directory_router)
api.add_router("/cases", cases_router)
api.add_router("/timeline", timeline_router)
api.add_router("/files", files_router)
api.add_router("/safety", safety_router)
api.add_router("/notifications", notify_router)
api.add_router("/wellbeing", wellbeing_router)
api.add_router("/inbox", inbox_router)
api.add_router("/inbox", inbox_triage_router)
api.add_router("/inbox/settings", inbox_settings_router)
api.add_router("/inbox", inbox_sending_router)


def _error(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if request.headers.get("Authorization"):
        detail = (
            "This token was not recognised. It may be mistyped or revoked, or its owner's "
            "account may be locked or deactivated."
        )
    else:
        detail = (
            "Send a personal API token in the header 'Authorization: Bearer <token>'. "
            "'casewell token EMAIL' makes one."
        )
    response = _error(request, 401, detail)
    response["WWW-Authenticate"] = 'Bearer realm="casewell"'
    return response


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "Your roles do not allow this.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or "Not found.")


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        where = " ".join(str(part) for part in error.get("loc", ()))
        message = error.get("msg", "is not valid")
        problems.append(f"{where}: {message}" if where else message)
    return _error(
        request, 422, "The request is not valid. " + "; ".join(problems), errors=exc.errors
    )
