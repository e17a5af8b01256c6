"""Shared data of the Python suite: the conformance cases, error inputs and
golden outputs of tests/conformance/, which every language must reproduce."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from json_input import strict_object  # noqa: F401  (re-exported to the tests)

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


@pytest.fixture(scope="session")
def golden_cases() -> List[str]:
    return GOLDEN_CASES
