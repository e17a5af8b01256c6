"""The pathway diagram from Python: one evaluation's path in each format
(the bytes of the snapshots every language shares), the notebook display,
the whole guideline, and a cohort from ``evaluate_many`` or from
``evaluate_frame(full=True)``, and all three formats drawn at once."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import nettx
from conftest import CASES

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT_CASE = {
    "case_id": "snapshot",
    "primary_site": "rectum",
    "tumor_size_cm": 1.5,
    "metastatic": False,
    "complications": ["bleeding"],
}


@pytest.mark.parametrize("fmt,ext", [("svg", "svg"), ("dot", "dot"), ("mermaid", "mmd")])
def test_one_case_draws_the_snapshot(fmt: str, ext: str) -> None:
    ev = nettx.evaluate(SNAPSHOT_CASE)
    want = (ROOT / "tests" / "pathway" / f"rectal-bleeding.{ext}").read_text(encoding="utf-8")
    assert ev.pathway(fmt) == want  # type: ignore[arg-type]
    assert ev.pathway(format=fmt) == want  # type: ignore[arg-type]


def test_the_default_format_is_svg_and_a_bad_one_is_refused() -> None:
    ev = nettx.evaluate(SNAPSHOT_CASE)
    assert ev.pathway().startswith("<svg ")
    with pytest.raises(nettx.InvalidCaseError) as info:
        ev.pathway("png")  # type: ignore[arg-type]
    assert info.value.field == "format"
    assert isinstance(info.value, ValueError)


def test_the_notebook_shows_the_report_and_the_pathway() -> None:
    ev = nettx.evaluate(SNAPSHOT_CASE)
    bundle = ev._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/svg+xml", "text/vnd.mermaid", "text/plain"}
    assert bundle["image/svg+xml"] == ev.pathway("svg")
    assert bundle["text/vnd.mermaid"] == ev.pathway("mermaid")
    assert bundle["text/html"].startswith(ev._repr_html_())
    assert ev.pathway("svg") in bundle["text/html"]
    assert bundle["text/plain"] == repr(ev)


def test_the_whole_guideline() -> None:
    want = (ROOT / "docs" / "pathway.svg").read_text(encoding="utf-8")
    assert nettx.pathway() == want
    assert nettx.pathway(format="dot").startswith("digraph pathway {")


def test_a_cohort_from_evaluate_many_and_from_a_frame_agree() -> None:
    cases = [case for _, case in CASES]
    evaluations = nettx.evaluate_many(cases)
    n = len(cases)
    from_objects = nettx.pathway(evaluations, format="dot")
    assert f"{n} cases" in from_objects
    assert f'label="{n}"' in from_objects, "the first edge carries every case"
    # The evaluation column of a full frame gives the same counts.
    frame = pd.DataFrame(cases)
    result = nettx.evaluate_frame(frame, full=True)
    from_frame = nettx.pathway(result["evaluation"], format="dot")
    assert from_frame == from_objects
    # Failed rows (None) are skipped; other items are refused with their row.
    assert nettx.pathway([None, *evaluations], format="dot") == from_objects
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.pathway([evaluations[0], 42], format="dot")  # type: ignore[list-item]
    assert info.value.row == 1
    other = json.loads(evaluations[0].to_json())
    other["guideline"]["digest"] = "0" * 64
    with pytest.raises(nettx.InvalidCaseError):
        nettx.pathway([json.dumps(other)])


def test_every_format_at_once_is_each_format_alone() -> None:
    # What nettx.summarize keeps: one pass over the results, all three drawings.
    from nettx import _native

    evaluations = nettx.evaluate_many([case for _, case in CASES])
    documents = [None, *(e.to_json() for e in evaluations)]
    for results in (None, evaluations, documents):
        drawings = _native.pathway_all(results)
        assert list(drawings) == ["svg", "dot", "mermaid"]
        for fmt, text in drawings.items():
            assert text == nettx.pathway(results, format=fmt)  # type: ignore[arg-type]
    with pytest.raises(nettx.InvalidCaseError) as info:
        _native.pathway_all([evaluations[0], 42])  # type: ignore[list-item]
    assert info.value.row == 1
