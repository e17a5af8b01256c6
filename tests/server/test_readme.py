"""The README's service example, run as written: the start command is the
one the suite's development-mode server runs (`serve`, no configuration),
and the curl command, with the port changed to the test server's, answers
with the cards the command line gives for the same prefetched record."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import List, Tuple

from conftest import ROOT, SERVICE, Server, cli_cards

BEGIN, END = "<!-- curl-example:begin -->", "<!-- curl-example:end -->"
DEFAULT = "127.0.0.1:8080"


def readme_commands() -> Tuple[List[str], List[str]]:
    """(start commands, curl commands) of the README's marked example, each
    a shell command with its backslash continuations joined."""
    text = (ROOT / "README.md").read_text()
    assert text.count(BEGIN) == 1 and text.count(END) == 1, "README: the example's markers"
    block = text.split(BEGIN, 1)[1].split(END, 1)[0]
    commands: List[str] = []
    for fence in re.findall(r"```sh\n(.*?)```", block, flags=re.S):
        joined = re.sub(r"\\\n\s*", " ", fence)
        commands += [c.strip() for c in joined.splitlines() if c.strip()]
    start = [c for c in commands if c.startswith("cargo run")]
    curl = [c for c in commands if c.startswith("curl ")]
    assert len(start) + len(curl) == len(commands), "README: only the two commands"
    return start, curl


def test_readme_start_command_is_development_mode() -> None:
    start, _ = readme_commands()
    assert len(start) == 1
    # `serve` with no configuration: what the suite's `server` fixture runs.
    args = start[0].split(" -- ", 1)[1].split()
    assert args == ["serve"]
    assert "-p nettx-cli" in start[0]


def test_readme_curl_answers_with_cards(server: Server) -> None:
    assert shutil.which("curl"), "curl is needed (tests/server/run.sh installs it)"
    _, curl = readme_commands()
    assert len(curl) == 1
    command = curl[0]
    assert DEFAULT in command, "the README's curl must call the default address"
    assert SERVICE in command
    run = subprocess.run(["bash", "-c", command.replace(DEFAULT, f"127.0.0.1:{server.port}")],
                         cwd=ROOT, capture_output=True, timeout=60, check=False)
    assert run.returncode == 0, "the README's curl command failed"
    answer = json.loads(run.stdout)
    assert isinstance(answer["cards"], list) and answer["cards"]
    for card in answer["cards"]:
        assert {"uuid", "summary", "indicator", "detail", "source"} <= set(card)
    # The cards of the record it sends, as the command line gives them.
    data = re.search(r"--data(?:-binary)? @(\S+)", command)
    assert data, "the README's curl sends a file (--data @FILE)"
    request = json.loads((ROOT / data.group(1)).read_text())
    record = json.dumps({k: request["prefetch"][k]
                         for k in ("patient", "conditions", "observations")})
    assert answer == cli_cards(record, fhir=True)
