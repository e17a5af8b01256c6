"""Which JSON inputs Python reads as the same case the core reads, shared by
the Python suite (conftest.py, test_hostile.py) and the soak
(tests/soak/soak.py). Standard library only, so that the soak needs no
pytest."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple


def strict_object(text: str, *, keep_infinities: bool = False) -> Optional[Dict[str, Any]]:
    """The input as a dict when it is one JSON object that Python's ``json``
    reads without losing anything the core would see (no duplicate key, no
    ``NaN``/``Infinity`` literal, no byte-order mark); else None.

    Python reads an overflowing number such as ``1e309`` as infinity, where
    the core refuses it; such an input is None unless ``keep_infinities``
    (the hostile corpus checks what the dict path does with it)."""

    def pairs(items: List[Tuple[str, Any]]) -> Dict[str, Any]:
        keys = [k for k, _ in items]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate key")
        return dict(items)

    def constant(name: str) -> Any:
        raise ValueError(name)

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or text.startswith("\ufeff"):
        return None
    if not keep_infinities and any(
        isinstance(v, float) and v in (float("inf"), float("-inf")) for v in value.values()
    ):
        return None
    return value
