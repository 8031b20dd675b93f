// Drives Cedar's wasm bindings for bench/report (not a test; not shipped), in a Node process of its own,
// started with --no-turbo-inlining: without it, Node 20.20 aborted inside V8's deoptimizer ("unreachable
// code" in a builtin continuation) whenever a hot loop over the bindings followed a first pass, in this
// process or in the report's own; the flag costs the bindings nothing measurable here (their time is in
// wasm). argv: the bindings' nodejs entry, a JSON file {policies, requests: [{tool, context}]}.
// stdin commands, one per line; each answer is one JSON line on stdout:
//   answers <mode>         -> {"answers": [[decision, [determining policy ids]], ...], "version": "..."}
//   rate <mode> <millis>   -> {"rate": decisions per CPU-second of this process}
// <mode> is "preparsed" (preparsePolicySet once, statefulIsAuthorized per call) or "per-call"
// (isAuthorized with the policy text on every call).
const { readFileSync } = require('node:fs');
const { createInterface } = require('node:readline');

const cedar = require(process.argv[2]);
const spec = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const policies = { staticPolicies: spec.policies };
const parsed = cedar.preparsePolicySet('refunds', policies);
if (parsed.type !== 'success') {
  console.log(JSON.stringify({ error: `Cedar rejected the policy: ${JSON.stringify(parsed.errors)}` }));
  process.exit(1);
}
const principal = { type: 'Agent', id: 'bench_agent' };
const action = { type: 'Action', id: 'preflight' };

function authorize(mode, request) {
  const call = { principal, action, resource: { type: 'Tool', id: request.tool }, context: request.context };
  return mode === 'preparsed'
    ? cedar.statefulIsAuthorized({ ...call, preparsedPolicySetId: 'refunds', entities: [] })
    : cedar.isAuthorized({ ...call, policies, entities: [] });
}

function answer(mode, request) {
  const result = authorize(mode, request);
  if (result.type !== 'success') return ['error', [JSON.stringify(result.errors).slice(0, 80)]];
  return [result.response.decision, result.response.diagnostics.reason];
}

function rate(mode, millis) {
  const deadline = performance.now() + millis;
  const cpu = process.cpuUsage();
  let count = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 50; i++) answer(mode, spec.requests[count++ % spec.requests.length]);
  }
  const used = process.cpuUsage(cpu);
  return count / ((used.user + used.system) / 1e6);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, mode, millis] = line.trim().split(/\s+/);
  if (command === 'answers')
    console.log(
      JSON.stringify({
        answers: spec.requests.map((r) => answer(mode, r)),
        version: cedar.getCedarVersion(),
      }),
    );
  else if (command === 'rate') console.log(JSON.stringify({ rate: rate(mode, Number(millis)) }));
  else console.log(JSON.stringify({ error: `unknown command ${JSON.stringify(line)}` }));
});
