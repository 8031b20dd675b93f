"""The Python API reference (``scripts/gen_api_docs.py``, pdoc) documents the public surface, the
resource classes included, and has no dead link, both freshly generated and as committed in
``docs/api-python``. Skipped only when pdoc is not installed (``pip install -e '.[dev]'`` brings it)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "python" / "scripts" / "gen_api_docs.py"
COMMITTED = ROOT / "docs" / "api-python"


def _dead_links(folder: Path) -> list[str]:
    dead = []
    for page in folder.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        anchors = set(re.findall(r'id="([^"]+)"', text))
        for href in re.findall(r'href="([^"]+)"', text):
            if href.startswith(("http://", "https://", "mailto:")):
                continue
            target, _, anchor = href.partition("#")
            file = (page.parent / target).resolve() if target else page
            if not file.exists() or (anchor and not target and anchor not in anchors):
                dead.append(f"{page.relative_to(folder)} -> {href}")
    return dead


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("pdoc", reason="pdoc is not installed (pip install -e 'python[dev]')")
    out = tmp_path_factory.mktemp("api-python")
    run = subprocess.run(
        [sys.executable, "-W", "error::UserWarning", str(SCRIPT), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr  # a type pdoc cannot resolve is a warning, made an error here
    return out


def test_the_generated_reference_has_no_dead_link(generated: Path) -> None:
    assert _dead_links(generated) == []


def test_the_committed_reference_has_no_dead_link() -> None:
    assert (COMMITTED / "actpass.html").exists(), "run python/scripts/gen_api_docs.py"
    assert _dead_links(COMMITTED) == []


def test_it_documents_the_public_surface_and_nothing_private(generated: Path) -> None:
    pages = {str(p.relative_to(generated)) for p in generated.rglob("*.html")}
    assert {"actpass.html", "actpass/resources.html", "actpass/adapters.html"} <= pages
    assert not [p for p in pages if "/_" in p or p.startswith("_")]
    main = (generated / "actpass.html").read_text(encoding="utf-8")
    for name in ("ActPassClient", "AsyncActPassClient", "is_client_decision", "ClientDecision", "APIError"):
        assert f'id="{name}"' in main, name
    assert "Why the agent acts" in main  # preflight's argument documentation
    resources = (generated / "actpass" / "resources.html").read_text(encoding="utf-8")
    for name in ("Approvals", "AsyncApprovals", "Tools", "Credentials", "Evidence", "Policy", "Reports"):
        assert f'id="{name}"' in resources, name
    assert 'id="Approvals.wait_for"' in resources
