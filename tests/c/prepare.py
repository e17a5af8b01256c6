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
"""
import json
import sys
from pathlib import Path


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
    print(f"prepared {len(inputs)} inputs, {len(cases)} typed cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
