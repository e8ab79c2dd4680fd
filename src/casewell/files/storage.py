"""Encrypted files on disk, written and read a chunk at a time.

Each file is AES-256-GCM in 64 KiB chunks (the "STREAM" construction of
Hoang, Reyhanitabar, Rogaway and Vizár, as in Tink's streaming AEAD): the
nonce of chunk *i* is a random 7-byte prefix for the file, the 4-byte counter
*i* and a byte saying whether it is the last chunk. So no chunk can be changed,
reordered, dropped or the file cut short without the tag check failing, and a
file of any size is handled with one chunk in memory. Every chunk is also bound
to the file's storage name (associated data), so one file's ciphertext cannot be
passed off as another's.

Layout: ``CWF1`` + prefix (7 bytes), then chunks of ciphertext + 16-byte tag. The
same bytes are kept either in a file under the data folder or, for a file kept in the
database (mail as received), in a FileContents row.
"""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

MAGIC = b"CWF1"
PREFIX_SIZE = 7
CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
MAX_CHUNKS = 2**32


class TamperedFile(Exception):
    """A stored file's bytes are not what Casewell wrote: changed, cut short or swapped."""


def files_folder() -> Path:
    return Path(settings.DATA_DIR) / "files"


def path_for(office_id: int, storage_name: str) -> Path:
    return files_folder() / str(office_id) / storage_name


def new_storage_name() -> str:
    """A random name: the original name (which may say a lot) never reaches the disk."""
    return secrets.token_hex(20)


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index >= MAX_CHUNKS:
        raise ValueError("File too large to encrypt.")
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _associated_data(storage_name: str) -> bytes:
    return b"casewell stored file " + storage_name.encode()


def _rechunk(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The same bytes in CHUNK_SIZE pieces (the last may be shorter; at least one piece)."""
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        while len(buffer) >= CHUNK_SIZE:
            yield bytes(buffer[:CHUNK_SIZE])
            del buffer[:CHUNK_SIZE]
    if buffer:
        yield bytes(buffer)


def _encrypted(key: bytes, storage_name: str, pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The stored form of ``pieces``, a chunk at a time (the header first)."""
    aead = AESGCM(key)
    prefix = secrets.token_bytes(PREFIX_SIZE)
    associated = _associated_data(storage_name)
    yield MAGIC + prefix
    chunks = _rechunk(pieces)
    current = next(chunks, b"")
    index = 0
    # Look one chunk ahead: the last one is marked as last in its nonce.
    for following in chunks:
        yield aead.encrypt(_nonce(prefix, index, False), current, associated)
        current, index = following, index + 1
    yield aead.encrypt(_nonce(prefix, index, True), current, associated)


def encrypt_bytes(key: bytes, storage_name: str, contents: bytes) -> bytes:
    """``contents`` encrypted as a stored file, in memory: to keep in the database."""
    return b"".join(_encrypted(key, storage_name, [contents]))


def write_encrypted(
    path: Path, key: bytes, storage_name: str, pieces: Iterable[bytes], *, flushed: bool = True
) -> None:
    """Encrypt ``pieces`` into ``path``, a new file, and flush it to disk (unless not
    ``flushed``: the caller then flushes it with ``flush_in_background``).

    Written in place, not moved there: the rows that name a file are inserted only
    after this returns, so no one reads it half-written (one left so by a crash is an
    orphan, swept by ``remove_orphaned_files``), and the file's own fsync then also
    makes its name durable (on ext4, which commits the directory entry with it).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with open(descriptor, "wb") as out:
            for piece in _encrypted(key, storage_name, pieces):
                out.write(piece)
            out.flush()
            if flushed:
                os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


# Flushing waits for the disk, with the interpreter free to run other threads meanwhile.
# Made in each process that flushes (a forked child's copy would have no threads).
_flushing: tuple[int, ThreadPoolExecutor] | None = None


def _flusher() -> ThreadPoolExecutor:
    global _flushing  # noqa: PLW0603 - one pool per process, made on first use
    if _flushing is None or _flushing[0] != os.getpid():
        _flushing = (os.getpid(), ThreadPoolExecutor(4, thread_name_prefix="casewell-flush"))
    return _flushing[1]


def flush_in_background(path: Path) -> Future[None]:
    """Flush a file just written (not ``flushed``) to disk while the caller does other
    work; the caller waits for the result before anything that needs it on disk."""

    def flush() -> None:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    return _flusher().submit(flush)


def read_decrypted(path: Path, key: bytes, storage_name: str) -> Iterator[bytes]:
    """The plaintext of ``path`` a chunk at a time; TamperedFile if any of it fails its check."""
    try:
        source = open(path, "rb")  # noqa: SIM115 - held open while the caller streams
    except FileNotFoundError:
        raise TamperedFile(
            f"The stored file {storage_name} is missing from {path.parent}."
        ) from None
    with source:
        yield from _decrypted(source, key, storage_name)


def decrypt_bytes(encrypted: bytes, key: bytes, storage_name: str) -> Iterator[bytes]:
    """``read_decrypted`` for a file kept in the database: its plaintext a chunk at a time."""
    return _decrypted(io.BytesIO(encrypted), key, storage_name)


def _decrypted(source: BinaryIO, key: bytes, storage_name: str) -> Iterator[bytes]:
    aead = AESGCM(key)
    associated = _associated_data(storage_name)
    header = source.read(len(MAGIC) + PREFIX_SIZE)
    if len(header) != len(MAGIC) + PREFIX_SIZE or not header.startswith(MAGIC):
        raise TamperedFile(f"The stored file {storage_name} does not start as Casewell wrote it.")
    prefix = header[len(MAGIC) :]
    current = source.read(CHUNK_SIZE + TAG_SIZE)
    index = 0
    while True:
        following = source.read(CHUNK_SIZE + TAG_SIZE)
        last = not following
        try:
            yield aead.decrypt(_nonce(prefix, index, last), current, associated)
        except InvalidTag:
            raise TamperedFile(
                f"The stored file {storage_name} has been changed or cut short "
                f"(chunk {index} fails its check), or was encrypted with another key."
            ) from None
        if last:
            return
        current, index = following, index + 1
