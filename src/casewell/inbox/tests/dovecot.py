"""A real Dovecot IMAP server for the tests, in a temporary folder on a free port.

Debian's ``dovecot-imapd`` (``make dovecot`` installs it). Plain-text passwords on
127.0.0.1 only, from passwd-files that tests add users with as they go, mail in
Maildirs under the folder. It runs
as the current user; as root, Dovecot will not give mail to root, so the mail
is kept by Debian's ``dovecot`` system user instead.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

DOVECOT = Path("/usr/sbin/dovecot")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Dovecot:
    host = "127.0.0.1"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.passwd = folder / "passwd"
        self.log = folder / "dovecot.log"
        self.process: subprocess.Popen | None = None

    def _config(self) -> str:
        folder = self.folder
        if os.getuid() == 0:
            mail = pwd.getpwnam("dovecot")
            uid, gid, users = mail.pw_uid, mail.pw_gid, ""
        else:
            uid, gid = os.getuid(), os.getgid()
            name = pwd.getpwuid(uid).pw_name
            group = grp.getgrgid(gid).gr_name
            # Without root Dovecot cannot switch users: every part runs as us.
            users = (
                f"default_internal_user = {name}\n"
                f"default_internal_group = {group}\n"
                f"default_login_user = {name}\n"
            )
        return f"""
{users}base_dir = {folder}/run
state_dir = {folder}/state
log_path = {self.log}
protocols = imap
listen = {self.host}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1
mail_location = maildir:{folder}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.passwd}/%u
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={folder}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
# Without its penalty socket, auth cannot slow down every later sign-in from
# 127.0.0.1 after one test's wrong password (a test server has no one to fend off).
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""

    def start(self) -> None:
        for name in ("run", "state", "mail"):
            (self.folder / name).mkdir()
        if os.getuid() == 0:
            # The mail processes run as the dovecot user and must reach the Maildirs.
            self.folder.chmod(0o755)
            shutil.chown(self.folder / "mail", "dovecot", "dovecot")
        self.passwd.mkdir()
        config = self.folder / "dovecot.conf"
        config.write_text(self._config())
        self.process = subprocess.Popen(  # noqa: S603 - a fixed program
            [str(DOVECOT), "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / "dovecot.stderr").open("w"),
        )
        deadline = time.monotonic() + 20
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"Dovecot stopped at start:\n{self.read_logs()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as greeting:
                    if greeting.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"Dovecot did not answer within 20s:\n{self.read_logs()}")
            time.sleep(0.05)

    def read_logs(self) -> str:
        texts = []
        for name in ("dovecot.log", "dovecot.stderr"):
            path = self.folder / name
            if path.exists():
                texts.append(path.read_text())
        return "\n".join(texts)

    def add_user(self, name: str, password: str) -> None:
        # A file per user: Dovecot looks at a passwd-file at most once a second, so
        # a user added to one shared file just after a sign-in would be missed.
        (self.passwd / name).write_text(f"{name}:{{PLAIN}}{password}\n")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    if not DOVECOT.exists():
        pytest.fail(
            "The IMAP tests need Debian's Dovecot: run `make dovecot` "
            "(apt-get install dovecot-imapd)."
        )
    # Not under pytest's own temporary folder: that one is private to us, and as
    # root the mail processes run as another user.
    folder = Path(tempfile.mkdtemp(prefix="casewell-dovecot-"))
    server = Dovecot(folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
