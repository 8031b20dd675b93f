"""Validates CycloneDX JSON files against CycloneDX's own schema (cyclonedx-python-lib, strict mode).

Usage: python scripts/validate-sbom.py FILE...   Exit 1 naming the file and the schema error, else 0.
Also refuses an SBOM that names a local file path (a build machine's checkout is not a release fact)
or lists pip/setuptools/wheel, which are build tools, not dependencies of what ships.
"""

import json
import sys

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

BUILD_TOOLS = {"pip", "setuptools", "wheel"}


def problems_of(path: str) -> list[str]:
    text = open(path, encoding="utf-8").read()
    document = json.loads(text)
    version = SchemaVersion.from_version(document.get("specVersion", ""))
    problems = []
    error = JsonStrictValidator(version).validate_str(text)
    if error is not None:
        problems.append(f"not valid CycloneDX {version.to_version()}: {error}")
    if "file://" in text:
        problems.append("names a local file path (file://)")
    listed = {component.get("name") for component in document.get("components", [])}
    for tool in sorted(BUILD_TOOLS & listed):
        problems.append(f"lists the build tool {tool}, which is not a dependency")
    return problems


def main(paths: list[str]) -> int:
    failed = False
    for path in paths:
        problems = problems_of(path)
        for problem in problems:
            print(f"{path}: {problem}", file=sys.stderr)
        if problems:
            failed = True
        else:
            print(f"{path}: valid CycloneDX")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
