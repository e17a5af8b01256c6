"""Speed of the Python package nettx (figures in BENCHMARKS.md, "## Python").

    tests/python/run.sh            # builds and installs nettx into .venv
    .venv/bin/python benches/python_bench.py

Measures evaluate(dict) per case, evaluate_many over 100,000 dicts and
evaluate_frame over 1,000,000 rows (in a fresh process, for its peak RSS),
and for comparison a compact plain-Python implementation of the same rules
(written here from rules.md for this comparison only; used nowhere else, and
checked against nettx on the conformance cases at decision level).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

import numpy as np
import pandas as pd

import nettx

ROOT = Path(__file__).resolve().parents[1]

# --- the rules in plain Python (for the comparison only) -----------------------------

FIELDS = {f.value for f in nettx.Field}
SITES = {"duodenum", "jejunum", "ileum", "small_intestine_unspecified", "colon", "rectum", "appendix", "other"}
COMPLICATIONS = {"bowel_obstruction", "bleeding", "perforation", "intestinal_ischemia", "other"}
RESPONSES = {"not_started", "controlled", "symptoms_worsening", "intolerant"}
BOOLS = ("local_spread", "metastatic", "hepatic_metastases", "extrahepatic_metastases", "metastases_resectable", "carcinoid_syndrome")
CODE_ORDER = {c.value: i for i, c in enumerate(nettx.Code)}
SURGERY = {"URGENT_SEGMENTAL_RESECTION", "LOCAL_EXCISION", "SMALL_BOWEL_RESECTION_WITH_MESENTERY", "PARTIAL_COLECTOMY_WITH_LYMPHADENECTOMY", "ONCOLOGIC_RESECTION", "CYTOREDUCTIVE_SURGERY", "LIVER_RESECTION"}
MISSING_ORDER = ["primary_site", "tumor_size_cm", "local_spread", "metastatic", "extrahepatic_metastases", "metastases_resectable", "carcinoid_syndrome", "ssa_response"]
WARNING_ORDER = [w.value for w in nettx.WarningCode]
STRENGTH = {"preferred": 0, "alternative": 1, "option": 2}


def plain_python_evaluate(c: Dict[str, Any]) -> Dict[str, Any]:
    """rules.md steps 0-7, missing data, warnings and goals, with the input
    checks of interface.md; decisions only (no texts, trace or digests)."""
    for k in c:
        if k not in FIELDS:
            raise ValueError(f"unknown field {k}")
    site, hist, size, ssa = c.get("primary_site"), c.get("histology"), c.get("tumor_size_cm"), c.get("ssa_response")
    if site not in SITES:
        raise ValueError("primary_site")
    hist = None if hist == "unknown" else hist
    if hist not in (None, "well_differentiated", "poorly_differentiated"):
        raise ValueError("histology")
    if size is not None and (isinstance(size, bool) or not isinstance(size, (int, float)) or not 0.01 <= size <= 30):
        raise ValueError("tumor_size_cm")
    b = {}
    for k in BOOLS:
        v = c.get(k)
        if v is not None and not isinstance(v, bool):
            raise ValueError(k)
        b[k] = v
    comps = c.get("complications")
    comps = [] if comps is None else comps
    if not isinstance(comps, list) or any(x not in COMPLICATIONS for x in comps):
        raise ValueError("complications")
    ssa = None if ssa == "unknown" else ssa
    if ssa is not None and ssa not in RESPONSES:
        raise ValueError("ssa_response")
    case_id = c.get("case_id")
    if case_id is not None and (not isinstance(case_id, str) or len(case_id.encode()) > 256):
        raise ValueError("case_id")
    met, hep, ext, res, syn, spread = (b["metastatic"], b["hepatic_metastases"], b["extrahepatic_metastases"], b["metastases_resectable"], b["carcinoid_syndrome"], b["local_spread"])
    if met is False and (hep or ext) or met is True and hep is False and ext is False:
        raise ValueError("metastatic")
    if syn is False and ssa in ("controlled", "symptoms_worsening"):
        raise ValueError("ssa_response")
    # Step 0.
    if hep or ext:
        met = True
    if met is True:
        ext = True if hep is False else ext
        hep = True if ext is False else hep
    if hep is False and ext is False:
        met = False
    if met is False:
        hep = ext = False
    if ssa in ("controlled", "symptoms_worsening"):
        syn = True
    state = "metastatic" if met else "localized" if met is False else "undetermined"
    recs: Dict[str, Tuple[str, str]] = {}
    missing: Set[str] = set()
    warnings: Set[str] = set()
    complication = bool(comps)
    pref, el = "preferred", "elective"
    # Step 1.
    if site in ("appendix", "other") or hist == "poorly_differentiated":
        recs["MULTIDISCIPLINARY_REVIEW"] = (pref, "urgent" if complication else el)
        return {"in_scope": False, "disease_state": state, "goals": [], "recommendations": [("MULTIDISCIPLINARY_REVIEW", *recs["MULTIDISCIPLINARY_REVIEW"])], "missing": [], "warnings": []}
    # Step 2.
    if complication:
        recs["URGENT_SEGMENTAL_RESECTION"] = (pref, "urgent")
    # Steps 3-5.
    if met is False:
        if not complication:
            large = size is not None and size > 1.0
            if site in ("jejunum", "ileum"):
                recs["SMALL_BOWEL_RESECTION_WITH_MESENTERY"] = (pref, el)
            else:
                unspecified = site == "small_intestine_unspecified"
                if unspecified:
                    missing.add("primary_site")
                if not unspecified and size is not None and size <= 1.0 and spread is False:
                    recs["LOCAL_EXCISION"] = (pref, el)
                elif not unspecified and (large or spread is True):
                    code = "ONCOLOGIC_RESECTION" if site == "duodenum" else "PARTIAL_COLECTOMY_WITH_LYMPHADENECTOMY"
                    recs[code] = (pref, el)
                else:
                    recs["ONCOLOGIC_RESECTION"] = (pref, el)
                if size is None and spread is not True:
                    missing.add("tumor_size_cm")
                if spread is None and not large:
                    missing.add("local_spread")
        if syn:
            recs["SOMATOSTATIN_ANALOG"] = (pref, el)
            warnings.add("SYNDROME_WITHOUT_METASTASES")
    elif met is True:
        if res is True and ext is False:
            recs["CYTOREDUCTIVE_SURGERY"] = (pref, el)
            recs["LIVER_RESECTION"] = (pref, el)
            if syn:
                recs["SOMATOSTATIN_ANALOG"] = ("alternative", el)
        elif res is False or ext is True:
            if syn:
                recs["SOMATOSTATIN_ANALOG"] = (pref, el)
            else:
                recs["MULTIDISCIPLINARY_REVIEW"] = (pref, el)
                if syn is False and ssa != "intolerant":
                    warnings.add("ANTIPROLIFERATIVE_SSA_NOT_COVERED")
        else:
            recs["ASSESS_RESECTABILITY"] = (pref, el)
            if ext is None:
                missing.add("extrahepatic_metastases")
            if res is None:
                missing.add("metastases_resectable")
            if syn:
                recs["SOMATOSTATIN_ANALOG"] = (pref, el)
    else:
        recs["COMPLETE_STAGING"] = (pref, el)
        missing.add("metastatic")
        if syn:
            recs["SOMATOSTATIN_ANALOG"] = (pref, el)
    # Step 6.
    if "SOMATOSTATIN_ANALOG" in recs:
        strength = recs["SOMATOSTATIN_ANALOG"][0]
        if ssa is None:
            missing.add("ssa_response")
        elif ssa == "intolerant":
            del recs["SOMATOSTATIN_ANALOG"]
            if met:
                recs["INTERFERON_ALPHA"] = ("option", el)
        elif ssa == "symptoms_worsening" and met:
            recs["EVEROLIMUS"] = (strength, el)
            recs["INTERFERON_ALPHA"] = ("option", el)
            recs["SOMATOSTATIN_ANALOG"] = ("alternative", el)
    # Step 7.
    if not any(s == pref for s, _ in recs.values()):
        recs["MULTIDISCIPLINARY_REVIEW"] = (pref, el)
    if syn is None:
        missing.add("carcinoid_syndrome")
    # Warnings and goals.
    surgery = any(code in SURGERY for code in recs)
    if hist is None:
        warnings.add("HISTOLOGY_ASSUMED")
    if surgery and syn:
        warnings.add("CARCINOID_CRISIS_RISK")
    if surgery and ("SOMATOSTATIN_ANALOG" in recs or ssa in ("controlled", "symptoms_worsening")):
        warnings.add("SSA_GALLSTONES")
    if "EVEROLIMUS" in recs:
        warnings.add("EVEROLIMUS_EVIDENCE")
    if "INTERFERON_ALPHA" in recs:
        warnings.add("INTERFERON_TOXICITY")
    if "LOCAL_EXCISION" in recs and site == "duodenum":
        warnings.add("PERIAMPULLARY_CHECK")
    if "PARTIAL_COLECTOMY_WITH_LYMPHADENECTOMY" in recs and site == "rectum" and size is not None and 1.0 < size <= 2.0 and spread is not True:
        warnings.add("RECTAL_INTERMEDIATE_SIZE")
    goals = [g for g, on in (("symptom_control", syn or complication), ("tumor_growth_control", met), ("biochemical_control", syn), ("cure", met is False and surgery)) if on]
    ordered = sorted(recs.items(), key=lambda kv: (kv[1][1] != "urgent", STRENGTH[kv[1][0]], CODE_ORDER[kv[0]]))
    return {
        "in_scope": True,
        "disease_state": state,
        "goals": goals,
        "recommendations": [(code, s, u) for code, (s, u) in ordered],
        "missing": [m for m in MISSING_ORDER if m in missing],
        "warnings": [w for w in WARNING_ORDER if w in warnings],
    }


def decisions(ev: nettx.Evaluation) -> Dict[str, Any]:
    """nettx's evaluation at the level of plain_python_evaluate."""
    return {
        "in_scope": ev.in_scope,
        "disease_state": ev.disease_state.value,
        "goals": [g.value for g in ev.goals],
        "recommendations": [(r.code.value, r.strength.value, r.urgency.value) for r in ev.recommendations],
        "missing": [m.field.value for m in ev.missing],
        "warnings": [w.code.value for w in ev.warnings],
    }


# --- data ----------------------------------------------------------------------------


def conformance_cases() -> List[Dict[str, Any]]:
    examples = json.loads((ROOT / "tests/conformance/guideline-examples.json").read_text())
    own = json.loads((ROOT / "tests/conformance/cases.json").read_text())["cases"]
    return [c["case"] for c in examples + own]


def cohort(n: int, seed: int = 1) -> pd.DataFrame:
    """A synthetic cohort: categorical sites and histology, float sizes with
    gaps, nullable booleans, object columns of responses and complications."""
    rng = np.random.default_rng(seed)
    sites = ["duodenum", "jejunum", "ileum", "small_intestine_unspecified", "colon", "rectum", "appendix", "other"]
    met = rng.random(n) < 0.45
    staged = rng.random(n) < 0.85
    syn = rng.random(n) < np.where(met, 0.3, 0.02)

    def tri(values: Any, p_missing: float) -> Any:
        return pd.arrays.BooleanArray(np.asarray(values, dtype=bool), rng.random(n) < p_missing)

    responses = np.array([None, "not_started", "controlled", "symptoms_worsening", "intolerant"], dtype=object)
    comp = np.full(n, None, dtype=object)
    hit = np.flatnonzero(rng.random(n) < 0.03)
    comp[hit] = [["bowel_obstruction"]] * len(hit)
    return pd.DataFrame(
        {
            "case_id": [f"pt-{i}" for i in range(n)],
            "primary_site": pd.Categorical.from_codes(rng.integers(0, 8, n), categories=sites),
            "histology": pd.Categorical.from_codes(rng.choice([0, 1, -1], n, p=[0.8, 0.05, 0.15]), categories=["well_differentiated", "poorly_differentiated"]),
            "tumor_size_cm": np.where(rng.random(n) < 0.15, np.nan, rng.uniform(0.2, 8.0, n).round(1)),
            "local_spread": tri(rng.random(n) < 0.5, 0.2),
            "metastatic": pd.arrays.BooleanArray(met, ~staged),
            "hepatic_metastases": pd.arrays.BooleanArray(met, ~staged | ~met),
            "metastases_resectable": tri(rng.random(n) < 0.3, 0.3),
            "carcinoid_syndrome": tri(syn, 0.1),
            "ssa_response": np.where(syn, responses[rng.integers(0, 5, n)], None),
            "complications": comp,
        }
    )


# --- timing --------------------------------------------------------------------------


def best_of(runs: int, fn: Callable[[], Any]) -> float:
    """The fastest of `runs` wall-clock timings of fn(), in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def frame_benchmark(rows: int, runs: int, plain: bool) -> Dict[str, Optional[float]]:
    """evaluate_frame over `rows` rows; run in a fresh process for its RSS."""
    df = cohort(rows)
    rss_input = peak_rss_mb()
    seconds = best_of(runs, lambda: nettx.evaluate_frame(df))
    rss_peak = peak_rss_mb()
    full = best_of(1, lambda: nettx.evaluate_frame(df, full=True))
    plain_seconds: Optional[float] = None
    if plain:
        records = df.astype(object).where(df.notna(), None).to_dict("records")

        def run_plain() -> None:
            for r in records:
                try:
                    plain_python_evaluate(r)
                except ValueError:
                    pass

        plain_seconds = best_of(1, run_plain)
    return {"seconds": seconds, "rss_input_mb": rss_input, "rss_peak_mb": rss_peak, "full_seconds": full, "plain_seconds": plain_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the DataFrame benchmark")
    parser.add_argument("--many", type=int, default=100_000, help="dicts of the evaluate_many benchmark")
    parser.add_argument("--runs", type=int, default=5, help="timings per figure (the best is reported)")
    parser.add_argument("--no-plain-frame", action="store_true", help="skip plain Python over the DataFrame")
    parser.add_argument("--frame-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.frame_only:
        print(json.dumps(frame_benchmark(args.rows, args.runs, not args.no_plain_frame)))
        return

    print(f"nettx {nettx.__version__}, Python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")

    cases = conformance_cases()
    agree = sum(plain_python_evaluate(c) == decisions(nettx.evaluate(c)) for c in cases)
    print(f"plain-Python rules agree with nettx on {agree}/{len(cases)} conformance cases (decision level)")

    reps = 3000
    work = cases * (reps // len(cases))
    texts = [json.dumps(c) for c in work]
    typed = [nettx.Case(**c) for c in work]

    def loop(fn: Callable[[Any], Any], items: List[Any]) -> Callable[[], None]:
        def run() -> None:
            for item in items:
                fn(item)

        return run

    n = len(work)
    t_dict = best_of(args.runs, loop(nettx.evaluate, work)) / n
    t_case = best_of(args.runs, loop(nettx.evaluate, typed)) / n
    t_json = best_of(args.runs, loop(nettx.evaluate_json, texts)) / n
    t_plain = best_of(args.runs, loop(plain_python_evaluate, work)) / n

    many = (cases * (args.many // len(cases) + 1))[: args.many]
    t_many = best_of(args.runs, lambda: nettx.evaluate_many(many)) / len(many)
    t_plain_many = best_of(max(1, args.runs // 2), lambda: [plain_python_evaluate(c) for c in many]) / len(many)

    print()
    print("| what | per case | target |")
    print("|---|---|---|")
    print(f"| `evaluate(dict)`, {n:,} conformance cases | {t_dict * 1e6:.2f} µs | ≤ 3 µs |")
    print(f"| `evaluate(Case)` | {t_case * 1e6:.2f} µs | — |")
    print(f"| `evaluate_json(str)` (parse, evaluate, write 3.4 kB of JSON) | {t_json * 1e6:.2f} µs | — |")
    print(f"| `evaluate_many`, {len(many):,} dicts | {t_many * 1e6:.2f} µs | ≤ 2 µs |")
    print(f"| plain Python rules, one dict (decisions only) | {t_plain * 1e6:.2f} µs | — |")
    print(f"| plain Python rules, {len(many):,} dicts | {t_plain_many * 1e6:.2f} µs | — |")

    cmd = [sys.executable, __file__, "--frame-only", "--rows", str(args.rows), "--runs", str(args.runs)]
    if args.no_plain_frame:
        cmd.append("--no-plain-frame")
    frame = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    seconds = frame["seconds"]
    print()
    print("| DataFrame | time | rows per second | peak RSS |")
    print("|---|---|---|---|")
    print(f"| building the {args.rows:,}-row input (before evaluating) | — | — | {frame['rss_input_mb']:.0f} MB |")
    print(f"| `evaluate_frame`, {args.rows:,} rows | {seconds:.3f} s | {args.rows / seconds:,.0f} | {frame['rss_peak_mb']:.0f} MB |")
    print(f"| `evaluate_frame(full=True)` | {frame['full_seconds']:.3f} s | {args.rows / frame['full_seconds']:,.0f} | — |")
    if frame["plain_seconds"] is not None:
        print(f"| plain Python rules over `to_dict('records')` | {frame['plain_seconds']:.2f} s | {args.rows / frame['plain_seconds']:,.0f} | — |")

    print()
    print("Ratios (plain Python time / nettx time):")
    print(f"  one dict: {t_plain / t_dict:.1f}x; {len(many):,} dicts: {t_plain_many / t_many:.1f}x", end="")
    if frame["plain_seconds"] is not None:
        print(f"; {args.rows:,}-row DataFrame: {frame['plain_seconds'] / seconds:.0f}x")
    else:
        print()


if __name__ == "__main__":
    main()
