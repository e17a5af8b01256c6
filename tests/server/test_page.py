"""The page at `/` in a real browser (headless Chromium through selenium):
a case pasted and evaluated shows the command line's cards in their
indicator colours, the missing data and the pathway diagram; a FHIR record
through the other radio button does the same; a refused input shows the
library's error as text. A screenshot goes to tests/server/out/page.png."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import (Server, cli_cards, cli_evaluation, cli_svg, conformance_cases,
                      good_records)

# What the page shows, read from the DOM: visible text for what is on screen,
# textContent for what sits in a closed <details>.
READ_PAGE = """
const cards = [...document.querySelectorAll('#cards .card')].map(c => ({
  classes: [...c.classList],
  indicator: c.dataset.indicator,
  label: c.querySelector('.indicator').textContent,
  detail: c.querySelector('details .detail').innerText,
  tags: [...c.querySelectorAll('details .detail *')].map(e => e.localName),
  strong: [...c.querySelectorAll('details .detail strong')].map(e => e.textContent),
  code: [...c.querySelectorAll('details .detail code')].map(e => e.textContent),
  items: c.querySelectorAll('details .detail li').length,
  border: getComputedStyle(c).borderLeftColor,
}));
const missing = [...document.querySelectorAll('#missing li')].map(li => ({
  text: li.textContent,
  code: li.querySelector('code') ? li.querySelector('code').textContent : null,
  muted: li.classList.contains('muted'),
}));
const svg = document.querySelector('#pathway svg');
let drawn = null;
if (svg) {
  const box = svg.getBoundingClientRect();
  const frame = document.getElementById('pathway');
  drawn = {
    width: box.width, height: box.height, fit: svg.classList.contains('fit'),
    frame_width: frame.clientWidth, frame_height: frame.clientHeight,
    tags: [...svg.querySelectorAll('*')].map(e => e.localName),
    texts: [...svg.querySelectorAll('text')].map(t => t.textContent),
  };
}
return {cards, missing, drawn, error: document.getElementById('error').textContent,
        title: document.title};
"""


def evaluate_in_page(browser: Any, server: Server, kind: str, text: str,
                     token: Optional[str] = None) -> Dict[str, Any]:
    """Opens the page, pastes `text`, picks the radio button, presses
    Evaluate and waits for cards or an error."""
    browser.get(server.url + "/")
    browser.find_element(By.CSS_SELECTOR, f"input[name=input][value={kind}]").click()
    area = browser.find_element(By.ID, "text")
    area.clear()
    area.send_keys(text)
    if token is not None:
        browser.find_element(By.ID, "token").send_keys(token)
    browser.find_element(By.ID, "submit").click()
    WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#cards .card")
        or d.find_element(By.ID, "error").text)
    # Open every card's detail, as a reader would.
    for toggle in browser.find_elements(By.CSS_SELECTOR, "#cards .card details > summary"):
        toggle.click()
    shown: Dict[str, Any] = browser.execute_script(READ_PAGE)
    shown["summaries"] = [e.text for e in browser.find_elements(By.CSS_SELECTOR,
                                                                "#cards .card .summary")]
    return shown


def svg_shape(svg_text: str) -> Dict[str, List[str]]:
    """Element names and text contents of an SVG, in document order."""
    root = ET.fromstring(svg_text)
    local = [e.tag.rsplit("}", 1)[-1] for e in root.iter()][1:]
    texts = ["".join(e.itertext()) for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "text"]
    return {"tags": local, "texts": texts}


def plain(markdown: str) -> str:
    """The text a reader sees of card markdown (markers dropped), whitespace
    collapsed."""
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", markdown)
    text = re.sub(r"`([^`]+)`", r"\1", text)
    text = re.sub(r"\*([^*\s][^*]*)\*", r"\1", text)
    text = re.sub(r"(?m)^- ", "", text)
    return " ".join(text.split())


def assert_shows(shown: Dict[str, Any], cards: List[Dict[str, Any]],
                 evaluation: Dict[str, Any], svg: str) -> None:
    # The cards: the command line's, in its order, summary and indicator.
    assert shown["error"] == ""
    assert shown["summaries"] == [c["summary"] for c in cards]
    assert [c["indicator"] for c in shown["cards"]] == [c["indicator"] for c in cards]
    for page_card, card in zip(shown["cards"], cards):
        assert page_card["classes"] == ["card", card["indicator"]]
        assert page_card["label"] == card["indicator"]
        # The detail's markdown, shown as text with its bold, code and lists.
        md = card["detail"]
        assert " ".join(page_card["detail"].split()) == plain(md)
        assert page_card["strong"] == re.findall(r"\*\*([^*]+)\*\*", md)
        assert page_card["code"] == re.findall(r"`([^`]+)`", md)
        assert page_card["items"] == len(re.findall(r"(?m)^- ", md))
        assert set(page_card["tags"]) <= {"p", "ul", "li", "strong", "code", "em"}
    # Each indicator has its own colour, and none is the unstyled default.
    colours: Dict[str, set] = {}
    for c in shown["cards"]:
        colours.setdefault(c["indicator"], set()).add(c["border"])
    assert all(len(v) == 1 for v in colours.values())
    assert len({next(iter(v)) for v in colours.values()}) == len(colours)
    assert "rgb(136, 136, 136)" not in {next(iter(v)) for v in colours.values()}
    # The missing data: field and reason, as the evaluation gives them.
    if evaluation["missing"]:
        assert [m["code"] for m in shown["missing"]] == [m["field"] for m in evaluation["missing"]]
        assert [m["text"] for m in shown["missing"]] == [
            f"{m['field']}: {m['reason']}" for m in evaluation["missing"]]
    else:
        assert len(shown["missing"]) == 1 and shown["missing"][0]["muted"]
    # The pathway: drawn, with the command line's SVG elements and texts.
    drawn = shown["drawn"]
    assert drawn is not None, "no SVG pathway drawn"
    assert drawn["width"] > 100 and drawn["height"] > 100
    # Fitted to its box at first: the whole diagram in view.
    assert drawn["fit"]
    assert drawn["width"] <= drawn["frame_width"] + 1
    assert drawn["height"] <= drawn["frame_height"] + 1
    expected = svg_shape(svg)
    assert drawn["tags"] == expected["tags"]
    assert drawn["texts"] == expected["texts"]
    assert any(drawn["texts"])


def richest(candidates: List[str], fhir: bool) -> str:
    """The input whose command-line cards have the most kinds of indicator,
    then missing data, then the most cards (the first such, in file order)."""
    def score(text: str) -> Any:
        out = cli_cards(text, fhir)
        if "error" in out:
            return (-1, False, 0)
        kinds = {c["indicator"] for c in out["cards"]}
        return (len(kinds), bool(cli_evaluation(text, fhir)["missing"]), len(out["cards"]))
    return max(candidates, key=score)


def test_case_shows_cards_missing_data_and_pathway(browser: Any, server: Server,
                                                   out_dir: Path) -> None:
    text = richest([json.dumps(c) for _, c in conformance_cases()], fhir=False)
    cards = cli_cards(text)["cards"]
    evaluation = cli_evaluation(text)
    # The chosen case is one a clinician must not miss: an urgent card.
    assert {"critical", "warning"} <= {c["indicator"] for c in cards}
    assert evaluation["missing"]
    shown = evaluate_in_page(browser, server, "case", text)
    assert_shows(shown, cards, evaluation, cli_svg(text))
    # The screenshot, of the whole page (the diagram's box grows with the
    # window, so the window is grown until the page fits).
    for _ in range(4):
        height = int(browser.execute_script("return document.documentElement.scrollHeight"))
        inner = int(browser.execute_script("return window.innerHeight"))
        if height <= inner:
            break
        browser.set_window_size(1400, height + 200)
    browser.save_screenshot(str(out_dir / "page.png"))
    browser.set_window_size(1400, 1000)


def test_pathway_zooms_to_the_place_clicked(browser: Any, server: Server) -> None:
    text = json.dumps(conformance_cases()[0][1])
    evaluate_in_page(browser, server, "case", text)
    width = float(ET.fromstring(cli_svg(text)).attrib["width"])
    node = browser.find_element(By.CSS_SELECTOR, "#pathway svg g.node")
    ActionChains(browser).move_to_element(node).click().perform()
    state = browser.execute_script("""
      const svg = document.querySelector('#pathway svg'), frame = document.getElementById('pathway');
      const n = svg.querySelector('g.node').getBoundingClientRect(), f = frame.getBoundingClientRect();
      return {fit: svg.classList.contains('fit'), width: svg.getBoundingClientRect().width,
              cx: n.left + n.width / 2, cy: n.top + n.height / 2,
              left: f.left, right: f.left + frame.clientWidth, top: f.top, bottom: f.top + frame.clientHeight,
              pressed: document.getElementById('zoom').getAttribute('aria-pressed')};""")
    # Full size, and the place clicked is in view.
    assert not state["fit"] and abs(state["width"] - width) < 1
    assert state["left"] <= state["cx"] <= state["right"]
    assert state["top"] <= state["cy"] <= state["bottom"]
    assert state["pressed"] == "true"
    browser.find_element(By.CSS_SELECTOR, "#pathway svg").click()
    assert browser.execute_script("return document.querySelector('#pathway svg').classList.contains('fit')")
    # The button does the same, at the first step of the path.
    browser.find_element(By.ID, "zoom").click()
    assert not browser.execute_script(
        "return document.querySelector('#pathway svg').classList.contains('fit')")
    browser.find_element(By.ID, "zoom").click()
    assert browser.execute_script(
        "return document.querySelector('#pathway svg').classList.contains('fit')")


def test_fhir_record_through_the_fhir_radio(browser: Any, server: Server) -> None:
    texts = [json.dumps(json.loads(p.read_text())) for p in good_records()]
    text = richest(texts, fhir=True)
    cards = cli_cards(text, fhir=True)["cards"]
    evaluation = cli_evaluation(text, fhir=True)
    shown = evaluate_in_page(browser, server, "fhir", text)
    assert_shows(shown, cards, evaluation, cli_svg(text, fhir=True))


def test_a_record_with_nothing_missing(browser: Any, server: Server) -> None:
    candidates = [json.dumps(c) for _, c in conformance_cases()]
    text = next(t for t in candidates if not cli_evaluation(t)["missing"])
    shown = evaluate_in_page(browser, server, "case", text)
    assert_shows(shown, cli_cards(text)["cards"], cli_evaluation(text), cli_svg(text))


@pytest.mark.parametrize(("kind", "document"), [
    ("case", {"primary_site": "stomach", "tumor_size_cm": 2}),
    # Markup in the input comes back in the message: it must stay text.
    ("case", {"primary_site": "ileum",
              "<img src=x onerror=\"document.title='injected'\">": 1}),
    ("fhir", {"patient": None, "conditions": None, "observations": None}),
])
def test_refused_input_shows_the_error_as_text(browser: Any, server: Server, kind: str,
                                               document: Dict[str, Any]) -> None:
    text = json.dumps(document)
    error = cli_cards(text, fhir=kind == "fhir")["error"]
    shown = evaluate_in_page(browser, server, kind, text)
    field = f" (field {error['field']})" if error["field"] else ""
    assert shown["error"] == f"Not evaluated: {error['message']}{field}"
    assert browser.find_element(By.ID, "error").is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, "#error *") == []
    assert shown["title"].startswith("nettx")
    assert shown["cards"] == [] and shown["drawn"] is None
    # Neither "no cards" nor "nothing missing": nothing was evaluated.
    assert [m["muted"] for m in shown["missing"]] == [True]
    assert "not evaluated" in shown["missing"][0]["text"].lower()
    assert "not evaluated" in browser.find_element(By.ID, "cards").text.lower()


def test_a_second_evaluation_replaces_the_first(browser: Any, server: Server) -> None:
    """The page keeps no stale cards: an error after cards clears them, and
    cards after an error clear the error."""
    good = json.dumps(conformance_cases()[0][1])
    browser.get(server.url + "/")
    area = browser.find_element(By.ID, "text")
    for text, want_cards in ((good, True), ('{"primary_site": 7}', False), (good, True)):
        area.clear()
        area.send_keys(text)
        before = browser.execute_script("return document.getElementById('cards').innerHTML")
        browser.find_element(By.ID, "submit").click()
        WebDriverWait(browser, 30).until(
            lambda d: d.execute_script("return document.getElementById('cards').innerHTML")
            != before or d.find_element(By.ID, "error").text)
        shown = browser.execute_script(READ_PAGE)
        if want_cards:
            assert shown["error"] == ""
            assert len(shown["cards"]) == len(cli_cards(text)["cards"])
        else:
            assert shown["error"].startswith("Not evaluated: ")
            assert shown["cards"] == []
