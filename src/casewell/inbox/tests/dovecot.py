"""A real Dovecot IMAP server for the tests, in a temporary folder on free ports.

Debian's ``dovecot-imapd`` (``make dovecot`` installs it). Plain-text passwords on
127.0.0.1 only (STARTTLS offered, not required; IMAP over TLS on a second port),
from passwd-files that tests add users with as they go, mail in Maildirs under the
folder. It runs as the current user; as root, Dovecot will not give mail to root,
so the mail is kept by Debian's ``dovecot`` system user instead.
"""

from __future__ import annotations

import datetime
import grp
import ipaddress
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
DH = Path("/usr/share/dovecot/dh.pem")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A throw-away certificate authority and a certificate it signed for 127.0.0.1:
    (the authority's certificate, the server's certificate, the server's key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    lifetime = (now - datetime.timedelta(days=1), now + datetime.timedelta(days=30))

    def name(text: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])

    authority_key = ec.generate_private_key(ec.SECP256R1())
    authority = (
        x509.CertificateBuilder()
        .subject_name(name("Casewell test authority"))
        .issuer_name(name("Casewell test authority"))
        .public_key(authority_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(lifetime[0])
        .not_valid_after(lifetime[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(authority_key.public_key()), critical=False
        )
        .sign(authority_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(name("127.0.0.1"))
        .issuer_name(authority.subject)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(lifetime[0])
        .not_valid_after(lifetime[1])
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()),
            critical=False,
        )
        .sign(authority_key, hashes.SHA256())
    )
    paths = folder / "authority.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(authority.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


class Dovecot:
    """Plain IMAP with STARTTLS on ``port``, IMAP over TLS on ``tls_port``, under a
    certificate from a throw-away authority (``authority``: trust it to connect)."""

    host = "127.0.0.1"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.tls_port = free_port()
        self.authority = folder / "authority.pem"
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
        dh = f"ssl_dh = <{DH}\n" if DH.exists() else ""
        return f"""
{users}base_dir = {folder}/run
state_dir = {folder}/state
log_path = {self.log}
protocols = imap
listen = {self.host}
ssl = yes
ssl_cert = <{folder}/server.pem
ssl_key = <{folder}/server.key
{dh}disable_plaintext_auth = no
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
    address = {self.host}
    port = {self.tls_port}
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
        make_certificates(self.folder)
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
