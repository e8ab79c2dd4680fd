import argparse

HELP = "Serve Casewell on http://127.0.0.1:8000 with its worker threads and scheduler."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--threads", type=int, default=8, help="web request threads (default 8)")


def run(args: argparse.Namespace) -> int:
    from casewell.commands.check import refuse_to_start

    if refuse_to_start("serve"):
        return 1
    from casewell.server import serve

    return serve(host=args.host, port=args.port, threads=args.threads)
