"""The exceptions of nettx."""

from __future__ import annotations

import json
import numbers
from typing import Any, Dict, Optional, Union

from ._vocab import ErrorKind

__all__ = ["NettxError", "InvalidCaseError"]


def _is_row_number(label: Any, row: int) -> bool:
    """Whether an index label is just the row's position (an integer equal
    to it), so that a message need not show it. Never raises: a label may be
    anything (``pd.NA``, whose comparisons raise; an object whose ``==``
    does)."""
    try:
        return (
            isinstance(label, numbers.Integral)
            and not isinstance(label, bool)
            and int(label) == row
        )
    except Exception:
        return False


def _shown(value: Any) -> str:
    """``repr(value)``, or a placeholder when that raises."""
    try:
        return repr(value)
    except Exception:
        return f"<unprintable {type(value).__name__}>"


class NettxError(Exception):
    """Base class of the errors nettx raises about its input."""


class InvalidCaseError(NettxError, ValueError):
    """A case that cannot be evaluated: malformed, out of range, or
    contradictory. Nothing is evaluated for it.

    Attributes:
        kind: ``ErrorKind.PARSE``, ``FIELD``, ``CONTRADICTION`` or ``INTERNAL``.
        field: The offending field (for an unknown key, the key itself), or
            ``None`` (parse errors).
        message: What is wrong and what to do about it, as every other entry
            point says it.
        row: In a batch (``evaluate_many``, ``evaluate_frame``), the position
            of the case, counting from 0; else ``None``.
        label: In ``evaluate_frame``, the index label of the row; else
            ``None``.
    """

    kind: ErrorKind
    field: Optional[str]
    message: str
    row: Optional[int]
    label: Any

    def __init__(
        self,
        message: str,
        *,
        kind: Union[ErrorKind, str] = ErrorKind.FIELD,
        field: Optional[str] = None,
        row: Optional[int] = None,
        label: Any = None,
        document: Optional[str] = None,
    ) -> None:
        """Makes the error; ``document`` is the core's error JSON, when
        known (``to_json`` returns it)."""
        super().__init__(message)
        self.kind = ErrorKind(kind)
        self.field = field
        self.message = message
        self.row = row
        self.label = label
        self._document = document

    def __str__(self) -> str:
        where = f"{self.kind.value} error"
        if self.field is not None:
            where += f" in `{self.field}`"
        if self.row is not None:
            at = f"row {self.row}"
            if self.label is not None and not _is_row_number(self.label, self.row):
                at += f" (label {_shown(self.label)})"
            where = f"{at}: {where}"
        return f"{where}: {self.message}"

    def __repr__(self) -> str:
        parts = [repr(self.message), f"kind={self.kind.value!r}", f"field={self.field!r}"]
        if self.row is not None:
            parts.append(f"row={self.row!r}")
        if self.label is not None:
            parts.append(f"label={_shown(self.label)}")
        return f"InvalidCaseError({', '.join(parts)})"

    def to_dict(self) -> Dict[str, Dict[str, str]]:
        """The error document as a dict: ``{"error": {"kind", "field",
        "message"}}``, ``field`` left out when there is none."""
        body: Dict[str, str] = {"kind": self.kind.value}
        if self.field is not None:
            body["field"] = self.field
        body["message"] = self.message
        return {"error": body}

    def to_json(self) -> str:
        """The error document as compact JSON: the bytes every other entry
        point prints for the same input."""
        if self._document is not None:
            return self._document
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)
