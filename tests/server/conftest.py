"""Shared parts of the service suite: the `nettx` binary (as the reference
for every expected answer), a `nettx serve` process per test module on a free
loopback port with a temporary audit log, and the test data of
tests/conformance and tests/fhir.

Expectations are never written here: they come from the command line
(`nettx evaluate --format cds-cards`, `--format svg`, `--input fhir`) run on
the same input, or from the spec files. Nothing the server answers is
printed: a failing assertion names the case or record, not its data.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import httpx
import pytest

def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


# SIGTERM (tests/server/run.sh's trap) ends the run the way Ctrl-C does, so
# that the fixtures stop their servers and the browser.
signal.signal(signal.SIGTERM, _interrupt)

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
KEYS = ROOT / "crates" / "nettx-server" / "tests" / "keys"
SERVICE = "/cds-services/intestinal-net-treatment"


def nettx_bin() -> Path:
    """The binary tests/server/run.sh built (NETTX_BIN), else target/debug."""
    path = Path(os.environ.get("NETTX_BIN", ROOT / "target" / "debug" / "nettx"))
    if not path.is_file():
        pytest.exit(f"no nettx binary at {path}: run tests/server/run.sh, or "
                    "`cargo build -p nettx-cli` and set NETTX_BIN", returncode=2)
    return path


NETTX = nettx_bin()


# ---- the reference: the command line ---------------------------------------


def cli(args: List[str], text: str) -> Tuple[int, List[Dict[str, Any]]]:
    """Runs `nettx ARGS -` on `text` (one document, on one line) and returns
    the exit status and each line of standard output as JSON."""
    one_line = json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
    run = subprocess.run([str(NETTX), *args, "-"], input=one_line.encode(),
                         capture_output=True, timeout=60, check=False)
    assert run.returncode in (0, 1), f"nettx {' '.join(args)} failed with {run.returncode}"
    return run.returncode, [json.loads(line) for line in run.stdout.splitlines()]


def cli_cards(text: str, fhir: bool = False) -> Dict[str, Any]:
    """`nettx evaluate [--input fhir] --format cds-cards`: {"cards":[…]} or {"error":…}."""
    args = ["evaluate", "--format", "cds-cards"] + (["--input", "fhir"] if fhir else [])
    _, out = cli(args, text)
    assert len(out) == 1
    return out[0]


def cli_evaluation(text: str, fhir: bool = False) -> Dict[str, Any]:
    """The evaluation document the CLI gives (for a record: its "evaluation")."""
    _, out = cli(["evaluate"] + (["--input", "fhir"] if fhir else []), text)
    assert len(out) == 1
    doc = out[0]
    return doc["evaluation"] if fhir and "evaluation" in doc else doc


def cli_svg(text: str, fhir: bool = False) -> str:
    """The pathway diagram the CLI draws for one case or record."""
    one_line = json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
    args = ["evaluate", "--format", "svg"] + (["--input", "fhir"] if fhir else [])
    run = subprocess.run([str(NETTX), *args, "-"], input=one_line.encode(),
                         capture_output=True, timeout=60, check=True)
    return run.stdout.decode()


def cli_version() -> str:
    return subprocess.run([str(NETTX), "--version"], capture_output=True, text=True,
                          timeout=60, check=True).stdout


# ---- test data ---------------------------------------------------------------


def conformance_cases() -> List[Tuple[str, Dict[str, Any]]]:
    """(title, case) of the guideline's examples, then of cases.json."""
    conformance = ROOT / "tests" / "conformance"
    examples = json.loads((conformance / "guideline-examples.json").read_text())
    own = json.loads((conformance / "cases.json").read_text())["cases"]
    return [(c["title"], c["case"]) for c in examples + own]


def good_records() -> List[Path]:
    """The good FHIR records of tests/fhir, in name order."""
    return sorted(p for p in (ROOT / "tests" / "fhir" / "good").glob("*.json")
                  if not p.name.endswith(".expected.json"))


# ---- the service ------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """In the child: SIGTERM when pytest dies (Linux), so that no server outlives
    the suite even if it is killed; tests/server/run.sh's trap is the other guard."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


class Server:
    """`nettx serve` on 127.0.0.1 with a temporary audit log and, optionally,
    a config file whose text is made from the port (`{port}`, `{audit}`)."""

    def __init__(self, config: Optional[str] = None) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="nettx-serve-"))
        self.audit = self.dir / "audit.jsonl"
        self.stderr_path = self.dir / "stderr.jsonl"
        self.proc: Optional[subprocess.Popen[bytes]] = None
        for _ in range(5):  # another process may take the free port first
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            args = [str(NETTX), "serve", "--listen", f"127.0.0.1:{self.port}",
                    "--audit-log", str(self.audit)]
            if config is not None:
                path = self.dir / "config.toml"
                path.write_text(config.format(port=self.port, audit=self.audit, keys=KEYS))
                args += ["--config", str(path)]
            if self._start(args):
                return
        raise RuntimeError("nettx serve did not start: see " + str(self.stderr_path))

    def _start(self, args: List[str]) -> bool:
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=err,
                                         cwd=self.dir, preexec_fn=_die_with_parent)
        pids = os.environ.get("NETTX_TEST_PIDS")
        if pids:  # for tests/server/run.sh's trap
            Path(pids, f"server-{self.proc.pid}").write_text(str(self.proc.pid))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._forget()
                if "cannot listen" in self.stderr_path.read_text():
                    return False
                raise RuntimeError("nettx serve exited at start: "
                                   + self.stderr_path.read_text()[-2000:])
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("nettx serve did not answer /healthz within 30 s")

    def _forget(self) -> None:
        pids = os.environ.get("NETTX_TEST_PIDS")
        if pids and self.proc is not None:
            Path(pids, f"server-{self.proc.pid}").unlink(missing_ok=True)

    def stop(self) -> int:
        """SIGTERM (a graceful stop), then the exit status."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=35)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._forget()
        return int(self.proc.returncode)

    def cleanup(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def audit_lines(self) -> List[Dict[str, Any]]:
        """Every line of the audit log, as JSON (each must be whole JSON)."""
        if not self.audit.exists():
            return []
        return [json.loads(line) for line in self.audit.read_text().splitlines()]

    def stderr_lines(self) -> List[Dict[str, Any]]:
        return [json.loads(line) for line in self.stderr_path.read_text().splitlines()]


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """A development-mode server (no config), shared by the tests that need no
    issuer: tests find their own audit lines by a fresh hookInstance."""
    s = Server()
    yield s
    s.cleanup()


@pytest.fixture(scope="session")
def out_dir() -> Path:
    """tests/server/out: the page's screenshot (gitignored)."""
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    return out


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium from Debian through its chromedriver (never Selenium
    Manager, which would try to download a browser)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver") or "/usr/lib/chromium/chromedriver"
    if chromium is None or not Path(driver_path).is_file():
        pytest.fail("chromium and chromedriver are needed (tests/server/run.sh installs "
                    "the Debian packages chromium and chromium-driver)")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager: never the network
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    # --no-sandbox: Chromium refuses to start as root (CI) with its sandbox.
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--force-device-scale-factor=1",
                "--lang=en-US", "--no-first-run", "--disable-extensions"):
        options.add_argument(arg)
    service = Service(executable_path=driver_path, log_output=subprocess.DEVNULL)
    driver = webdriver.Chrome(service=service, options=options)
    pids = os.environ.get("NETTX_TEST_PIDS")
    if pids and service.process is not None:
        Path(pids, f"chromedriver-{service.process.pid}").write_text(str(service.process.pid))
    try:
        yield driver
    finally:
        driver.quit()
        if pids and service.process is not None:
            Path(pids, f"chromedriver-{service.process.pid}").unlink(missing_ok=True)
