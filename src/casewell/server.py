"""``casewell serve``: a production web server (waitress) in one process."""

from __future__ import annotations

import logging

from waitress import serve as waitress_serve

logger = logging.getLogger("casewell.server")


def serve(*, host: str, port: int, threads: int) -> int:
    from casewell.wsgi import application

    print(f"Casewell is serving on http://{host}:{port}/  (Ctrl-C stops it)", flush=True)
    waitress_serve(application, host=host, port=port, threads=threads, ident="Casewell")
    return 0
