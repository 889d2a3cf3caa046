"""Ticket attachments: checked by their content, stored under generated names.

The name and type a browser sends are never trusted: the type comes from
the file's first bytes, and the file is stored as a random name in a folder
outside the web root, served only to signed-in staff as a download.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

import filetype

from .text import has_control_characters

# Types by content (filetype's signatures) that customers may send.
ACCEPTED_TYPES = {
    "image/png", "image/jpeg", "image/gif", "image/webp",
    "application/pdf",
    "video/mp4", "video/webm",
}
TEXT_TYPE = "text/plain"


class AttachmentRejected(ValueError):
    """The file is not one the help center accepts; ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def detect_type(data: bytes) -> str | None:
    """The accepted content type of ``data``, or None.

    >>> detect_type(b"%PDF-1.7\\n...")
    'application/pdf'
    >>> detect_type("Ceci est un journal d'erreurs\\n".encode())
    'text/plain'
    >>> detect_type(b"MZ\\x90\\x00\\x03") is None
    True
    """
    kind = filetype.guess(data[:8192])
    if kind is not None:
        return kind.mime if kind.mime in ACCEPTED_TYPES else None
    if data and _is_plain_text(data):
        return TEXT_TYPE
    return None


def _is_plain_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not has_control_characters(text, allowed="\t\n\r\f\x7f")


def safe_filename(name: str) -> str:
    """A display name for the file: no folders, no control characters, not too long.

    >>> safe_filename("../../etc/passwd")
    'passwd'
    >>> safe_filename("C:\\\\Users\\\\ana\\\\screen shot.png")
    'screen shot.png'
    >>> safe_filename("")
    'attachment'
    """
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip().lstrip(".")
    return name[-150:] or "attachment"


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    filename: str
    content_type: str
    size: int

    def as_dict(self) -> dict:
        return asdict(self)


class AttachmentStore:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def save(self, filename: str, data: bytes, *, max_bytes: int) -> StoredFile:
        """Check and store one upload; raises AttachmentRejected."""
        if not data:
            raise AttachmentRejected("empty")
        if len(data) > max_bytes:
            raise AttachmentRejected("too-large")
        content_type = detect_type(data)
        if content_type is None:
            raise AttachmentRejected("type")
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        stored_name = secrets.token_hex(16)
        path = self.path(stored_name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return StoredFile(stored_name, safe_filename(filename), content_type, len(data))

    def path(self, stored_name: str) -> Path:
        if not (len(stored_name) == 32 and all(c in "0123456789abcdef" for c in stored_name)):
            raise ValueError(f"not a stored attachment name: {stored_name!r}")
        return self.folder / stored_name

    def read(self, stored_name: str) -> bytes:
        return self.path(stored_name).read_bytes()


def prune_unclaimed(store: AttachmentStore, claimed: set[str], *, older_than_seconds: float, now: float | None = None) -> int:
    """Delete files no ticket refers to once they are old enough; how many.

    Files are stored as soon as a form arrives, so a form that is shown again
    keeps them; a form never sent again leaves them unclaimed.
    """
    import time

    if not store.folder.is_dir():
        return 0
    limit = (now or time.time()) - older_than_seconds
    removed = 0
    for path in store.folder.iterdir():
        if path.name in claimed or not path.is_file() or path.stat().st_mtime > limit:
            continue
        path.unlink(missing_ok=True)
        removed += 1
    return removed
