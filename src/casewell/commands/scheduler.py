import argparse

HELP = (
    "Run the scheduler on its own (hosted mode): enqueues due work every few seconds. "
    "Several may run; on PostgreSQL one leads at a time."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    from django.conf import settings

    from casewell.jobs.runner import JobRunner, stop_on_signals

    runner = JobRunner(worker_threads=0, scheduler=True)
    stop_on_signals(runner, what="the scheduler")
    print(
        f"Casewell scheduler: looking for due work every {settings.SCHEDULER_INTERVAL_SECONDS}s "
        "(Ctrl-C stops it).",
        flush=True,
    )
    runner.start()
    runner.wait()
    print("Casewell scheduler stopped.", flush=True)
    return 0
