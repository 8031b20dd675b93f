export const USAGE = `actpass: the ActPass gateway CLI

Usage:
  actpass dev [--host 127.0.0.1] [--port 8787] [--dir ./.actpass] [--database-url URL] [--json]
              [--log-format text|json] [--quiet] [--metrics-port N [--metrics-host H]] [--webhooks FILE]
              [--oidc-issuer URL --oidc-client-id ID --oidc-redirect-uri URL --oidc-approver-groups G,…]
      Serve a local gateway with dev keys, a file ledger and the refunds pack.
  actpass policy check FILE [--json]
      Validate a policy; report every problem and every rule that can never match.
  actpass policy test POLICY CASES [--json]
      Run decision cases ({"cases": [{name, input, expect}]}) against a policy.
  actpass policy simulate FILE [--since 24h] [--until TIME] [--limit 50] [--after-seq N] [SOURCE] [--json]
      What-if: re-run the recorded decisions' policy stage under a candidate policy; writes nothing.
  actpass ledger verify EXPORT --jwks FILE [--json]
      Verify a signed evidence export offline with a JWKS.
  actpass ledger tail [--limit 20] [--follow] [--type T] [--tool T] [--decision D] [--agent-id A] [SOURCE] [--json]
      Print the newest ledger events; --follow keeps printing new ones.
  actpass ledger show SEQ|EV_ID [SOURCE] [--json]
      Print one ledger event in full.
  actpass approvals list [--status pending|approved|denied|expired|used] [--all] [--limit N] [SOURCE] [--json]
      The approval requests (pending by default), with the action, reason and time left.
  actpass approvals show APR_ID [SOURCE] [--json]
      One approval request: the action, its args, the delegation, its status.
  actpass approvals approve APR_ID [--note TEXT] [SOURCE] [--json]
      Approve a pending request (another approver deciding first is a conflict).
  actpass approvals deny APR_ID [--note TEXT] [SOURCE] [--json]
      Deny a pending request.
  actpass suspend agent|user|tool|tenant [MATCH] --reason TEXT [--until TIME] [SOURCE] [--json]
      Kill switch: every later preflight of that agent, user, tool glob or the whole tenant is denied.
  actpass resume SUS_ID [SOURCE] [--json]
      End a suspension (the ledger records who suspended and who resumed).
  actpass suspensions [--all] [--limit N] [SOURCE] [--json]
      The suspensions in force (--all: resumed and expired ones too).
  actpass passports revoke JTI [--reason TEXT] [SOURCE] [--json]
      Withdraw a passport (admin key): every later preflight presenting it is denied passport.revoked.
  actpass report rollout [--since 24h] [--until TIME] [--bucket minute|hour|day] [--top 10] [SOURCE] [--json]
      What enforce would have answered for the window's decisions, over time, and what it would block.
  actpass tools lock FILE [--out actpass.lock] [--json]
      Pin the hash of every tool in a listing (array or MCP tools/list result).
  actpass tools check FILE [--lock actpass.lock] [--json]
      Fail when a tool drifted from the lock, or was added or removed.
  actpass exposure [FILE ...] [--rules FILE] [--proxy-url URL] [--baseline FILE] [--write-baseline FILE] [--list-tools] [--json]
      Inventory every tool surface in agents.json and MCP client configs; report the lethal trifecta,
      red+blue mixes and every surface that does not go through ActPass. Reads only; starts
      nothing unless --list-tools asks each MCP server for its tools.
  actpass proxy --config proxy.yaml [--host H] [--port N] [--check] [--json]
      Serve the enforcing REST proxy; the proxy key comes from ACTPASS_PROXY_KEY. --check validates only.
  actpass mcp serve --config mcp-proxy.yaml [--http [--host H] [--port N]]
      Serve the enforcing MCP proxy over stdio (acting for ACTPASS_API_KEY) or Streamable HTTP.
  actpass mcp wrap MCP_JSON [--write] [--proxy-config FILE]
      Route every server of a Claude Desktop / Cursor config through the proxy (prints a diff unless --write).
  actpass hook claude-code [--mode enforce|monitor] [--deadline-ms N] [--goal G]
      Claude Code PreToolUse hook: payload on stdin, decision JSON on stdout, always exit 0 (see docs/proxy.md).
  actpass hook cursor [--mode enforce|monitor] [--deadline-ms N] [--goal G]
      The same decision for Cursor's hooks (shell, MCP, file reads): answer JSON on stdout (see docs/hooks.md).
  actpass hook gemini [--mode enforce|monitor] [--deadline-ms N] [--goal G]
      The same decision for Gemini CLI's BeforeTool hook: answer JSON on stdout (see docs/hooks.md).
  actpass egress check --config proxy.yaml [--mcp-config mcp-proxy.yaml] [--proxy URL] [--timeout-ms N] [--json]
      Run where the agent runs: every upstream must be unreachable directly and the proxy reachable.
      Exit 1 names each route around the proxy (see docs/operations.md).
  actpass webhooks list [--json]
      The webhook endpoints (URLs shortened, secrets never shown).
  actpass webhooks deliveries [--status pending|delivered|dead] [--webhook ID] [--limit N] [--json]
      Recent webhook deliveries, newest first, with attempts and the last error.
  actpass webhooks retry WHD_ID [--json]
      Send a dead (or delivered) delivery again, with the same webhook-id.
  actpass help | --help | --version

SOURCE is a served gateway (ACTPASS_BASE_URL, ACTPASS_API_KEY with the role the command needs) or
--dir DIR [--tenant ID]: the state directory of a stopped \`actpass dev\`, opened with its dev keys.
TIME is RFC 3339 (2026-11-23T00:00:00Z) or a span back from now (30m, 24h, 7d).
Every command answers --help with its flags and an example. Under --json an error is one JSON object,
{"error": {"code", "message", ...}}, on stdout.

Exit codes: 0 ok, 1 the check found problems, 2 usage error (bad flag, missing or unreadable file).`;
