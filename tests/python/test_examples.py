"""The examples: the notebook is valid nbformat 4 and runs; the script runs."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
from typing import Any, Dict

import nbformat

from conftest import ROOT

EXAMPLES = ROOT / "examples"


def test_the_notebook_is_valid_and_runs() -> None:
    raw = json.loads((EXAMPLES / "cohort.ipynb").read_text(encoding="utf-8"))
    assert raw["nbformat"] == 4
    nb = nbformat.reads(json.dumps(raw), as_version=4)
    nbformat.validate(nb)
    kinds = [c.cell_type for c in nb.cells]
    assert kinds[0] == "markdown" and "code" in kinds
    # The stored outputs include a displayed evaluation and the counts table.
    html = [o["data"].get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs if "data" in o]
    assert any('class="nettx-ev"' in h for h in html)
    assert any("patients" in h for h in html)
    assert any('class="nettx-cohort"' in h and "<svg" in h for h in html)
    # The summary of the full=True results draws the cohort pathway.
    assert any('class="nettx-cohort"' in h and "Cohort pathway" in h and "<textPath" in h for h in html)
    # Every code cell runs, in order, in a Jupyter kernel (nbclient), as a
    # reader running the notebook would; no cell fails, and the outputs are
    # of the same kinds as those stored.
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLES)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") == "error"]
    assert errors == []
    fresh = [o["data"].get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs if "data" in o]
    assert any('class="nettx-cohort"' in h and "<svg" in h for h in fresh)
    assert any('class="nettx-cohort"' in h and "Cohort pathway" in h and "<textPath" in h for h in fresh)
    assert any('class="nettx-ev"' in h for h in fresh)


def test_the_script_runs() -> None:
    spec = importlib.util.spec_from_file_location("cohort_example", EXAMPLES / "cohort.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        module.main()
    text = out.getvalue()
    assert "Preferred recommendations" in text and "Decision support only" in text


def test_the_readme_python_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## From Python", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: Dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    table = namespace["table"]
    assert list(table.index) == ["pt-1", "pt-2", "pt-3"]
    assert namespace["ev"].preferred[0].code == "SMALL_BOWEL_RESECTION_WITH_MESENTERY"
    # The example's claims hold.
    ev = namespace["ev"]
    assert ev.to_json() == namespace["nettx"].evaluate_json('{"primary_site":"ileum","metastatic":false}')
