"""nettx.summarize: counts equal those of evaluate_many's evaluations, from
evaluate_arrow and from evaluate_frame; the HTML holds SVG charts; to_frames;
the cohort pathway of results with their evaluations (full=True)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Dict, List, Tuple

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


# --- the cohort pathway (full=True) ---------------------------------------------------

FORMATS = ("svg", "dot", "mermaid")


def cohort_frame(cases: List[Dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(cases).reindex(columns=[f.value for f in nettx.Field])
    return frame.astype(object).where(frame.notna(), None)


def edges(svg: str) -> Dict[int, Tuple[str, int, int]]:
    """Per drawn edge of a cohort's SVG: its label, the count in it, its width."""
    found = re.findall(
        r'<path id="(?:nettx-[0-9a-f]{12}-)?e(\d+)" d="[^"]*" stroke="[^"]*" stroke-width="(\d+)"[^>]*/>\n'
        r'<text [^>]*><textPath href="#(?:nettx-[0-9a-f]{12}-)?e(\d+)"[^>]*>([^<]*)</textPath>',
        svg,
    )
    assert found, "no labelled edge in the drawing"
    out = {}
    for k, width, href, label in found:
        assert k == href
        out[int(k)] = (label, int(label.rsplit(" ", 1)[-1]), int(width))
    return out


def test_the_cohort_pathway_is_nettx_pathway_of_the_same_evaluations() -> None:
    cases = random_cases(1_000, seed=5)
    want = expected(cases)
    evaluations = nettx.evaluate_many(cases)
    documents = [e.to_json() for e in evaluations]
    from_arrow = nettx.summarize(nettx.evaluate_arrow(arrow_table(cases), full=True))
    from_frame = nettx.summarize(nettx.evaluate_frame(cohort_frame(cases), full=True))
    for summary in (from_arrow, from_frame):
        check(summary, want)  # full=True changes none of the counts
        assert summary.has_pathway
        assert summary.pathway() == summary.pathway_svg
        assert f", {len(cases)} cases</title>" in summary.pathway()
    for fmt in FORMATS:
        # evaluate_arrow's column holds the JSON documents; evaluate_frame's the
        # Evaluation objects, whose drawing also counts what each node did.
        assert from_arrow.pathway(fmt) == nettx.pathway(documents, format=fmt)  # type: ignore[arg-type]
        assert from_frame.pathway(fmt) == nettx.pathway(evaluations, format=fmt)  # type: ignore[arg-type]
    # The counts on the edges are the same either way.
    assert edges(from_arrow.pathway()) == edges(nettx.pathway(documents))
    assert {k: c for k, (_, c, _) in edges(from_arrow.pathway()).items()} == {
        k: c for k, (_, c, _) in edges(from_frame.pathway()).items()
    }
    # Deterministic: the same cohort gives an equal summary.
    assert nettx.summarize(nettx.evaluate_arrow(arrow_table(cases), full=True)) == from_arrow


def test_identical_cases_take_one_path_and_every_edge_of_it_shows_them_all() -> None:
    n = 7
    case = {"primary_site": "ileum", "metastatic": False, "carcinoid_syndrome": False}
    summary = nettx.summarize(nettx.evaluate_arrow(pa.table({k: [v] * n for k, v in case.items()}), full=True))
    drawn = edges(summary.pathway())
    assert {count for _, count, _ in drawn.values()} == {0, n}
    # The edges with n on them are the single case's highlighted path...
    single = nettx.evaluate(case).pathway()
    path = {int(k) for k in re.findall(r'<path id="(?:nettx-[0-9a-f]{12}-)?e(\d+)" d="[^"]*" stroke="#1a7f37"', single)}
    assert len(path) >= 3
    assert {k for k, (_, count, _) in drawn.items() if count == n} == path
    # ...drawn at the widest (8 px), and the others at 1 px.
    for label, count, width in drawn.values():
        assert label.endswith(str(count))
        assert width == (8 if count == n else 1), label
    assert f", {n} cases</title>" in summary.pathway()
    # The DOT text says the same: n and 8 px on the path, 0 and 1 px elsewhere.
    dot = re.findall(r'-> "[^"]*" \[label="(?:[^"]*: )?(\d+)", color="[^"]*", penwidth=(\d+)\]', summary.pathway("dot"))
    assert len(dot) == summary.pathway("dot").count(" -> ")
    assert set(dot) == {("0", "1"), (str(n), "8")}


def test_refused_rows_are_left_out_of_the_pathway() -> None:
    sites = ["ileum", "nowhere", "colon", "appendix"]
    good = nettx.evaluate_many([{"primary_site": s} for s in sites if s != "nowhere"])
    from_arrow = nettx.summarize(
        nettx.evaluate_arrow(pa.table({"primary_site": sites}), errors="return", full=True)
    )
    from_frame = nettx.summarize(
        nettx.evaluate_frame(pd.DataFrame({"primary_site": sites}), errors="return", full=True)
    )
    for summary in (from_arrow, from_frame):
        assert summary.errors == 1 and summary.cases == 4
        assert ", 3 cases</title>" in summary.pathway()
    for fmt in FORMATS:
        assert from_arrow.pathway(fmt) == nettx.pathway([e.to_json() for e in good], format=fmt)  # type: ignore[arg-type]
        assert from_frame.pathway(fmt) == nettx.pathway(good, format=fmt)  # type: ignore[arg-type]


def test_without_the_evaluations_there_is_no_pathway_and_the_error_says_full_true() -> None:
    cases = random_cases(50, seed=4)
    for result in (nettx.evaluate_arrow(arrow_table(cases)), nettx.evaluate_frame(cohort_frame(cases))):
        summary = nettx.summarize(result)
        assert not summary.has_pathway
        assert (summary.pathway_svg, summary.pathway_dot, summary.pathway_mermaid) == (None, None, None)
        for fmt in FORMATS:
            with pytest.raises(ValueError, match=r"full=True"):
                summary.pathway(fmt)  # type: ignore[arg-type]
        page = summary._repr_html_()
        assert page.count("<svg") == 5, "the bar charts only"
        assert "full=True" in page and "Cohort pathway" in page
    full = nettx.summarize(nettx.evaluate_arrow(arrow_table(cases), full=True))
    with pytest.raises(ValueError, match="png"):
        full.pathway("png")  # type: ignore[arg-type]
    # The drawings stay out of the repr.
    assert "<svg" not in repr(full) and "digraph" not in repr(full)


def test_the_html_shows_the_cohort_pathway_inline_with_ids_of_its_own() -> None:
    cases = random_cases(300, seed=6)
    summary = nettx.summarize(nettx.evaluate_arrow(arrow_table(cases), full=True))
    page = summary._repr_html_()
    assert page.count("<svg") == 6 and "<script" not in page
    assert "full=True" not in page
    assert "Cohort pathway" in page
    # The drawing is inline, its ids prefixed by the core with a digest of
    # the drawing (in a notebook every output shares one page).
    assert summary.pathway() in page
    prefixes = set(re.findall(r"nettx-[0-9a-f]{12}-", page))
    assert len(prefixes) == 1
    # Every id is unique and every reference finds one, also beside another
    # cohort's summary and an evaluation's own drawing in the same page.
    other = nettx.summarize(nettx.evaluate_arrow(arrow_table(random_cases(20, seed=7)), full=True))
    both = page + other._repr_html_() + nettx.evaluate(cases[0]).pathway()
    ids = re.findall(r'\sid="([^"]*)"', both)
    assert len(ids) == len(set(ids))
    for ref in re.findall(r'(?:href="#|url\(#)([^")]*)', page + other._repr_html_()):
        assert ref in ids
    # The same summary gives the same page.
    assert summary._repr_html_() == page
