"""A cohort's results at a glance: counts per recommendation and strength,
per warning, per disease state, the cohort's data completeness (per
missing field, how many cases lack it and what it would decide), and, for
results with their evaluations (``full=True``), the cohort pathway."""

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple

from . import _native
from ._vocab import Code, DiseaseState, Field, Strength, WarningCode

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CohortSummary", "MissingField", "summarize"]


@dataclass(frozen=True)
class MissingField:
    """How many cases of the cohort lack a field, and what it would decide
    (the core's reason, the same text every evaluation gives)."""

    field: str
    cases: int
    blocks: str


@dataclass(frozen=True)
class CohortSummary:
    """Counts over the results of a cohort (see :func:`summarize`).

    Every mapping is in the vocabulary's order and holds only values that
    occur. ``recommendations`` maps each code to the number of cases that
    got it at each strength; ``preferred`` counts the cases whose preferred
    recommendations include the code; ``missing`` is the data completeness:
    per field, how many cases lack it where a decision needed it.

    ``pathway_svg``, ``pathway_dot`` and ``pathway_mermaid`` hold the cohort
    pathway (see :meth:`pathway`), drawn once when the result had its
    evaluations (``full=True``), else ``None``.
    """

    cases: int
    errors: int
    in_scope: int
    urgent: int
    disease_states: Dict[str, int]
    recommendations: Dict[str, Dict[str, int]]
    preferred: Dict[str, int]
    warnings: Dict[str, int]
    missing: Dict[str, MissingField]
    guideline_digest: str = field(default=_native.GUIDELINE_DIGEST)
    pathway_svg: Optional[str] = field(default=None, repr=False)
    pathway_dot: Optional[str] = field(default=None, repr=False)
    pathway_mermaid: Optional[str] = field(default=None, repr=False)

    @property
    def has_pathway(self) -> bool:
        """Whether the cohort pathway was drawn (the result had its
        evaluations: ``full=True``)."""
        return self.pathway_svg is not None

    def pathway(self, format: Literal["svg", "dot", "mermaid"] = "svg") -> str:
        """The cohort pathway: the guideline's decision graph with, on every
        edge, the number of evaluated cases that took it (the edge's width
        grows with it), exactly as ``nettx.pathway`` draws the result's
        ``evaluation`` column (refused rows skipped): from
        ``evaluate_frame``'s ``Evaluation`` objects the nodes also count what
        they recommended, warned and found missing; ``evaluate_arrow``'s JSON
        documents give the paths only. Raises ``ValueError`` when the result
        was evaluated without ``full=True``."""
        drawings = {"svg": self.pathway_svg, "dot": self.pathway_dot, "mermaid": self.pathway_mermaid}
        if format not in drawings:
            raise ValueError(f"format {format!r} is not one of: svg, dot, mermaid")
        drawing = drawings[format]
        if drawing is None:
            raise ValueError(
                "this summary has no cohort pathway: it is drawn from the `evaluation` column, which "
                "evaluate_arrow(..., full=True) and evaluate_frame(..., full=True) add; "
                "summarize a result evaluated with full=True"
            )
        return drawing

    def to_frames(self) -> Dict[str, "pd.DataFrame"]:
        """The counts as pandas DataFrames (needs pandas): ``overview``,
        ``disease_states``, ``recommendations`` (a row per code, a column
        per strength, and ``cases``), ``preferred``, ``warnings`` and
        ``missing`` (``cases``, ``share`` of the evaluated cases, and
        ``blocks``)."""
        import pandas as pd

        evaluated = self.cases - self.errors
        overview = pd.DataFrame(
            {"cases": [self.cases, evaluated, self.errors, self.in_scope, self.urgent]},
            index=pd.Index(["cases", "evaluated", "errors", "in_scope", "urgent"], name="count"),
        )
        strengths = [s.value for s in Strength]
        recs = pd.DataFrame(
            [[by.get(s, 0) for s in strengths] for by in self.recommendations.values()],
            index=pd.Index(list(self.recommendations), name="code"),
            columns=strengths,
            dtype="int64",
        )
        recs["cases"] = recs.sum(axis=1)

        def counts(d: Mapping[str, int], name: str) -> "pd.DataFrame":
            return pd.DataFrame({"cases": list(d.values())}, index=pd.Index(list(d), name=name), dtype="int64")

        missing = pd.DataFrame(
            {
                "cases": [m.cases for m in self.missing.values()],
                "share": [m.cases / evaluated if evaluated else 0.0 for m in self.missing.values()],
                "blocks": [m.blocks for m in self.missing.values()],
            },
            index=pd.Index(list(self.missing), name="field"),
        )
        return {
            "overview": overview,
            "disease_states": counts(self.disease_states, "disease_state"),
            "recommendations": recs,
            "preferred": counts(self.preferred, "code"),
            "warnings": counts(self.warnings, "warning"),
            "missing": missing,
        }

    def _repr_html_(self) -> str:
        """The summary as HTML for Jupyter: inline SVG bar charts of the
        disease states, preferred recommendations, recommendations by
        strength, warnings and missing data (no plotting library needed),
        and the cohort pathway when the result had its evaluations (else a
        line saying how to get it)."""
        evaluated = self.cases - self.errors
        parts = [
            '<div class="nettx-cohort" style="font-family:inherit;max-width:52em">',
            f"<div><b>Cohort</b> &middot; {self.cases:,} cases, {evaluated:,} evaluated"
            f"{f', <b>{self.errors:,} refused</b>' if self.errors else ''}"
            f" &middot; {self.in_scope:,} in scope &middot; {self.urgent:,} urgent</div>",
        ]
        parts.append(_chart("Disease state", list(self.disease_states.items()), evaluated))
        parts.append(_chart("Preferred recommendations", _by_count(self.preferred), evaluated))
        stacked = [(code, [by.get(s.value, 0) for s in Strength]) for code, by in self.recommendations.items()]
        stacked.sort(key=lambda item: -sum(item[1]))
        parts.append(_stacked_chart("Recommendations by strength", stacked, [s.value for s in Strength], evaluated))
        parts.append(_chart("Warnings", _by_count(self.warnings), evaluated))
        missing = sorted(self.missing.values(), key=lambda m: -m.cases)
        parts.append(
            _chart(
                "Missing data (cases lacking a field a decision needed)",
                [(m.field, m.cases) for m in missing],
                evaluated,
                notes={m.field: m.blocks for m in missing},
            )
        )
        if self.pathway_svg is not None:
            parts.append(
                '<h4 style="margin:.7em 0 .2em 0">Cohort pathway '
                '<span style="font-weight:normal">(on each edge, and in its width: the cases that took it)</span></h4>'
                '<div style="overflow:auto;max-height:48em;border:1px solid #ddd">'
                f"{self.pathway_svg}</div>"
            )
        else:
            parts.append(
                '<div style="margin:.7em 0">Cohort pathway: evaluate with <code>full=True</code> '
                "(<code>evaluate_arrow</code> or <code>evaluate_frame</code>) to see it.</div>"
            )
        parts.append(
            f'<div style="color:#666;font-size:85%">Guideline digest {html.escape(self.guideline_digest[:12])}. '
            "Decision support only: a clinician reviews each case.</div></div>"
        )
        return "".join(parts)


_COLOURS = ["#1f5f8b", "#5b9bd5", "#a9cce3", "#d5d8dc"]
_ROW = 18
_BAR = 260


def _label_width(labels: Sequence[str]) -> int:
    """Room for the longest label at 12 px (capitals take up to 8.5 px)."""
    return max(80, int(8.5 * max((len(label) for label in labels), default=0)) + 12)


def _by_count(d: Mapping[str, int]) -> List[Tuple[str, int]]:
    return sorted(d.items(), key=lambda item: -item[1])


def _svg_open(title: str, rows: int, label: int) -> str:
    height = max(rows, 1) * _ROW + 4
    return (
        f"<h4 style=\"margin:.7em 0 .2em 0\">{html.escape(title)}</h4>"
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{html.escape(title)}" '
        f'width="{label + _BAR + 90}" height="{height}" style="font-size:12px">'
    )


def _chart(
    title: str,
    items: Sequence[Tuple[str, int]],
    total: int,
    notes: Optional[Mapping[str, str]] = None,
) -> str:
    """A horizontal bar chart as inline SVG: a bar per item, its width the
    share of ``total``."""
    if not items:
        return f"<h4 style=\"margin:.7em 0 .2em 0\">{html.escape(title)}</h4><div>none</div>"
    left = _label_width([label for label, _ in items])
    out = [_svg_open(title, len(items), left)]
    for i, (label, count) in enumerate(items):
        y = i * _ROW + 2
        width = _BAR * count / total if total else 0
        tip = f"{label}: {count:,} of {total:,}"
        if notes and label in notes:
            tip += f" — {notes[label]}"
        out.append(
            f"<g><title>{html.escape(tip)}</title>"
            f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{html.escape(label)}</text>'
            f'<rect x="{left}" y="{y}" width="{width:.1f}" height="{_ROW - 4}" fill="{_COLOURS[0]}"/>'
            f'<text x="{left + width + 4:.1f}" y="{y + 12}">{count:,}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)


def _stacked_chart(title: str, items: Sequence[Tuple[str, List[int]]], parts: List[str], total: int) -> str:
    """A horizontal stacked bar chart: a bar per item, a segment per part."""
    if not items:
        return f"<h4 style=\"margin:.7em 0 .2em 0\">{html.escape(title)}</h4><div>none</div>"
    left = _label_width([label for label, _ in items])
    out = [_svg_open(title, len(items), left)]
    for i, (label, counts) in enumerate(items):
        y = i * _ROW + 2
        x = float(left)
        out.append(f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{html.escape(label)}</text>')
        for k, (part, count) in enumerate(zip(parts, counts)):
            if not count:
                continue
            width = _BAR * count / total if total else 0
            out.append(
                f"<rect x=\"{x:.1f}\" y=\"{y}\" width=\"{width:.1f}\" height=\"{_ROW - 4}\" "
                f"fill=\"{_COLOURS[k % len(_COLOURS)]}\"><title>{html.escape(f'{label} {part}: {count:,}')}</title></rect>"
            )
            x += width
        out.append(f'<text x="{x + 4:.1f}" y="{y + 12}">{sum(counts):,}</text>')
    out.append("</svg>")
    legend = " ".join(
        f'<span style="display:inline-block;width:.8em;height:.8em;background:{_COLOURS[k % len(_COLOURS)]}"></span> {html.escape(p)}'
        for k, p in enumerate(parts)
    )
    out.append(f'<div style="font-size:85%">{legend}</div>')
    return "".join(out)


def _ordered(counts: Mapping[str, int], vocabulary: Sequence[str]) -> Dict[str, int]:
    """The non-zero counts in the vocabulary's order (values outside it,
    if any, last)."""
    ordered = {v: counts[v] for v in vocabulary if counts.get(v)}
    ordered.update({k: v for k, v in counts.items() if k not in ordered and v})
    return ordered


def _reasons() -> Dict[str, str]:
    """The core's reason per missing field (what the field decides)."""
    return {m["field"]: m["reason"] for m in _native.guideline().get("missing", [])}


def summarize(result: Any) -> CohortSummary:
    """Counts over a cohort's results: an ``ArrowResult`` (of
    ``evaluate_arrow``) or the DataFrame of ``evaluate_frame`` (its list
    columns; not ``joined=True``'s). Needs pandas. Rows that could not be
    evaluated (``errors="return"``) are counted as ``errors`` and nowhere
    else. A result with its evaluations (``full=True``) also gives the
    cohort pathway (:meth:`CohortSummary.pathway`), drawn once in every
    format."""
    import pandas as pd

    if isinstance(result, _native.ArrowResult):
        frame = result.to_pandas()
    elif isinstance(result, pd.DataFrame):
        frame = result
    else:
        raise TypeError(
            "summarize takes the result of nettx.evaluate_arrow or nettx.evaluate_frame, "
            f"got {type(result).__name__}"
        )
    needed = ["in_scope", "disease_state", "codes", "strengths", "missing", "warnings", "preferred", "urgent"]
    absent = [c for c in needed if c not in frame.columns]
    if absent:
        raise ValueError(f"not a nettx result (joined=True is not supported): no columns {absent}")
    ok = frame["codes"].map(lambda v: isinstance(v, list))
    good = frame[ok.to_numpy(dtype=bool)]
    cases = len(frame)

    def count_lists(column: str) -> Dict[str, int]:
        exploded = good[column].explode().dropna()
        return {str(k): int(v) for k, v in exploded.value_counts().items()}

    pairs = good[["codes", "strengths"]].explode(["codes", "strengths"]).dropna()
    recommendations: Dict[str, Dict[str, int]] = {}
    for (code, strength), n in pairs.groupby(["codes", "strengths"], observed=True).size().items():
        recommendations.setdefault(str(code), {})[str(strength)] = int(n)
    code_order = [c.value for c in Code]
    recommendations = {
        c: {s.value: recommendations[c][s.value] for s in Strength if s.value in recommendations[c]}
        for c in sorted(recommendations, key=lambda c: code_order.index(c) if c in code_order else len(code_order))
    }
    states = {str(k): int(v) for k, v in good["disease_state"].astype(object).value_counts().items()}
    reasons = _reasons()
    pathways: Mapping[str, Optional[str]] = {}
    if "evaluation" in frame.columns:
        # Refused rows become None, which the drawing skips, so that an item
        # it refuses is named by its row in the result.
        keep = ok.to_numpy(dtype=bool)
        pathways = _native.pathway_all(
            [doc if kept else None for doc, kept in zip(frame["evaluation"].tolist(), keep)]
        )
    missing_counts = _ordered(count_lists("missing"), [f.value for f in Field])
    return CohortSummary(
        cases=cases,
        errors=cases - len(good),
        in_scope=int(good["in_scope"].astype(bool).sum()),
        urgent=int(good["urgent"].astype(bool).sum()),
        disease_states=_ordered(states, [d.value for d in DiseaseState]),
        recommendations=recommendations,
        preferred=_ordered(count_lists("preferred"), code_order),
        warnings=_ordered(count_lists("warnings"), [w.value for w in WarningCode]),
        missing={f: MissingField(f, n, reasons.get(f, "")) for f, n in missing_counts.items()},
        guideline_digest=str(getattr(result, "metadata", {}).get("nettx.guideline.digest", _native.GUIDELINE_DIGEST)),
        pathway_svg=pathways.get("svg"),
        pathway_dot=pathways.get("dot"),
        pathway_mermaid=pathways.get("mermaid"),
    )
