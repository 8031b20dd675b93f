"""Runs the ``python`` blocks of every Python page in docs/frameworks/ against ``actpass dev`` and
compares what each prints with the page's ``text`` block."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PAGES = HERE.parents[1] / "docs" / "frameworks"
sys.path.insert(0, str(HERE.parent / "python-agent"))  # the examples' loopback gateway helper

from dev_gateway import DevGateway, dev_gateway  # noqa: E402

FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def program(page: Path) -> tuple[str, str]:
    """The page's python blocks joined into one script, and the text blocks that follow them."""
    code: list[str] = []
    expected: list[str] = []
    previous = ""
    for lang, body in FENCE.findall(page.read_text(encoding="utf-8")):
        if lang == "python":
            code.append(body)
        elif lang == "text" and previous == "python":
            expected.append(body)
        previous = lang
    return "\n\n".join(code), "".join(expected)


PYTHON_PAGES = sorted(page for page in PAGES.glob("*.md") if program(page)[0])


@pytest.fixture(scope="module")
def gateway() -> Iterator[DevGateway]:
    with dev_gateway() as served:
        yield served


def test_a_page_per_python_adapter() -> None:
    assert [page.name for page in PYTHON_PAGES] == [
        "crewai.md",
        "langchain-python.md",
        "llamaindex.md",
        "mcp-python.md",
        "openai-agents-python.md",
        "pydantic-ai.md",
    ]


@pytest.mark.parametrize("page", PYTHON_PAGES, ids=lambda page: page.name)
def test_page_runs_as_written(page: Path, gateway: DevGateway, tmp_path: Path) -> None:
    if page.name in ("crewai.md", "llamaindex.md", "pydantic-ai.md") and sys.version_info < (3, 10):
        pytest.skip(f"{page.name}: the framework needs Python 3.10+")
    code, expected = program(page)
    assert "BLOCKED refund.large_denied" in expected
    script = tmp_path / "page.py"
    script.write_text(code, encoding="utf-8")
    env = {**os.environ, "ACTPASS_BASE_URL": gateway.url, "ACTPASS_API_KEY": gateway.keys["agent"]}
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=180, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected
