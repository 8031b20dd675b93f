"""Drives the Agent Governance Toolkit's policy evaluator for bench/report (not a test; not shipped).

argv: a JSON file holding {"document": <PolicyDocument>, "contexts": [<context>, ...]}.
stdin commands, one per line; each answer is one JSON line on stdout:
  answers       -> {"answers": [[action, reason], ...], "version": "..."}
  rate <millis> -> {"rate": decisions per CPU-second of this process over about <millis> ms}
"""

from __future__ import annotations

import importlib.metadata
import json
import sys
import time
import warnings

warnings.simplefilter("ignore")  # the toolkit warns about its own package names on import

from agent_os.policies.evaluator import PolicyEvaluator  # noqa: E402
from agent_os.policies.schema import PolicyDocument  # noqa: E402


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    evaluator = PolicyEvaluator(policies=[PolicyDocument.model_validate(spec["document"])])
    contexts = spec["contexts"]
    for line in sys.stdin:
        command = line.split()
        if command[:1] == ["answers"]:
            answers = []
            for context in contexts:
                decision = evaluator.evaluate(dict(context))
                answers.append([decision.action, decision.reason])
            version = importlib.metadata.version("agent-governance-toolkit-core")
            print(json.dumps({"answers": answers, "version": version}), flush=True)
        elif command[:1] == ["rate"]:
            deadline = time.perf_counter() + int(command[1]) / 1000
            count, cpu = 0, time.process_time()
            while time.perf_counter() < deadline:
                for context in contexts[count % len(contexts) : count % len(contexts) + 50]:
                    evaluator.evaluate(dict(context))
                    count += 1
            print(json.dumps({"rate": count / (time.process_time() - cpu)}), flush=True)
        else:
            print(json.dumps({"error": f"unknown command {line.strip()!r}"}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
