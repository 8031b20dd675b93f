export const USAGE = `actpass: the ActPass gateway CLI

Usage:
  actpass dev [--host 127.0.0.1] [--port 8787] [--dir ./.actpass] [--database-url URL] [--json]
      Serve a local gateway with dev keys, a file ledger and the refunds pack.
  actpass policy check FILE
      Validate a policy; report every problem and every rule that can never match.
  actpass policy test POLICY CASES
      Run decision cases ({"cases": [{name, input, expect}]}) against a policy.
  actpass ledger verify EXPORT --jwks FILE
      Verify a signed evidence export offline with a JWKS.
  actpass tools lock FILE [--out actpass.lock]
      Pin the hash of every tool in a listing (array or MCP tools/list result).
  actpass tools check FILE [--lock actpass.lock]
      Fail when a tool drifted from the lock, or was added or removed.
  actpass exposure [FILE ...] [--rules FILE] [--proxy-url URL] [--baseline FILE] [--write-baseline FILE] [--list-tools] [--json]
      Inventory every tool surface in agents.json and MCP client configs; report the lethal trifecta,
      red+blue mixes and every surface that does not go through ActPass. Reads only; starts
      nothing unless --list-tools asks each MCP server for its tools.
      red+blue mixes and every surface that does not go through ActPass. Reads only; starts nothing.
  actpass proxy --config proxy.yaml [--host H] [--port N] [--check] [--json]
      Serve the enforcing REST proxy; the proxy key comes from ACTPASS_PROXY_KEY. --check validates only.
  actpass help | --help | --version

Exit codes: 0 ok, 1 the check found problems, 2 usage error (bad flag, missing or unreadable file).`;
