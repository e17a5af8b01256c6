"""nettx.summarize: counts equal those of evaluate_many's evaluations, from
evaluate_arrow and from evaluate_frame; the HTML holds SVG charts; to_frames."""

from __future__ import annotations

from collections import Counter
from typing import Any, Dict, List

import pandas as pd
import pyarrow as pa
import pytest

import nettx
from cohorts import arrow_table, random_cases


def expected(cases: List[Dict[str, Any]]) -> Dict[str, Any]:
    evs = nettx.evaluate_many(cases)
    recs: Dict[str, Counter[str]] = {}
    for e in evs:
        for r in e.recommendations:
            recs.setdefault(r.code.value, Counter())[r.strength.value] += 1
    return {
        "cases": len(evs),
        "in_scope": sum(e.in_scope for e in evs),
        "urgent": sum(any(r.urgency == "urgent" for r in e.recommendations) for e in evs),
        "disease_states": Counter(e.disease_state.value for e in evs),
        "recommendations": {c: dict(by) for c, by in recs.items()},
        "preferred": Counter(r.code.value for e in evs for r in e.preferred),
        "warnings": Counter(w.code.value for e in evs for w in e.warnings),
        "missing": Counter(m.field.value for e in evs for m in e.missing),
        "reasons": {m.field.value: m.reason for e in evs for m in e.missing},
    }


def check(summary: nettx.CohortSummary, want: Dict[str, Any], errors: int = 0) -> None:
    assert summary.cases == want["cases"] + errors and summary.errors == errors
    assert summary.in_scope == want["in_scope"] and summary.urgent == want["urgent"]
    assert summary.disease_states == dict(want["disease_states"])
    assert summary.recommendations == want["recommendations"]
    assert summary.preferred == dict(want["preferred"])
    assert summary.warnings == dict(want["warnings"])
    assert {f: m.cases for f, m in summary.missing.items()} == dict(want["missing"])
    # What a missing field blocks is the core's reason, as each evaluation says it.
    assert {f: m.blocks for f, m in summary.missing.items()} == want["reasons"]
    # In the vocabulary's order.
    assert list(summary.warnings) == [w.value for w in nettx.WarningCode if w.value in summary.warnings]


def test_summaries_of_arrow_and_frame_results_count_the_evaluations() -> None:
    cases = random_cases(5_000, seed=3)
    want = expected(cases)
    check(nettx.summarize(nettx.evaluate_arrow(arrow_table(cases))), want)
    frame = pd.DataFrame(cases).reindex(columns=[f.value for f in nettx.Field])
    frame = frame.astype(object).where(frame.notna(), None)
    check(nettx.summarize(nettx.evaluate_frame(frame)), want)


def test_refused_rows_are_counted_apart() -> None:
    summary = nettx.summarize(
        nettx.evaluate_arrow(pa.table({"primary_site": ["ileum", "nowhere", "colon"]}), errors="return")
    )
    want = expected([{"primary_site": "ileum"}, {"primary_site": "colon"}])
    check(summary, want, errors=1)


def test_the_html_shows_svg_bar_charts_and_frames_hold_the_counts() -> None:
    cases = random_cases(2_000, seed=9)
    summary = nettx.summarize(nettx.evaluate_arrow(arrow_table(cases)))
    page = summary._repr_html_()
    assert page.count("<svg") == 5 and "<script" not in page
    for code in summary.preferred:
        assert f">{code}</text>" in page
    for name in summary.missing:
        assert name in page
    assert nettx.GUIDELINE_DIGEST[:12] in page
    frames = summary.to_frames()
    assert set(frames) == {"overview", "disease_states", "recommendations", "preferred", "warnings", "missing"}
    assert frames["overview"].loc["cases", "cases"] == 2_000
    recs = frames["recommendations"]
    for code, by in summary.recommendations.items():
        assert recs.loc[code, "cases"] == sum(by.values())
    assert frames["missing"]["cases"].to_dict() == {f: m.cases for f, m in summary.missing.items()}
    assert (frames["missing"]["share"] <= 1).all()


def test_summarize_refuses_other_things() -> None:
    with pytest.raises(TypeError):
        nettx.summarize([1, 2])
    with pytest.raises(ValueError, match="joined"):
        with pytest.warns(DeprecationWarning):
            joined = nettx.evaluate_frame(pd.DataFrame({"primary_site": ["ileum"]}), joined=True)
        nettx.summarize(joined.drop(columns=["strengths"], errors="ignore"))
