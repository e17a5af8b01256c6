"""Rich display of an evaluation in Jupyter (``Evaluation._repr_html_``).

Only layout lives here: every code, text and citation shown is read from the
evaluation or from the core's rule table, and every one is HTML-escaped.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Iterable, List

from . import _native
from ._vocab import Source, Strength, Urgency

if TYPE_CHECKING:
    from ._native import Evaluation

__all__ = ["evaluation_html"]

_STYLE = (
    "<style>"
    ".nettx-ev{font-family:inherit;line-height:1.4;max-width:60em}"
    ".nettx-ev table{border-collapse:collapse;margin:.3em 0 .6em 0}"
    ".nettx-ev th,.nettx-ev td{border:1px solid #ccc;padding:.25em .5em;"
    "text-align:left;vertical-align:top}"
    ".nettx-ev .urgent{color:#b00020;font-weight:bold}"
    ".nettx-ev .preferred{font-weight:bold}"
    ".nettx-ev .why{color:#444;font-size:92%}"
    ".nettx-ev .warn{color:#8a5300}"
    ".nettx-ev .meta{color:#666;font-size:85%}"
    ".nettx-ev h4{margin:.6em 0 .2em 0}"
    "</style>"
)


def _sources(sources: Iterable[Source]) -> str:
    """Source ids, each with its text as a tooltip."""
    items = [f'<abbr title="{escape(s.text)}">{escape(s.value)}</abbr>' for s in sources]
    return ", ".join(items) if items else _native.REPORT_NO_SOURCE


def evaluation_html(ev: "Evaluation") -> str:
    """The evaluation as an HTML fragment: recommendations with strength,
    urgency and rationale, missing data, warnings, the sources cited, the
    trace (folded) and the audit stamps."""
    out: List[str] = [_STYLE, '<div class="nettx-ev">']
    case_id = escape(ev.case_id) if ev.case_id is not None else "<i>no case_id</i>"
    scope = "in scope" if ev.in_scope else "<b>out of scope</b> of the guideline"
    goals = ", ".join(escape(g.value) for g in ev.goals) or "none"
    out.append(
        f"<div><b>Case</b> {case_id} &middot; disease {escape(ev.disease_state.value)}, "
        f"{scope} &middot; goals: {goals}</div>"
    )

    out.append("<h4>Recommendations</h4>")
    out.append(
        "<table><thead><tr><th>#</th><th>Recommendation</th><th>Strength</th>"
        "<th>Urgency</th><th>Intent</th><th>Sources</th></tr></thead><tbody>"
    )
    cited: List[Source] = []
    for i, r in enumerate(ev.recommendations, start=1):
        strength_class = ' class="preferred"' if r.strength is Strength.PREFERRED else ""
        urgency_class = ' class="urgent"' if r.urgency is Urgency.URGENT else ""
        out.append(
            f"<tr><td>{i}</td>"
            f"<td><code>{escape(r.code.value)}</code><br>{escape(r.summary)}"
            f'<div class="why">Why: {escape(r.rationale)}</div></td>'
            f"<td{strength_class}>{escape(r.strength.value)}</td>"
            f"<td{urgency_class}>{escape(r.urgency.value)}</td>"
            f"<td>{escape(r.intent.value)}</td>"
            f"<td>{_sources(r.sources)}</td></tr>"
        )
        cited.extend(s for s in r.sources if s not in cited)
    out.append("</tbody></table>")

    out.append("<h4>Missing data</h4>")
    if ev.missing:
        out.append("<ul>")
        for m in ev.missing:
            out.append(f"<li><code>{escape(m.field.value)}</code>: {escape(m.reason)}</li>")
        out.append("</ul>")
    else:
        out.append("<div>none</div>")

    out.append("<h4>Warnings</h4>")
    if ev.warnings:
        out.append("<ul>")
        for w in ev.warnings:
            basis = f" ({_sources(w.sources)})" if w.sources else f" ({_native.REPORT_OWN_SAFETY_NOTE})"
            out.append(
                f'<li class="warn"><code>{escape(w.code.value)}</code>: {escape(w.message)}{basis}</li>'
            )
            cited.extend(s for s in w.sources if s not in cited)
        out.append("</ul>")
    else:
        out.append("<div>none</div>")

    out.append("<h4>Sources cited</h4>")
    if cited:
        out.append("<table><tbody>")
        for s in sorted(cited, key=list(Source).index):
            out.append(f"<tr><td>{escape(s.value)}</td><td>{escape(s.text)}</td></tr>")
        out.append("</tbody></table>")
    else:
        out.append("<div>none</div>")

    trace = ev.trace
    out.append(f"<details><summary>Trace: {len(trace)} rules consulted</summary><table>")
    out.append("<thead><tr><th>rule</th><th>fired</th><th>facts read</th></tr></thead><tbody>")
    for t in trace:
        fired = "yes" if t.fired else "no"
        out.append(
            f"<tr><td><code>{escape(t.rule.value)}</code></td><td>{fired}</td>"
            f"<td>{escape(t.detail)}</td></tr>"
        )
    out.append("</tbody></table></details>")

    out.append(
        f'<div class="meta">Guideline {escape(ev.guideline_id)} {escape(ev.guideline_version)} '
        f"[{escape(ev.guideline_digest[:12])}], engine {escape(ev.engine_name)} "
        f"{escape(ev.engine_version)}, case digest {escape(ev.case_digest[:12])}.<br>"
        f"{escape(_native.DISCLAIMER)}</div>"
    )
    out.append("</div>")
    return "".join(out)
