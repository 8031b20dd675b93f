"""Runs every ``python`` block of docs/quickstart-python.md, in page order, against ``actpass dev``
and compares what it prints with the page's ``text`` blocks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PAGE = HERE.parents[1] / "docs" / "quickstart-python.md"
sys.path.insert(0, str(HERE.parent / "python-agent"))  # the examples' loopback gateway helper

from dev_gateway import DevGateway, dev_gateway  # noqa: E402

FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks() -> list[tuple[str, str]]:
    return [(lang, body) for lang, body in FENCE.findall(PAGE.read_text(encoding="utf-8"))]


def program() -> tuple[str, str]:
    """The python blocks joined into one script, and the text blocks that follow them."""
    code: list[str] = []
    expected: list[str] = []
    previous = ""
    for lang, body in blocks():
        if lang == "python":
            code.append(body)
        elif lang == "text" and previous == "python":
            expected.append(body)
        previous = lang
    return "\n\n".join(code), "".join(expected)


@pytest.fixture(scope="module")
def gateway() -> Iterator[DevGateway]:
    with dev_gateway() as served:
        yield served


def test_page_has_python_blocks_with_output() -> None:
    code, expected = program()
    assert code.count("client.guard(") >= 2
    assert expected.count("\n") >= 5


def test_quickstart_runs_as_written(gateway: DevGateway, tmp_path: Path) -> None:
    code, expected = program()
    script = tmp_path / "quickstart.py"
    script.write_text(code, encoding="utf-8")
    # The reader's environment after step 2: the two variables `actpass dev` tells them to export.
    env = {**os.environ, "ACTPASS_BASE_URL": gateway.url, "ACTPASS_API_KEY": gateway.keys["agent"]}
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected
