"""Shared data of the Python suite: the conformance cases, error inputs and
golden outputs of tests/conformance/, which every language must reproduce."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT / "tests" / "conformance"


def load_cases() -> List[Tuple[str, Dict[str, Any]]]:
    """(title, case) of the guideline's examples, then of cases.json, in the
    order of golden.jsonl."""
    examples = json.loads((CONFORMANCE / "guideline-examples.json").read_text())
    own = json.loads((CONFORMANCE / "cases.json").read_text())["cases"]
    return [(c["title"], c["case"]) for c in examples + own]


def load_errors() -> List[Dict[str, Any]]:
    """The error inputs of cases.json: title, input (JSON text), error."""
    errors: List[Dict[str, Any]] = json.loads((CONFORMANCE / "cases.json").read_text())["errors"]
    return errors


def load_golden() -> List[str]:
    """The exact output of every case, then of every error input."""
    return (CONFORMANCE / "golden.jsonl").read_text(encoding="utf-8").splitlines()


CASES = load_cases()
ERRORS = load_errors()
GOLDEN = load_golden()
GOLDEN_CASES = GOLDEN[: len(CASES)]
GOLDEN_ERRORS = GOLDEN[len(CASES) :]


def strict_object(text: str) -> Any:
    """The input as a dict when it is a JSON object Python reads exactly as
    the core does (no duplicate keys, no NaN or infinity); else None."""

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
    if any(isinstance(v, float) and v in (float("inf"), float("-inf")) for v in value.values()):
        return None
    return value


@pytest.fixture(scope="session")
def golden_cases() -> List[str]:
    return GOLDEN_CASES
