"""The built wheel installs into a fresh venv and imports (``-m "not packaging"`` to deselect)."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


@pytest.mark.packaging
def test_wheel_builds_installs_and_imports(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(PROJECT)],
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    (wheel,) = dist.glob("actpass-0.1.0-py3-none-any.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    # The registry provides httpx, cryptography and typing_extensions; the wheel itself comes from disk.
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    code = (
        "import actpass, importlib.resources as r;"
        "assert actpass.__version__ == '0.1.0';"
        "assert r.files('actpass').joinpath('py.typed').is_file();"
        "actpass.ActPassClient('k').close();"
        "print(sorted(actpass.__all__)[:3])"
    )
    out = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True, timeout=60)
    assert "APIConnectionError" in out.stdout
    cli = subprocess.run([str(python), "-m", "actpass", "--help"], capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0 and "verify-export" in cli.stdout
