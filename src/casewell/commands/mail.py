import argparse

HELP = (
    "Receive mail by SMTP and LMTP as a process of its own (hosted mode); "
    "`casewell serve` runs the same receiver as a thread. Ctrl-C stops it."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default=None,
        help="address to listen on (default CASEWELL_MAIL_RECEIVER_HOST, 127.0.0.1)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=None,
        help="SMTP port (default CASEWELL_MAIL_SMTP_PORT, 2525; 0 shuts the SMTP door)",
    )
    parser.add_argument(
        "--lmtp-port",
        type=int,
        default=None,
        help="LMTP port (default CASEWELL_MAIL_LMTP_PORT, 2526; 0 shuts the LMTP door)",
    )


def run(args: argparse.Namespace) -> int:
    import signal
    import sys
    import threading

    from casewell.commands.check import refuse_to_start
    from casewell.inbox.receiver import receiver_from_settings

    if refuse_to_start("mail"):
        return 1
    receiver = receiver_from_settings(host=args.host, smtp_port=args.port, lmtp_port=args.lmtp_port)
    if receiver.smtp_port is None and receiver.lmtp_port is None:
        print("Casewell mail: both doors are shut (ports 0); nothing to do.", file=sys.stderr)
        return 2
    stopping = threading.Event()
    signal.signal(signal.SIGINT, lambda signum, frame: stopping.set())
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())
    try:
        receiver.start()
    except OSError as error:
        print(
            f"Casewell cannot receive mail on {receiver.describe()}: {error.strerror}.",
            file=sys.stderr,
        )
        return 1
    print(f"Casewell is receiving mail: {receiver.describe()} (Ctrl-C stops it).", flush=True)
    stopping.wait()
    print("Stopping: finishing the messages being stored.", flush=True)
    receiver.stop()
    print("Casewell mail stopped.", flush=True)
    return 0
