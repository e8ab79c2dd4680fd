"""Static files are served by the application, found once for each process."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import Client

from casewell.static_files import StaticFilesMiddleware

STYLESHEET = "/static/casewell/casewell.css"


def test_every_client_gets_the_static_files_found_once_for_the_process():
    first, second = Client().get(STYLESHEET), Client().get(STYLESHEET)
    assert first.status_code == second.status_code == 200
    served = b"".join(first.streaming_content)
    on_disk = Path(finders.find(STYLESHEET.removeprefix("/static/"))).read_bytes()
    assert served == on_disk == b"".join(second.streaming_content)
    assert first["Content-Type"].startswith("text/css")
    # Both middlewares (one for each client) hold the very same file, found once.
    one, other = StaticFilesMiddleware(lambda request: None), StaticFilesMiddleware(
        lambda request: None
    )
    assert one.files[STYLESHEET] is other.files[STYLESHEET]


def test_a_file_that_is_not_there_is_not_found():
    assert Client().get("/static/casewell/no-such-file.css").status_code == 404
