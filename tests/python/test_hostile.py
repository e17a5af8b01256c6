"""The hostile-input corpus (tests/hostile/corpus.json) through every Python
entry point, with the kind and field every other language gives, and the
batch limit of ``evaluate_many`` and ``evaluate_frame``.

- ``evaluate_json`` and ``Case.from_json`` with the input as ``bytes`` (every
  entry: the API takes UTF-8 bytes, so invalid UTF-8 is tested too) and as
  ``str`` (every entry that is UTF-8);
- ``evaluate``, ``Case.from_dict`` and ``evaluate_many`` with the input read
  by Python's ``json`` as a dict, for every entry whose text Python reads as
  one JSON object without losing anything (no duplicate key, no NaN or
  Infinity, no byte-order mark). Where the dict path answers differently by
  design (a dict has no JSON text, so no size or nesting limit; Python reads
  1e309 as inf and keeps lone surrogates) the corpus says so in ``dict``.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pandas as pd
import pytest

import nettx
from json_input import strict_object

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "hostile"))
import corpus  # noqa: E402  (tests/hostile/corpus.py)

ENTRIES = corpus.load()
IDS = [e.title for e in ENTRIES]


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


UTF8 = [e for e in ENTRIES if _is_utf8(e.input)]


def _answer(call: Callable[[], Any]) -> corpus.Answer:
    """The answer of a call: ("valid",) or ("error", kind, field), checking the
    exception's attributes and document."""
    try:
        call()
    except nettx.InvalidCaseError as e:
        assert e.row is None and e.label is None
        doc = json.loads(e.to_json())
        assert doc == e.to_dict()
        assert list(doc["error"]) == (["kind", "field", "message"] if e.field is not None else ["kind", "message"])
        assert 0 < len(e.message) <= 1000
        return ("error", e.kind.value, e.field)
    return corpus.VALID


def test_the_corpus_is_large_enough() -> None:
    errors = [e for e in ENTRIES if e.answer[0] == "error"]
    assert len(errors) >= corpus.MIN_ERROR_ENTRIES
    # Some entries are not UTF-8 and go through the bytes path only.
    assert 0 < len(UTF8) < len(ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_json_bytes(entry: corpus.Entry) -> None:
    assert _answer(lambda: nettx.evaluate_json(entry.input)) == entry.answer
    assert _answer(lambda: nettx.Case.from_json(entry.input)) == entry.answer


@pytest.mark.parametrize("entry", UTF8, ids=[e.title for e in UTF8])
def test_json_str(entry: corpus.Entry) -> None:
    text = entry.input.decode("utf-8")
    assert _answer(lambda: nettx.evaluate_json(text)) == entry.answer
    assert _answer(lambda: nettx.Case.from_json(text)) == entry.answer
    if entry.answer == corpus.VALID:
        assert nettx.evaluate_json(text) == nettx.evaluate_json(entry.input)


def _strict_dict(data: bytes) -> Optional[Dict[str, Any]]:
    """The input as a dict when Python's json reads it as one JSON object
    without losing anything (see json_input.strict_object); infinities from
    overflowing numbers are kept, as a dict may hold them."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return strict_object(text, keep_infinities=True)


DICT_ENTRIES = [(e, _strict_dict(e.input)) for e in ENTRIES]


def test_dict_answers_are_given_only_where_python_reads_a_dict() -> None:
    for entry, d in DICT_ENTRIES:
        if entry.dict is not None and entry.dict[0] != "skip":
            assert d is not None, f"{entry.title}: a dict answer, but Python reads no dict"
    assert sum(1 for _, d in DICT_ENTRIES if d is not None) >= corpus.MIN_ERROR_ENTRIES


@pytest.mark.parametrize(
    "entry,case",
    [(e, d) for e, d in DICT_ENTRIES if d is not None and (e.dict is None or e.dict[0] != "skip")],
    ids=[e.title for e, d in DICT_ENTRIES if d is not None and (e.dict is None or e.dict[0] != "skip")],
)
def test_dict(entry: corpus.Entry, case: Dict[str, Any]) -> None:
    expected = entry.dict if entry.dict is not None else entry.answer
    assert _answer(lambda: nettx.evaluate(case)) == expected
    assert _answer(lambda: nettx.Case.from_dict(case)) == expected
    try:
        [ev] = nettx.evaluate_many([case])
    except nettx.InvalidCaseError as e:
        assert ("error", e.kind.value, e.field, e.row) == (*expected, 0)
    else:
        assert expected == corpus.VALID
        if entry.answer == corpus.VALID:
            assert ev.to_json() == nettx.evaluate_json(entry.input)


def test_python_strings_that_are_not_unicode_text() -> None:
    # A str holding a lone surrogate is not UTF-8: as JSON text, a parse
    # error; as a value in a dict, a value of the wrong kind for its field.
    for text in ['{"primary_site":"\ud800"}', '{"primary_site":"ileum","case_id":"\udfff"}']:
        assert _answer(lambda: nettx.evaluate_json(text)) == ("error", "parse", None)
    assert _answer(lambda: nettx.evaluate({"primary_site": "\ud800"})) == ("error", "field", "primary_site")
    assert _answer(lambda: nettx.evaluate({"primary_site": "ileum", "case_id": "\udfff"})) == (
        "error",
        "field",
        "case_id",
    )


# ---------------------------------------------------------------------------
# Limits
# ---------------------------------------------------------------------------

CASE = {"primary_site": "ileum", "metastatic": False}
LIMIT = nettx.MAX_BATCH_CASES


def test_limits_are_exposed() -> None:
    assert nettx.MAX_CASE_JSON_BYTES == 65_536
    assert nettx.MAX_NESTING_DEPTH == 127
    assert nettx.MAX_CASE_ID_BYTES == 256
    assert nettx.MAX_BATCH_CASES == 1_000_000
    for name in ("MAX_CASE_JSON_BYTES", "MAX_NESTING_DEPTH", "MAX_CASE_ID_BYTES", "MAX_BATCH_CASES"):
        assert name in nettx.__all__


def _batch_error(call: Callable[[], Any]) -> nettx.InvalidCaseError:
    with pytest.raises(nettx.InvalidCaseError) as info:
        call()
    e = info.value
    assert (e.kind, e.field, e.row, e.label) == (nettx.ErrorKind.PARSE, None, None, None)
    assert "at most 1,000,000 cases" in e.message and "smaller batches" in e.message
    return e


def test_evaluate_many_refuses_a_list_over_the_limit_before_reading_it() -> None:
    # Every item is invalid: the batch limit is reported, not row 0.
    e = _batch_error(lambda: nettx.evaluate_many([{"primary_site": "nowhere"}] * (LIMIT + 1)))
    assert "got 1,000,001" in e.message


def test_evaluate_many_stops_an_iterator_at_the_first_case_over_the_limit() -> None:
    pulled = 0

    def endless() -> Iterator[Dict[str, Any]]:
        nonlocal pulled
        for _ in itertools.count():
            pulled += 1
            yield CASE

    e = _batch_error(lambda: nettx.evaluate_many(endless()))
    assert "got more than 1,000,000" in e.message
    assert pulled == LIMIT + 1


def test_evaluate_many_reports_a_bad_row_met_before_the_limit() -> None:
    def cases() -> Iterator[Dict[str, Any]]:
        yield CASE
        yield {"primary_site": "nowhere"}
        yield from itertools.repeat(CASE)

    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_many(cases())
    assert (info.value.field, info.value.row) == ("primary_site", 1)


def _frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"primary_site": pd.Categorical.from_codes([0] * rows, categories=["ileum"])})


def test_evaluate_frame_takes_exactly_the_limit() -> None:
    out = nettx.evaluate_frame(_frame(LIMIT))
    assert len(out) == LIMIT


@pytest.mark.parametrize("errors", ["raise", "return"])
def test_evaluate_frame_refuses_one_row_over_the_limit(errors: Any) -> None:
    # The batch as a whole is refused, even when bad rows would be returned.
    e = _batch_error(lambda: nettx.evaluate_frame(_frame(LIMIT + 1), errors=errors))
    assert "got 1,000,001" in e.message
