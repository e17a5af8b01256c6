"""The hostile-input corpus (tests/hostile/corpus.json) for the Python and C
suites: loading it, expanding its generator, and the expected answers.
Standard library only. The format is described in tests/hostile/README.md;
crates/nettx-checks/src/hostile.rs is the same code in Rust.

An answer is ``("error", kind, field)`` (field ``None`` when there is none),
``("valid",)`` or ``("skip", reason)``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Optional, Tuple

CORPUS = Path(__file__).resolve().parent / "corpus.json"

#: Fewest error entries the corpus must have: every language's test fails below it.
MIN_ERROR_ENTRIES = 60

KINDS = ("parse", "field", "contradiction", "internal")
ENTRY_KEYS = {"title", "input", "generate", "error", "valid", "c_string", "dict", "cli", "note"}

Answer = Tuple[Any, ...]
VALID: Answer = ("valid",)


def pieces(parts: Any) -> List[Tuple[int, bytes]]:
    """A generator as (times, bytes) pieces: a string is its UTF-8 bytes once,
    ``{"repeat": S, "times": N}`` S's UTF-8 bytes N times, ``{"hex": H}`` the
    bytes H spells once."""
    if not isinstance(parts, list):
        raise ValueError("`generate` must be a list of parts")
    out: List[Tuple[int, bytes]] = []
    for part in parts:
        if isinstance(part, str):
            out.append((1, part.encode("utf-8")))
        elif isinstance(part, dict) and set(part) == {"repeat", "times"}:
            times = part["times"]
            if not isinstance(part["repeat"], str) or not isinstance(times, int) or times < 0:
                raise ValueError(f"bad repeat part {part!r}")
            out.append((times, part["repeat"].encode("utf-8")))
        elif isinstance(part, dict) and set(part) == {"hex"}:
            out.append((1, bytes.fromhex(part["hex"])))
        else:
            raise ValueError(f"unknown generator part {part!r}")
    return out


def expand(parts: Any) -> bytes:
    """The bytes a generator makes: its parts concatenated."""
    return b"".join(data * times for times, data in pieces(parts))


def parse_answer(value: Any) -> Answer:
    """An answer object: ``{"kind": K, "field": F?}`` (F a string or a
    generator, decoded as UTF-8), ``{"valid": true}`` or ``{"skip": REASON}``."""
    if not isinstance(value, dict):
        raise ValueError(f"an answer is an object: {value!r}")
    if "skip" in value:
        if not isinstance(value["skip"], str) or not value["skip"]:
            raise ValueError("`skip` needs a reason")
        return ("skip", value["skip"])
    if value == {"valid": True}:
        return VALID
    kind = value.get("kind")
    if kind not in KINDS or set(value) - {"kind", "field"}:
        raise ValueError(f"bad answer {value!r}")
    field = value.get("field")
    if field is not None and not isinstance(field, str):
        field = expand(field).decode("utf-8")
    return ("error", kind, field)


@dataclass
class Entry:
    """One entry of the corpus."""

    title: str
    #: The input bytes.
    input: bytes
    #: The input as (times, bytes) pieces (for the C suite, which expands them).
    pieces: List[Tuple[int, bytes]]
    #: What every entry point that reads the whole text answers.
    answer: Answer
    #: What nettx_evaluate_json answers (it reads a C string to its NUL).
    c_string: Answer
    #: What ``evaluate(json.loads(input))`` answers, when given.
    dict: Optional[Answer]
    #: What the command line answers.
    cli: Answer
    #: The raw answer objects, for expanding fields in other formats.
    raw: Any


def _entry(raw: Any) -> Entry:
    if not isinstance(raw, dict) or set(raw) - ENTRY_KEYS:
        raise ValueError(f"bad entry {raw!r:.200}")
    title = raw["title"]
    if ("input" in raw) == ("generate" in raw):
        raise ValueError(f"{title}: exactly one of `input` or `generate`")
    parts = pieces([raw["input"]] if "input" in raw else raw["generate"])
    if ("error" in raw) == ("valid" in raw) or raw.get("valid", True) is not True:
        raise ValueError(f"{title}: exactly one of `error` or `valid: true`")
    answer = parse_answer(raw["error"]) if "error" in raw else VALID
    if answer[0] == "skip":
        raise ValueError(f"{title}: `error` must be an error")
    overrides = {k: parse_answer(raw[k]) for k in ("c_string", "dict", "cli") if k in raw}
    explained = "note" in raw or all(a[0] == "skip" for a in overrides.values())
    if overrides and not explained:
        raise ValueError(f"{title}: an override needs a `note` saying why")
    return Entry(
        title=title,
        input=b"".join(d * t for t, d in parts),
        pieces=parts,
        answer=answer,
        c_string=overrides.get("c_string", answer),
        dict=overrides.get("dict"),
        cli=overrides.get("cli", answer),
        raw=raw,
    )


def load(path: Path = CORPUS) -> List[Entry]:
    """The corpus, checked for form (unique titles, known keys, valid
    answers, at least MIN_ERROR_ENTRIES error entries)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    entries = [_entry(raw) for raw in doc["entries"]]
    titles = [e.title for e in entries]
    if len(set(titles)) != len(titles):
        raise ValueError("corpus titles must be unique")
    errors = sum(1 for e in entries if e.answer[0] == "error")
    if errors < MIN_ERROR_ENTRIES:
        raise ValueError(f"the corpus must hold at least {MIN_ERROR_ENTRIES} error entries, has {errors}")
    return entries


def field_pieces(entry: Entry, key: str) -> Optional[List[Tuple[int, bytes]]]:
    """The field of an entry's answer (``key`` is "error" or an override) as
    pieces, without expanding it; None when there is no field."""
    value = entry.raw.get(key)
    if not isinstance(value, dict) or value.get("field") is None:
        return None
    field = value["field"]
    return pieces([field] if isinstance(field, str) else field)
