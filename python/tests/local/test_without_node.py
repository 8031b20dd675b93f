"""With only Python and the wheel (no Node on PATH), the quickstart and the example agent run as
written, against ``python -m actpass.local serve``; the wheel carries the gateway's packs byte for byte.

Builds the wheel and installs it in a fresh venv (the package registry provides httpx and
cryptography), so it is marked ``packaging`` like the other wheel test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from _paths import GATEWAY_PACKS, REPO_ROOT

PROJECT = REPO_ROOT / "python"
QUICKSTART = REPO_ROOT / "docs" / "quickstart-python.md"
EXAMPLE = REPO_ROOT / "examples" / "python-agent" / "main.py"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)

pytestmark = pytest.mark.packaging

# Stands in for the example's dev_gateway.py (which starts the Node CLI): the same interface, served
# by the wheel's local gateway on loopback.
SHIM = """
import json, subprocess, sys
from contextlib import contextmanager


class DevGateway:
    def __init__(self, process, ready):
        self.process, self.url, self.tenant_id = process, ready["url"], ready["tenant_id"]
        self.keys, self.jwks_url = ready["keys"], ready["jwks_url"]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@contextmanager
def dev_gateway():
    process = subprocess.Popen([sys.executable, "-m", "actpass.local", "serve", "--port", "0", "--json"],
                               stdout=subprocess.PIPE, text=True)
    gateway = DevGateway(process, json.loads(process.stdout.readline()))
    try:
        yield gateway
    finally:
        gateway.stop()
"""


def without_node(path: str) -> str:
    kept = [d for d in path.split(os.pathsep) if d and not (Path(d) / "node").exists()]
    return os.pathsep.join(kept)


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, dict[str, str]]]:
    work = tmp_path_factory.mktemp("without-node")
    dist = work / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(PROJECT)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    (wheel,) = dist.glob("actpass-*.whl")
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"{wheel}[local]"],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    env = {**os.environ, "PATH": f"{env_dir / 'bin'}{os.pathsep}{without_node(os.environ.get('PATH', ''))}"}
    env.pop("PYTHONPATH", None)
    assert shutil.which("node", path=env["PATH"]) is None
    yield wheel, python, env


def serve(python: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], dict[str, object]]:
    process = subprocess.Popen(
        [str(python), "-m", "actpass.local", "serve", "--port", "0", "--json"],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert process.stdout is not None
    return process, json.loads(process.stdout.readline())


def test_the_wheel_carries_the_gateway_packs_byte_for_byte(
    wheel_env: tuple[Path, Path, dict[str, str]],
) -> None:
    wheel, _python, _env = wheel_env
    with zipfile.ZipFile(wheel) as archive:
        shipped = {
            Path(name).name: archive.read(name)
            for name in archive.namelist()
            if name.startswith("actpass/local/packs/")
        }
    source = {path.name: path.read_bytes() for path in GATEWAY_PACKS.glob("*.json")}
    assert shipped == source


def test_quickstart_runs_without_node(wheel_env: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    _wheel, python, env = wheel_env
    code, expected, previous = [], [], ""
    for lang, body in FENCE.findall(QUICKSTART.read_text(encoding="utf-8")):
        if lang == "python":
            code.append(body)
        elif lang == "text" and previous == "python":
            expected.append(body)
        previous = lang
    (tmp_path / "quickstart.py").write_text("\n\n".join(code), encoding="utf-8")
    process, ready = serve(python, env)
    try:
        keys = ready["keys"]
        assert isinstance(keys, dict)
        run_env = {**env, "ACTPASS_BASE_URL": str(ready["url"]), "ACTPASS_API_KEY": keys["agent"]}
        done = subprocess.run(
            [str(python), "quickstart.py"],
            capture_output=True,
            text=True,
            env=run_env,
            timeout=120,
            cwd=tmp_path,
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "".join(expected)


def test_example_agent_runs_without_node(
    wheel_env: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    _wheel, python, env = wheel_env
    shutil.copy(EXAMPLE, tmp_path / "main.py")
    (tmp_path / "dev_gateway.py").write_text(SHIM, encoding="utf-8")
    done = subprocess.run(
        [str(python), "main.py"], capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    found = re.findall(r"^  (\$\S+ .+?)\s+-> (\S+ \([^)]+\))(, refund sent)?$", out, re.MULTILINE)
    assert [(label.strip(), outcome, bool(sent)) for label, outcome, sent in found] == [
        ("$49.00 on ch_2001", "allow (refund.small_in_scope)", True),
        ("$250.00 on ch_2002", "require_approval (refund.medium_needs_approval)", False),
        ("$250.00 re-run with the approval", "allow (approval.granted)", True),
        ("$250.00 re-run again", "deny (approval.expired)", False),
        ("$900.00 on ch_2003", "deny (refund.large_denied)", False),
        ("$49.00 on ch_2001, spent passport", "deny (passport.replayed)", False),
        ("$49.00 on ch_3001", "allow (refund.small_in_scope)", True),
        ("$250.00 on ch_3002", "require_approval (refund.medium_needs_approval)", False),
        ("$900.00 on ch_3003", "deny (refund.large_denied)", False),
        ("$250.00 re-run with the approval", "allow (approval.granted)", True),
    ]
    assert "sk_test_example_not_a_real_key" not in out
