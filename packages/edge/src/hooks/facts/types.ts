/**
 * The facts the hook derives from a tool call, in `context.facts` of the preflight. Policies test them
 * with plain operators (there are no regular expressions in the policy language): booleans for the
 * rules the coding-agents pack ships, lists for rules a team adds (`commands` `contains` "terraform").
 * A boolean is present only when true, so a pack rule reads `== true`.
 */
export interface GitFact {
  subcommand: string;
  force: boolean;
  target_ref?: string;
}

export interface ToolFacts {
  /** Every command name the shell would run, wrappers included, after quote removal (`r''m` → `rm`). */
  commands?: string[];
  /** Something could not be reduced to known commands with literal arguments. */
  opaque?: boolean;
  /** Why the command line is opaque, in words (for the ledger and the person asked). */
  opaque_reasons?: string[];
  /** Every command only reads (no writes, deletes, network, execution of other code). */
  read_only?: boolean;
  /** Every command is on the hook's known-safe list with arguments it checked (read-only implies it). */
  known_safe?: boolean;
  /** Downloaded content reaches an interpreter (`curl … | sh`, `bash <(curl …)`, download then run). */
  pipe_to_interpreter?: boolean;
  /** Decoded content reaches an interpreter (`base64 -d | sh`, `xxd -r -p | bash`). */
  decode_to_interpreter?: boolean;
  force_push?: boolean;
  force_push_protected?: boolean;
  git?: GitFact;
  recursive_delete?: boolean;
  recursive_delete_paths?: string[];
  recursive_delete_outside_workspace?: boolean;
  /** Resolved paths the call writes (creates, changes, moves, removes). */
  writes?: string[];
  write_outside_workspace?: boolean;
  /** A secret file (.env, keys, cloud and package-registry credentials) is read. */
  secret_read?: boolean;
  reads_secret?: boolean;
  /** A secret file is written, anywhere (the workspace included). */
  secret_write?: boolean;
  writes_secret?: boolean;
  network_egress?: boolean;
  egress_hosts?: string[];
  /** A secret is read and network egress happens in the same call. */
  secret_egress?: boolean;
  /** A URL or host is internal: loopback, link-local/metadata, private, or the gateway itself. */
  internal_url?: boolean;
  internal_hosts?: string[];
  /** sudo, doas, su or pkexec appears. */
  privileged?: boolean;
}
