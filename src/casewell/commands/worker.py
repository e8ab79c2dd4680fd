import argparse

HELP = "Run job workers on their own (hosted mode, or to add capacity); Ctrl-C stops them cleanly."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="jobs run at once by this process (default CASEWELL_WORKER_THREADS, at least 1); "
        "for more, start more processes, on this machine or others",
    )
    parser.add_argument(
        "--queue",
        action="append",
        dest="queues",
        metavar="NAME",
        help="take jobs only from this queue (repeat for several; default every queue)",
    )
    parser.add_argument(
        "--batch",
        "--once",
        action="store_true",
        help="run every job that is ready now, then exit",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help="seconds to wait before looking again when the queue is empty (default 1)",
    )


def run(args: argparse.Namespace) -> int:
    from django.conf import settings

    from casewell.jobs.runner import JobRunner, stop_on_signals

    threads = args.threads if args.threads is not None else max(settings.WORKER_THREADS, 1)
    if threads < 1:
        raise SystemExit("--threads must be at least 1")
    if args.interval <= 0:
        raise SystemExit("--interval must be more than 0")
    runner = JobRunner(
        worker_threads=threads,
        scheduler=False,
        queue_names=args.queues,
        batch=args.batch,
        interval=args.interval,
    )
    stop_on_signals(runner, what="the worker")
    queues = ", ".join(args.queues) if args.queues else "every queue"
    print(
        f"Casewell worker {runner.worker_id}: {threads} thread(s) on {queues}"
        + (" until the queue is empty." if args.batch else " (Ctrl-C stops it)."),
        flush=True,
    )
    runner.start()
    runner.wait()
    print("Casewell worker stopped.", flush=True)
    return 0
