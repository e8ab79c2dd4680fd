"""What every domain's API router shares: the error shapes, the 422 wrapper, the caller.

Kept apart from ``casewell.api``, which imports the routers, so they can import this.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from ninja import Schema

from casewell.offices.models import User


class ApiError(Schema):
    detail: str


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]]


def refusals_named(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer a service's ValidationError as 422 JSON naming each bad field."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except ValidationError as error:
            errors = (
                error.message_dict if hasattr(error, "error_dict") else {"": list(error.messages)}
            )
            problems = "; ".join(
                f"{name}: {' '.join(messages)}" if name else " ".join(messages)
                for name, messages in errors.items()
            )
            return JsonResponse(
                {"detail": f"The request is not valid. {problems}", "errors": errors}, status=422
            )

    # The endpoint's own annotations, evaluated where it was written: django-ninja reads
    # the parameters' types from the signature, and this wrapper lives in another module.
    checked.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
    return checked


def caller(request: HttpRequest) -> User:
    """The token holder (the API's authentication has already checked the token)."""
    return request.auth  # type: ignore[attr-defined,return-value]
