"""What a check of a policy document finds: a message at a path inside the document, so the
caller can name its file and line (orgboot/rules/documents.py)."""

from dataclasses import dataclass

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    path: Path  # inside the document: ("Statement", 0, "Action", 1)
    message: str
