"""The typed API: Case, the read-only result objects, enums, errors,
display, pickling and the package's surface."""

from __future__ import annotations

import copy
import json
import pickle
import re
from html.parser import HTMLParser
from typing import Any, List

import pytest

import nettx
from nettx import _native

ILEUM = {"primary_site": "ileum", "metastatic": False, "carcinoid_syndrome": False}
SYNDROME_METASTATIC = {
    "case_id": "pt-7 <b>&",
    "primary_site": "ileum",
    "metastatic": True,
    "hepatic_metastases": True,
    "extrahepatic_metastases": True,
    "carcinoid_syndrome": True,
    "ssa_response": "symptoms_worsening",
    "complications": ["bowel_obstruction"],
}


# --- the package ---------------------------------------------------------------------


def test_all_names_exist_and_are_documented() -> None:
    for name in nettx.__all__:
        obj = getattr(nettx, name)
        if callable(obj) or isinstance(obj, type):
            assert obj.__doc__, name
    assert "Warning" not in nettx.__all__  # would shadow the built-in on `import *`
    assert nettx.Warning is _native.Warning


def test_dir_lists_only_the_public_names_and_modules() -> None:
    import types

    public = [n for n in dir(nettx) if not n.startswith("_")]
    assert "annotations" not in public
    extra = [n for n in public if n not in nettx.__all__ and not isinstance(getattr(nettx, n), types.ModuleType)]
    assert extra == ["Warning"]


def test_every_public_class_member_is_documented() -> None:
    import enum
    import inspect

    for name in [*nettx.__all__, "Warning"]:
        obj = getattr(nettx, name)
        if not isinstance(obj, type):
            continue
        assert obj.__doc__, name
        for attr, value in vars(obj).items():
            if attr.startswith("_") and attr != "_repr_html_":
                continue
            if isinstance(obj, enum.EnumMeta) and attr in obj.__members__:
                continue
            if callable(value) or inspect.isdatadescriptor(value) or isinstance(value, (staticmethod, classmethod, property)):
                doc = getattr(value, "__doc__", None) or getattr(getattr(value, "__func__", None), "__doc__", None)
                assert doc, f"{name}.{attr}"


def test_the_package_docstring_examples_run() -> None:
    import doctest

    failures, tried = doctest.testmod(nettx, optionflags=doctest.ELLIPSIS, verbose=False)
    assert tried >= 3 and failures == 0
    assert nettx.InvalidCaseError.__module__ == "nettx"
    assert nettx.Code.__module__ == "nettx"


def test_version_and_stamps() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", nettx.__version__)
    assert nettx.ENGINE_VERSION == nettx.__version__
    assert nettx.GUIDELINE_ID == "intestinal-net-treatment"
    assert len(nettx.GUIDELINE_DIGEST) == 64
    import hashlib

    assert hashlib.sha256(nettx.guideline_json().encode()).hexdigest() == nettx.GUIDELINE_DIGEST
    assert json.loads(nettx.guideline_json()) == nettx.guideline()
    assert (nettx.MIN_TUMOR_SIZE_CM, nettx.MAX_TUMOR_SIZE_CM) == (0.01, 30.0)
    assert (nettx.MAX_CASE_JSON_BYTES, nettx.MAX_CASE_ID_BYTES) == (65536, 256)


# --- enums ---------------------------------------------------------------------------


ENUMS = {
    "Site": nettx.Site,
    "Histology": nettx.Histology,
    "Complication": nettx.Complication,
    "SsaResponse": nettx.SsaResponse,
    "DiseaseState": nettx.DiseaseState,
    "Goal": nettx.Goal,
    "Strength": nettx.Strength,
    "Intent": nettx.Intent,
    "Urgency": nettx.Urgency,
    "Category": nettx.Category,
    "Field": nettx.Field,
    "Source": nettx.Source,
    "Code": nettx.Code,
    "WarningCode": nettx.WarningCode,
    "ErrorKind": nettx.ErrorKind,
    "Rule": nettx.Rule,
}


def test_enums_are_the_cores_vocabularies_in_order() -> None:
    core = _native.vocabularies()
    assert set(core) == set(ENUMS)
    for name, values in core.items():
        members = list(ENUMS[name])
        assert [m.value for m in members] == list(values), name
        # Member names follow from the wire names.
        assert [m.name for m in members] == [v.upper().replace(".", "_") for v in values]


def test_enums_are_their_wire_names() -> None:
    assert nettx.Code.LOCAL_EXCISION == "LOCAL_EXCISION"
    assert str(nettx.Site.ILEUM) == "ileum"
    assert f"{nettx.Strength.PREFERRED}" == "preferred"
    assert f"{nettx.Strength.PREFERRED:>10}" == " preferred"
    assert json.dumps([nettx.Site.ILEUM]) == '["ileum"]'
    assert nettx.Site("ileum") is nettx.Site.ILEUM
    assert {nettx.Code.EVEROLIMUS: 1}["EVEROLIMUS"] == 1


def test_enum_texts_come_from_the_rule_table() -> None:
    table = nettx.guideline()
    codes = {c["code"]: c for c in table["codes"]}
    for code in nettx.Code:
        spec = codes[code.value]
        assert code.summary == spec["summary"]
        assert code.category == spec["category"]
        assert code.intent == spec["intent"]
        assert [s.value for s in code.sources] == spec["sources"]
    assert nettx.WarningCode.SSA_GALLSTONES.sources == (nettx.Source.R2,)
    assert "gallstones" in nettx.WarningCode.SSA_GALLSTONES.message
    assert nettx.Source.S5.section == "localized"
    assert nettx.Source.R3.section == "reference"
    assert nettx.Rule.SCOPE_EXCLUDED.step == "1"
    assert nettx.Rule.LOCALIZED_LOCAL_EXCISION.uses == (
        nettx.Field.PRIMARY_SITE,
        nettx.Field.TUMOR_SIZE_CM,
        nettx.Field.LOCAL_SPREAD,
    )
    assert nettx.Rule.INFER_METASTATIC_FROM_SITE.condition
    assert nettx.Rule.INFER_METASTATIC_FROM_SITE.effect
    assert nettx.Field.TUMOR_SIZE_CM.missing_reason
    assert nettx.Field.CASE_ID.missing_reason is None


# --- Case ----------------------------------------------------------------------------


def test_case_takes_keywords_enums_or_strings() -> None:
    a = nettx.Case(primary_site=nettx.Site.ILEUM, histology=nettx.Histology.WELL_DIFFERENTIATED)
    b = nettx.Case(primary_site="ileum", histology="well_differentiated")
    assert a == b and hash(a) == hash(b)
    assert a != nettx.Case(primary_site="jejunum")
    assert a.primary_site is nettx.Site.ILEUM
    assert a.histology is nettx.Histology.WELL_DIFFERENTIATED
    assert a.metastatic is None and a.tumor_size_cm is None and a.case_id is None
    assert a.complications == ()
    assert a.ssa_response is None


def test_case_attributes() -> None:
    c = nettx.Case(**SYNDROME_METASTATIC, tumor_size_cm=2)
    assert c.case_id == "pt-7 <b>&"
    assert c.tumor_size_cm == 2.0 and isinstance(c.tumor_size_cm, float)
    assert (c.metastatic, c.hepatic_metastases, c.extrahepatic_metastases) == (True, True, True)
    assert c.metastases_resectable is None
    assert c.carcinoid_syndrome is True
    assert c.complications == (nettx.Complication.BOWEL_OBSTRUCTION,)
    assert c.ssa_response is nettx.SsaResponse.SYMPTOMS_WORSENING
    assert "unknown" not in c.to_json()
    assert c.to_dict() == json.loads(c.to_json())
    assert nettx.Case.from_json(c.to_json()) == c
    assert eval(repr(c), {"Case": nettx.Case}) == c


def test_case_is_validated_on_construction() -> None:
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.Case(primary_site="ileum", tumor_size_cm=-2)
    assert (info.value.kind, info.value.field) == (nettx.ErrorKind.FIELD, "tumor_size_cm")
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.Case(primary_site="ileum", metastatic=False, hepatic_metastases=True)
    assert info.value.kind is nettx.ErrorKind.CONTRADICTION
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.Case(primary_site=None)  # type: ignore[arg-type]
    assert info.value.field == "primary_site"
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.Case(primary_site="ileum", metastatic=1)  # type: ignore[arg-type]
    assert info.value.field == "metastatic"
    with pytest.raises(TypeError):
        nettx.Case(primary_site="ileum", tumour_size_cm=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        nettx.Case()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        nettx.Case("ileum")  # type: ignore[misc]


def test_case_unknown_strings_are_unknown() -> None:
    c = nettx.Case(primary_site="ileum", histology="unknown", ssa_response="unknown")
    assert c.histology is None and c.ssa_response is None


def test_case_replace() -> None:
    c = nettx.Case(primary_site="ileum", metastatic=False, case_id="x")
    d = c.replace(metastatic=None, tumor_size_cm=1.5)
    assert d.metastatic is None and d.tumor_size_cm == 1.5 and d.case_id == "x"
    assert c.metastatic is False  # unchanged
    assert c.replace() == c
    with pytest.raises(nettx.InvalidCaseError) as info:
        c.replace(tumour_size_cm=2)
    assert info.value.field == "tumour_size_cm"
    with pytest.raises(nettx.InvalidCaseError):
        c.replace(hepatic_metastases=True)


# What `complications` takes, as the stubs say and as the run time does: a
# list, tuple or set of complications (a JSON list), not any iterable.
COMPLICATIONS_ARGUMENTS = [
    ("words", True),
    ("members", True),
    ("list(words) + list(members)", True),
    ('("bleeding", nettx.Complication.OTHER)', True),
    ("set(words)", True),
    ("set(members)", True),
    ("frozenset(words)", True),
    ("[]", True),
    ("(w for w in words)", False),
    ("dict.fromkeys(words).keys()", False),
    ("dict.fromkeys(words).values()", False),
    ("iter(words)", False),
    ("range(2)", False),
    ('"bleeding"', False),
    ("[1]", False),
]


def test_complications_stub_matches_the_run_time(tmp_path: Any) -> None:
    mypy_api = pytest.importorskip("mypy.api")
    words: List[str] = ["bleeding"]
    members: List[nettx.Complication] = [nettx.Complication.PERFORATION]
    lines = [
        "from typing import List",
        "import nettx",
        'words: List[str] = ["bleeding"]',
        "members: List[nettx.Complication] = [nettx.Complication.PERFORATION]",
    ]
    first = len(lines) + 1
    for expression, accepted in COMPLICATIONS_ARGUMENTS:
        lines.append(f'nettx.Case(primary_site="ileum", complications={expression})')
        scope = {"nettx": nettx, "words": words, "members": members}
        if accepted:
            eval(lines[-1], scope)
        else:
            with pytest.raises(nettx.InvalidCaseError):
                eval(lines[-1], scope)
    source = tmp_path / "complications.py"
    source.write_text("\n".join(lines) + "\n")
    out, err, _ = mypy_api.run(
        ["--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(source)]
    )
    flagged = {int(m) for m in re.findall(r"complications\.py:(\d+): error", out)}
    want = {first + i for i, (_, accepted) in enumerate(COMPLICATIONS_ARGUMENTS) if not accepted}
    assert flagged == want, out + err


def test_case_is_immutable() -> None:
    c = nettx.Case(primary_site="ileum")
    with pytest.raises(AttributeError):
        c.metastatic = True  # type: ignore[misc]


# --- Evaluation ----------------------------------------------------------------------


def test_evaluation_attributes() -> None:
    ev = nettx.evaluate(SYNDROME_METASTATIC)
    doc = ev.to_dict()
    assert doc == json.loads(ev.to_json())
    assert ev.case_id == "pt-7 <b>&"
    assert ev.case == nettx.Case(**SYNDROME_METASTATIC)
    assert ev.in_scope is True
    assert ev.disease_state is nettx.DiseaseState.METASTATIC
    assert ev.urgent is True
    assert ev.codes == tuple(nettx.Code(r["code"]) for r in doc["recommendations"])
    first = ev.recommendations[0]
    assert first.code is nettx.Code.URGENT_SEGMENTAL_RESECTION
    assert first.urgency is nettx.Urgency.URGENT
    assert first.strength is nettx.Strength.PREFERRED
    assert first.category is nettx.Category.SURGERY
    assert first.intent is nettx.Intent.COMPLICATION_RELIEF
    assert first.sources == (nettx.Source.S7, nettx.Source.S10)
    assert first.rule is nettx.Rule.COMPLICATION_URGENT_RESECTION
    assert first.summary == nettx.Code.URGENT_SEGMENTAL_RESECTION.summary
    assert first.rationale
    assert all(r.strength is nettx.Strength.PREFERRED for r in ev.preferred)
    assert ev.recommends(nettx.Code.EVEROLIMUS) and ev.recommends("EVEROLIMUS")
    assert not ev.recommends(nettx.Code.LOCAL_EXCISION)
    with pytest.raises(ValueError):
        ev.recommends("NOT_A_CODE")
    for w in ev.warnings:
        assert isinstance(w.code, nettx.WarningCode)
        assert w.message == w.code.message and w.sources == w.code.sources
    for m in ev.missing:
        assert m.reason == m.field.missing_reason
    assert all(isinstance(t.rule, nettx.Rule) for t in ev.trace)
    assert ev.trace[0].detail.startswith("metastatic=true")
    assert ev.goals == tuple(nettx.Goal(g) for g in doc["goals"])


def test_result_objects_compare_and_hash() -> None:
    a = nettx.evaluate(SYNDROME_METASTATIC)
    b = nettx.evaluate(dict(SYNDROME_METASTATIC))
    assert a == b and a != nettx.evaluate(ILEUM)
    assert a.recommendations == b.recommendations
    assert len({*a.recommendations, *b.recommendations}) == len(a.recommendations)
    assert len(set(a.missing) | set(b.missing)) == len(a.missing)
    assert len(set(a.warnings) | set(b.warnings)) == len(a.warnings)
    assert a.trace == b.trace
    assert (a == 1) is False
    with pytest.raises(TypeError):
        hash(a)
    with pytest.raises(TypeError):
        hash(a.trace[0])
    # as the stubs declare (`__hash__: ClassVar[None]`)
    assert nettx.Evaluation.__hash__ is None and nettx.TraceEntry.__hash__ is None


def test_repr_is_one_line_and_str_is_the_report() -> None:
    ev = nettx.evaluate(SYNDROME_METASTATIC)
    r = repr(ev)
    assert "\n" not in r and len(r) < 300
    assert r.startswith("<Evaluation case_id='pt-7 <b>&' in_scope=True disease_state=metastatic")
    assert "urgent=True" in r
    report = str(ev)
    assert report == ev.report()
    assert "URGENT_SEGMENTAL_RESECTION" in report and nettx.DISCLAIMER in report
    sparse = nettx.evaluate({"primary_site": "colon"})
    for obj in (ev.recommendations[0], sparse.missing[0], ev.warnings[0], ev.trace[0]):
        assert "\n" not in repr(obj)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: List[str] = []
        self.tags: List[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_display_shows_everything_escaped() -> None:
    ev = nettx.evaluate(SYNDROME_METASTATIC)
    html = ev._repr_html_()
    assert "<b>&" not in html  # the case_id is escaped
    assert "pt-7 &lt;b&gt;&amp;" in html
    parser = _Collect()
    parser.feed(html)
    text = "".join(parser.text)
    for r in ev.recommendations:
        assert r.code.value in text and r.strength.value in text and r.urgency.value in text
        assert r.rationale in text
    for m in ev.missing:
        assert m.field.value in text
    for w in ev.warnings:
        assert w.code.value in text and w.message in text
    assert nettx.Source.S7.text in text
    assert nettx.DISCLAIMER in text
    assert "table" in parser.tags and "details" in parser.tags
    # An evaluation with nothing missing and no warnings still renders.
    out_of_scope = nettx.evaluate({"primary_site": "appendix"})
    assert "out of scope" in out_of_scope._repr_html_()


def test_pickle_and_copy() -> None:
    ev = nettx.evaluate(SYNDROME_METASTATIC)
    assert pickle.loads(pickle.dumps(ev)) == ev
    assert pickle.loads(pickle.dumps(ev.case)) == ev.case
    assert copy.deepcopy(ev.case) == ev.case
    assert pickle.loads(pickle.dumps(nettx.Code.EVEROLIMUS)) is nettx.Code.EVEROLIMUS
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate({"primary_site": "x"})
    again = pickle.loads(pickle.dumps(info.value))
    assert (again.kind, again.field, again.message) == (
        info.value.kind,
        info.value.field,
        info.value.message,
    )
    assert again.to_json() == info.value.to_json()


def test_pickled_evaluation_is_the_evaluation_pickled() -> None:
    ev = nettx.evaluate(SYNDROME_METASTATIC)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(ev, protocol=protocol))
        assert again == ev and again.to_json() == ev.to_json()
    # The pickle holds the result and the versions that made it, not only
    # the case.
    function, args = ev.__reduce__()
    assert args == (ev.to_json(), ev.case.to_json(), nettx.GUIDELINE_DIGEST, nettx.ENGINE_VERSION)
    assert function(*args) == ev
    # An evaluation of a frame (computed on first use) pickles the same.
    import pandas as pd

    df = pd.DataFrame({"primary_site": ["ileum"], "metastatic": [False]})
    lazy = nettx.evaluate_frame(df, full=True)["evaluation"].iloc[0]
    assert pickle.loads(pickle.dumps(lazy)).to_json() == nettx.evaluate({"primary_site": "ileum", "metastatic": False}).to_json()


def test_an_evaluation_pickled_by_another_version_is_refused() -> None:
    ev = nettx.evaluate(SYNDROME_METASTATIC)
    data = pickle.dumps(ev)
    # another guideline: its digest differs (in the state and in the JSON)
    other_digest = ("0" if nettx.GUIDELINE_DIGEST[0] != "0" else "1") * 64
    edited = data.replace(nettx.GUIDELINE_DIGEST.encode(), other_digest.encode())
    assert edited != data
    with pytest.raises(nettx.NettxError, match="made by another guideline or engine version") as info:
        pickle.loads(edited)
    assert other_digest in str(info.value) and nettx.GUIDELINE_DIGEST in str(info.value)
    # another engine
    function, (evaluation_json, case_json, digest, version) = ev.__reduce__()
    with pytest.raises(nettx.NettxError, match=r"made by another guideline or engine version \(nettx 0\.0\.1,"):
        function(evaluation_json, case_json, digest, "0.0.1")
    # the same versions, but a result this library does not give for the case
    altered = evaluation_json.replace('"urgency":"urgent"', '"urgency":"elective"', 1)
    assert altered != evaluation_json
    for state in [(altered, case_json), (evaluation_json, nettx.Case(primary_site="colon").to_json()), (evaluation_json, "{")]:
        with pytest.raises(nettx.NettxError, match="does not evaluate to the pickled result"):
            function(*state, digest, version)


# --- errors --------------------------------------------------------------------------


def test_invalid_case_error() -> None:
    with pytest.raises(ValueError) as info:
        nettx.evaluate({"primary_site": "ileum", "tumor_size_cm": 31})
    e = info.value
    assert isinstance(e, nettx.InvalidCaseError) and isinstance(e, nettx.NettxError)
    assert e.kind is nettx.ErrorKind.FIELD and e.field == "tumor_size_cm"
    assert e.message.startswith("tumor_size_cm must be between 0.01 and 30 cm, got 31")
    assert str(e) == f"field error in `tumor_size_cm`: {e.message}"
    assert e.args == (e.message,)
    assert json.loads(e.to_json()) == e.to_dict()
    made = nettx.InvalidCaseError("bad", kind="parse")
    assert made.to_json() == '{"error":{"kind":"parse","message":"bad"}}'
    assert str(made) == "parse error: bad"


def test_evaluate_json_type_errors() -> None:
    with pytest.raises(TypeError, match="for a dict use nettx.evaluate"):
        nettx.evaluate_json({"primary_site": "ileum"})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="for JSON text use nettx.evaluate_json"):
        nettx.evaluate('{"primary_site": "ileum"}')  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        nettx.evaluate(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="cases\\[1\\]"):
        nettx.evaluate_many([ILEUM, 3])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="iterable of cases"):
        nettx.evaluate_many(ILEUM)  # type: ignore[arg-type]
    import pandas as pd

    with pytest.raises(TypeError, match="evaluate_frame"):
        nettx.evaluate_many(pd.DataFrame([ILEUM]))  # type: ignore[arg-type]


def test_evaluate_json_lone_surrogate_is_a_parse_error() -> None:
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_json('{"primary_site": "ileum", "case_id": "\ud800"}')
    assert info.value.kind is nettx.ErrorKind.PARSE
    assert "UTF-8" in info.value.message


def test_evaluate_json_limits() -> None:
    big = json.dumps({"primary_site": "ileum", "case_id": "x" * 70000})
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_json(big)
    assert info.value.kind is nettx.ErrorKind.PARSE and info.value.field is None


def test_evaluate_many_empty_and_generators() -> None:
    assert nettx.evaluate_many([]) == []
    assert len(nettx.evaluate_many(iter([ILEUM] * 3))) == 3
    with pytest.raises(nettx.InvalidCaseError) as info:
        nettx.evaluate_many(({"primary_site": "ileum"} if i != 4 else {"x": 1} for i in range(10)))
    assert info.value.row == 4 and info.value.field == "x" and info.value.label is None
    assert str(info.value).startswith("row 4: field error in `x`")
