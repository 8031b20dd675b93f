"""Helpers of scripts/check-chart.sh, reading `helm template` output (run with the chart venv's Python).

  split FILE DIR   writes each manifest to DIR/<kind>-<name>.yaml, so a schema failure names it
  promises FILE    fails unless the chart keeps what docs/operations.md says it does
"""

import os
import re
import sys

import yaml


def manifests(path):
    with open(path, encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if isinstance(doc, dict)]


def split(path, directory):
    os.makedirs(directory, exist_ok=True)
    for manifest in manifests(path):
        name = f"{manifest['kind']}-{manifest['metadata']['name']}.yaml".lower()
        with open(os.path.join(directory, name), "w", encoding="utf-8") as handle:
            yaml.safe_dump(manifest, handle)


def promises(path):
    problems = []
    docs = manifests(path)
    for deployment in (m for m in docs if m["kind"] == "Deployment"):
        where = f"Deployment/{deployment['metadata']['name']}"
        pod = deployment["spec"]["template"]["spec"]
        if pod.get("automountServiceAccountToken") is not False:
            problems.append(f"{where}: mounts a service account token")
        for container in pod["containers"]:
            security = container.get("securityContext", {})
            label = f"{where} {container['name']}"
            if security.get("runAsNonRoot") is not True:
                problems.append(f"{label}: may run as root")
            if security.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{label}: root filesystem is writable")
            if security.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{label}: may escalate privileges")
            if "readinessProbe" not in container or "livenessProbe" not in container:
                problems.append(f"{label}: lacks a probe")
            for env in container.get("env", []):
                secretish = re.search(r"KEY|URL|SECRET|PASSWORD", env["name"])
                if secretish and "value" in env and not env["name"].startswith("ACTPASS_PG_"):
                    problems.append(f"{label}: {env['name']} is a literal value, not from a Secret")
    egress = [
        m
        for m in docs
        if m["kind"] == "NetworkPolicy"
        and "Egress" in m["spec"].get("policyTypes", [])
        and m["metadata"].get("namespace")
    ]
    if not egress:
        problems.append("no egress NetworkPolicy for the agents' namespace")
    for policy in egress:
        ports = [p["port"] for rule in policy["spec"]["egress"] for p in rule.get("ports", [])]
        if any(port not in (53, 8788, 8789) for port in ports) or not ports:
            problems.append(f"agents' egress allows more than DNS and the proxies: {ports}")
    for problem in problems:
        print(f"check-chart: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    job, *args = sys.argv[1:]
    if job == "split":
        split(*args)
    elif job == "promises":
        sys.exit(promises(*args))
    else:
        sys.exit("usage: check_chart.py split FILE DIR | promises FILE")
