"""``casewell serve``: a production web server (waitress) in one process, with
(in embedded mode) the job workers and the scheduler as threads beside it.

Ctrl-C or SIGTERM stops it cleanly: the web server stops taking requests, the
workers finish the jobs they are running, and the process exits with status 0.
A second Ctrl-C stops at once; unfinished jobs run again after a restart.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from types import FrameType

from django.conf import settings
from waitress.server import create_server

from casewell.jobs.runner import JobRunner

logger = logging.getLogger("casewell.server")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    # Waitress's loop ends on KeyboardInterrupt; SIGTERM means the same here.
    raise KeyboardInterrupt


def serve(*, host: str, port: int, threads: int) -> int:
    from casewell.wsgi import application

    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server = create_server(
            application, host=host, port=port, threads=threads, ident="Casewell"
        )
    except OSError as error:
        print(f"Casewell cannot listen on {host}:{port}: {error.strerror}.", file=sys.stderr)
        return 1
    # Hosted mode runs the mail receiver as a process of its own (`casewell mail`).
    receiver = None
    if settings.MAIL_RECEIVER and not settings.HOSTED:
        from casewell.inbox.receiver import receiver_from_settings

        receiver = receiver_from_settings()
        if receiver.smtp_port is None and receiver.lmtp_port is None:
            receiver = None
        else:
            try:
                receiver.start()
            except OSError as error:
                server.close()
                print(
                    f"Casewell cannot receive mail on {receiver.describe()}: {error.strerror}. "
                    "Free the port, choose others (CASEWELL_MAIL_SMTP_PORT, "
                    "CASEWELL_MAIL_LMTP_PORT) or set CASEWELL_MAIL_RECEIVER=off.",
                    file=sys.stderr,
                )
                return 1
    # Hosted mode runs workers and the scheduler as processes of their own.
    runner = (
        None
        if settings.HOSTED
        else JobRunner(worker_threads=settings.WORKER_THREADS, scheduler=True)
    )
    try:
        if runner is not None:
            runner.start()
            jobs = f"{settings.WORKER_THREADS} job worker thread(s) and the scheduler"
        else:
            jobs = "no jobs (hosted mode: run `casewell worker` and `casewell scheduler`)"
        print(f"Casewell is serving on http://{host}:{port}/ with {jobs}.", flush=True)
        if receiver is not None:
            print(f"Receiving mail: {receiver.describe()}.", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        server.run()  # returns when interrupted, its request threads stopped
    except KeyboardInterrupt:
        pass  # interrupted while starting
    finally:
        server.close()
        if receiver is not None:
            receiver.stop()  # no new mail while the jobs finish

    try:
        if runner is not None:
            print(
                "Stopping: finishing the jobs now running (Ctrl-C again stops at once).",
                flush=True,
            )
            runner.stop()
    except KeyboardInterrupt:
        print("Stopped at once; unfinished jobs will run again after a restart.", flush=True)
        os._exit(1)
    print("Casewell has stopped.", flush=True)
    return 0
