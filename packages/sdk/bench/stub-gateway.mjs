// A stand-in gateway for the client benchmarks, run in its own process so the client's and the
// server's work do not share one event loop: it answers a canned `allow` to every preflight and a
// canned event to every evidence POST, and prints its URL on the first line of stdout.
import { createServer } from 'node:http';

const DECISION = JSON.stringify({
  decision: 'allow',
  reason_code: 'refund.small_in_scope',
  risk_tier: 'low',
  mode: 'enforce',
  enforced: true,
  source: 'gateway',
  explain: { summary: 'Refunds up to $100.00 are allowed.', matched_rules: ['refund-small'], next_steps: [] },
  evidence_event_id: 'ev_01J9Z8Q4M5N6P7R8S9T0V1W2X3',
  action_hash: '9f2c1d0b7a6e5f4c3b2a19080706050403020100ffeeddccbbaa998877665544',
  policy: {
    id: 'refunds',
    version: 1,
    hash: '3b1f0e2d4c5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
  },
  request_id: 'req_bench',
  decided_at: '2026-11-23T18:00:00.000Z',
});
const EVENT = JSON.stringify({
  v: 1,
  seq: 2,
  id: 'ev_01J9Z8Q4M5N6P7R8S9T0V1W2X4',
  tenant_id: 'acme',
  type: 'action.outcome',
  at: '2026-11-23T18:00:00.000Z',
  data: {},
  prev_hash: '0'.repeat(64),
  hash: 'c'.repeat(64),
});

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const evidence = req.url?.endsWith('/evidence');
    res.writeHead(evidence ? 201 : 200, { 'content-type': 'application/json', 'x-request-id': 'req_bench' });
    res.end(evidence ? EVENT : DECISION);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
