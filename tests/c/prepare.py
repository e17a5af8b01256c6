#!/usr/bin/env python3
"""Turns the shared conformance files into line formats a C program reads
without a JSON parser (standard library only).

    prepare.py CONFORMANCE_DIR OUT_DIR

writes, in golden.jsonl order (the guideline examples' cases, then
cases.json "cases", then cases.json "errors"):

  OUT_DIR/inputs.hex   one JSON input per line, as hex (any byte survives);
                       line i goes with line i of golden.jsonl
  OUT_DIR/typed.txt    one line per valid case (the first lines of
                       golden.jsonl): tab-separated key=value pairs, the
                       case's fields as C sets them: enum values by wire name
                       (looked up in C with nettx_value), facts true/false/null,
                       tumor_size_cm as the shortest repr that reads back to
                       the same double (or null), complications as a comma
                       list, case_id as hex

and OUT_DIR/fhir_bad.txt, the bad FHIR records of tests/fhir/bad (see
write_fhir_bad); and, from the hostile-input corpus (tests/hostile/corpus.json, read with
tests/hostile/corpus.py):

  OUT_DIR/hostile.txt  one line per entry, tab-separated: the title as hex,
                       the input, the answer of nettx_evaluate_json_len (the
                       whole text) and of nettx_evaluate_json (a C string,
                       read to its first NUL). The input is its generator
                       expanded only into pieces, TIMES*HEX joined by commas
                       (HEX repeated TIMES times; "0*" for nothing), which the
                       C test expands itself, so a megabyte input stays a few
                       bytes here. An answer is "valid", a kind ("parse"), or
                       KIND:PIECES for an error naming a field (the field's
                       UTF-8 bytes as pieces: "field:1*" is the empty name).
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "hostile"))
import corpus  # noqa: E402  (tests/hostile/corpus.py)


def spec(pieces):
    """Pieces as TIMES*HEX joined by commas ("0*" for none)."""
    return ",".join(f"{times}*{data.hex()}" for times, data in pieces) or "0*"


def answer_text(entry, key):
    """An entry's answer (``key``: "error" or "c_string") in hostile.txt form."""
    answer = entry.answer if key == "error" else entry.c_string
    if answer[0] == "valid":
        return "valid"
    if answer[0] != "error":
        raise ValueError(f"{entry.title}: the C suite cannot skip an entry")
    source = key if key in entry.raw else "error"
    field = corpus.field_pieces(entry, source)
    return answer[1] if field is None else f"{answer[1]}:{spec(field)}"


def write_hostile(out: Path) -> int:
    """Writes OUT_DIR/hostile.txt; returns the number of entries."""
    entries = corpus.load()
    with open(out / "hostile.txt", "w", encoding="ascii") as f:
        for e in entries:
            line = [e.title.encode("utf-8").hex(), spec(e.pieces), answer_text(e, "error"),
                    answer_text(e, "c_string")]
            f.write("\t".join(line) + "\n")
    return len(entries)


def write_fhir_bad(out: Path) -> int:
    """Writes OUT_DIR/fhir_bad.txt from tests/fhir/bad: one line per bad
    record, tab-separated: the record as hex (or gen:entries:N /
    gen:bytes:N for the two generated ones), the kind, the field (empty for
    none). Returns the number of records."""
    bad = Path(__file__).resolve().parents[2] / "tests" / "fhir" / "bad"
    manifest = json.loads((bad / "expected.json").read_text(encoding="utf-8"))
    with open(out / "fhir_bad.txt", "w", encoding="utf-8") as f:
        for name, want in manifest.items():
            gen = want.get("generate")
            if gen:
                record = "gen:%s:%d" % (gen["generate"], gen.get("count", gen.get("size", 0)))
            else:
                record = (bad / (name + ".json")).read_bytes().hex()
            f.write("%s\t%s\t%s\n" % (record, want["kind"], want["field"] or ""))
    return len(manifest)


def main() -> int:
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    examples = json.loads((src / "guideline-examples.json").read_text(encoding="utf-8"))
    doc = json.loads((src / "cases.json").read_text(encoding="utf-8"))
    cases = [c["case"] for c in examples] + [c["case"] for c in doc["cases"]]
    inputs = [json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in cases]
    inputs += [e["input"] for e in doc["errors"]]
    golden = (src / "golden.jsonl").read_text(encoding="utf-8").splitlines()
    if len(golden) != len(inputs):
        print(f"golden.jsonl has {len(golden)} lines, inputs {len(inputs)}", file=sys.stderr)
        return 1
    with open(out / "inputs.hex", "w", encoding="ascii") as f:
        for text in inputs:
            data = text.encode("utf-8")
            assert b"\0" not in data, "an input holds a NUL byte"
            f.write(data.hex() + "\n")
    with open(out / "typed.txt", "w", encoding="utf-8") as f:
        for case in cases:
            fields = []
            for key, value in case.items():
                if key == "case_id":
                    if value is not None:
                        fields.append("case_id=" + value.encode("utf-8").hex())
                elif value is None:
                    fields.append(f"{key}=null")
                elif isinstance(value, bool):
                    fields.append(f"{key}={'true' if value else 'false'}")
                elif key == "tumor_size_cm":
                    fields.append(f"{key}={float(value)!r}")
                elif key == "complications":
                    fields.append(f"{key}={','.join(value)}")
                else:
                    fields.append(f"{key}={value}")
            f.write("\t".join(fields) + "\n")
    hostile = write_hostile(out)
    fhir = write_fhir_bad(out)
    print(f"prepared {len(inputs)} inputs, {len(cases)} typed cases, {hostile} hostile inputs, "
          f"{fhir} bad FHIR records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
