# Generated from packages/contract/openapi.yaml by python/scripts/gen_types.py (datamodel-code-generator). Do not edit: run `pnpm gen`.

from __future__ import annotations

from typing import Any, Literal
from typing_extensions import TypeAlias

from typing_extensions import NotRequired, TypedDict

DecisionValue: TypeAlias = Literal['allow', 'deny', 'require_approval', 'require_tool_reapproval', 'warn']


Mode: TypeAlias = Literal['enforce', 'monitor', 'warn', 'strict']
"""
`enforce` (default): the real decision. `strict`: as enforce, a passport is required and an
unregistered tool is `require_tool_reapproval`. `warn`: `warn` in place of any non-allow (the
real one in `would_decision`). `monitor`: the real decision with `enforced: false`.

"""


RiskTier: TypeAlias = Literal['low', 'medium', 'high', 'critical']


ReasonCode: TypeAlias = str
"""
A dotted, lower-case reason. Policy rules choose their own (for example
`refund.small_in_scope`); the fixed ones are listed in `FixedReasonCode`.

"""


FixedReasonCode: TypeAlias = Literal['policy.no_match', 'passport.missing', 'passport.malformed', 'passport.bad_signature', 'passport.unknown_key', 'passport.wrong_issuer', 'passport.wrong_audience', 'passport.tenant_mismatch', 'passport.not_yet_valid', 'passport.expired', 'passport.revoked', 'passport.replayed', 'passport.tool_not_allowed', 'passport.resource_not_allowed', 'passport.constraint_violated', 'passport.goal_mismatch', 'passport.user_mismatch', 'tool.drifted', 'tool.unregistered', 'tool.suspicious', 'approval.pending', 'approval.granted', 'approval.denied', 'approval.expired', 'approval.mismatch', 'suspended.agent', 'suspended.user', 'suspended.tool', 'suspended.tenant', 'auth.missing_key', 'auth.invalid_key', 'auth.forbidden', 'auth.tenant_mismatch', 'auth.oidc_not_configured', 'auth.oidc_unavailable', 'auth.oidc_state_mismatch', 'auth.oidc_provider_error', 'auth.oidc_code_rejected', 'auth.oidc_token_invalid', 'auth.oidc_no_role', 'auth.session_missing', 'auth.session_origin', 'request.invalid', 'request.idempotency_conflict', 'request.not_found', 'vault.no_key', 'webhook.configured', 'webhook.delivery_pending', 'server.unavailable', 'server.internal', 'client.unreachable', 'client.timeout', 'client.http_error', 'client.invalid_response', 'client.misconfigured']
"""
The reason codes ActPass itself assigns. `client.*` codes are made by the SDKs when they cannot
get a valid decision (they never come from the gateway). `request.not_found`,
`server.unavailable`, `server.internal`, `webhook.*`, `auth.oidc_*` and `auth.session_*` are error codes only.

"""


Sha256Hex: TypeAlias = str


Timestamp: TypeAlias = str


ToolNameString: TypeAlias = str
"""
Dot-separated segments of letters, digits, `_` and `-` (`stripe.refund.create`): no empty
segment, no leading or trailing dot, no `:` or `/`, so no name can pass for a path or another
tool's glob. The gateway checks names with this very pattern.

"""


class JsonObject(TypedDict):
    pass


MatchedRule: TypeAlias = str


NextStep: TypeAlias = str


class Explain(TypedDict):
    summary: str
    matched_rules: list[MatchedRule]
    next_steps: list[NextStep]


class PolicyRef(TypedDict):
    id: str
    version: int
    hash: Sha256Hex


class CredentialLease(TypedDict):
    name: str
    value: str
    expires_at: Timestamp


class Decision(TypedDict):
    decision: DecisionValue
    reason_code: ReasonCode
    risk_tier: RiskTier
    mode: Mode
    enforced: bool
    """
    False only in `monitor`.
    """
    source: Literal['gateway']
    """
    Who made the decision. The SDKs' own fail-closed decisions say `client`.
    """
    would_decision: NotRequired[DecisionValue]
    explain: Explain
    evidence_event_id: str
    approval_request_id: NotRequired[str]
    action_hash: Sha256Hex
    policy: PolicyRef
    credential: NotRequired[CredentialLease]
    request_id: str
    decided_at: Timestamp


class CanonicalAction(TypedDict):
    tenant_id: str
    agent_id: str | None
    user_id: str | None
    goal: str
    tool: str
    resource: str | None
    args: JsonObject


AllowedTool: TypeAlias = str


AllowedResource: TypeAlias = str


class IssuePassportRequest(TypedDict, closed=True):
    audience: str
    """
    Who will present the passport, e.g. the service or sub-agent it is handed to; verifying checks it when given.
    """
    goal: str
    """
    The goal the passport is for, e.g. `resolve_refund_request`; a preflight presenting it must state the same goal.
    """
    allowed_tools: list[AllowedTool]
    """
    Exact names or globs where `*` matches any run of characters.
    """
    allowed_resources: NotRequired[list[AllowedResource]]
    """
    Resources or resource globs (`*` within a `:`/`/` segment, `**` across them) the actions may touch; omitted, any resource.
    """
    resource_constraints: NotRequired[dict[str, Any]]
    """
    `max_<field>` / `min_<field>` bound a numeric arg; any other key must equal the arg (an array means one of).
    """
    risk_tier: NotRequired[RiskTier]
    """
    The risk the issuer accepts for the delegated actions, recorded in the claims.
    """
    agent_id: NotRequired[str]
    """
    The agent the passport is issued to; it is recorded in the claims.
    """
    user_id: NotRequired[str]
    """
    The person on whose behalf the agent acts; it is recorded in the claims.
    """
    tenant_id: NotRequired[str]
    """
    A hint only.
    """
    action_hash: NotRequired[Sha256Hex]
    """
    Binds the passport to one exact action (the hash a decision reports as `action_hash`).
    """
    ttl_seconds: NotRequired[int]
    """
    Default 300; clamped to [1, 3600].
    """


class PassportClaims(TypedDict):
    iss: str
    aud: str
    tenant_id: str
    agent_id: str | None
    user_id: str | None
    goal: str
    allowed_tools: list[AllowedTool]
    allowed_resources: list[AllowedResource]
    resource_constraints: JsonObject
    risk_tier: RiskTier
    approval_hash: Sha256Hex | None
    action_hash: NotRequired[Sha256Hex]
    iat: int
    nbf: int
    exp: int
    jti: str


class IssuedPassport(TypedDict):
    token: str
    jti: str
    expires_at: Timestamp
    claims: PassportClaims


class VerifyPassportRequest(TypedDict, closed=True):
    token: str
    audience: NotRequired[str]
    """
    When given, the token's `aud` must equal it.
    """
    tool: NotRequired[ToolNameString]
    resource: NotRequired[str]
    args: NotRequired[JsonObject]
    tenant_id: NotRequired[str]
    """
    A hint only.
    """


class PassportVerification(TypedDict):
    valid: bool
    reason_code: NotRequired[ReasonCode]
    message: NotRequired[str]
    claims: NotRequired[PassportClaims]


class RevokePassportRequest(TypedDict, closed=True):
    reason: str


class PassportRevocation(TypedDict):
    jti: str
    revoked: bool
    reason: str
    revoked_at: Timestamp


SuspensionScope: TypeAlias = Literal['agent', 'user', 'tool', 'tenant']
"""
What a suspension stops, matched against each preflight's agent id, user id, tool or tenant.
"""


class CreateSuspensionRequest(TypedDict, closed=True):
    scope: SuspensionScope
    match: NotRequired[str]
    """
    Required for `agent` and `user` (the exact id) and `tool` (a tool name or glob, `*` per
    segment and `**`, e.g. `stripe.refund.*`). For `tenant` leave it out (or give `*`): the
    tenant is the key's.

    """
    reason: str
    """
    Why, for the ledger and the people reading it. Control and bidi-override characters are rejected.
    """
    until: NotRequired[Timestamp]
    """
    When it ends by itself (in the future). Without it, it lasts until resumed.
    """


SuspensionStatus: TypeAlias = Literal['active', 'resumed', 'expired']


class Suspension(TypedDict):
    id: str
    scope: SuspensionScope
    match: str
    """
    The agent id, user id or tool glob; `*` for the tenant.
    """
    reason: str
    status: SuspensionStatus
    created_at: Timestamp
    created_by: str
    """
    The id of the admin key that suspended.
    """
    until: NotRequired[Timestamp]
    resumed_at: NotRequired[Timestamp]
    resumed_by: NotRequired[str]
    """
    The id of the admin key that resumed.
    """


class SuspensionList(TypedDict):
    items: list[Suspension]


ApprovalStatus: TypeAlias = Literal['pending', 'approved', 'denied', 'expired', 'used']


class ApprovalDelegation(TypedDict):
    jti: str
    goal: str
    user_id: str | None
    agent_id: str | None
    expires_at: Timestamp
    status: Literal['active', 'expired', 'revoked']
    """
    `revoked` blocks the release; `expired` is shown but does not.
    """


class ApprovalDecisionRequest(TypedDict, closed=True):
    note: NotRequired[str]


class PiggybackedOutcome(TypedDict):
    decision_event_id: str
    """
    The id (`evidence_event_id`) of the decision this is the outcome of.
    """


class RecordEvidenceRequest(TypedDict, closed=True):
    type: str
    """
    Free-form, except the gateway's namespaces (`decision`, `approval`, `passport`, `credential`, `tool`, `policy`, `keyset`, `ledger`, `evidence`, `action`, alone or followed by a dot); `action.outcome` (the outcome record of the SDKs and the proxy) is the one exception. `data` may not carry `written_by`, which the gateway records from the API key.
    """
    data: JsonObject


class EvidenceEvent(TypedDict):
    v: Literal[1]
    seq: int
    id: str
    tenant_id: str
    type: str
    at: Timestamp
    data: JsonObject
    prev_hash: Sha256Hex
    hash: Sha256Hex


class EvidencePage(TypedDict):
    events: list[EvidenceEvent]
    next_after_seq: int | None
    """
    Pass as `after_seq` for the next page; null at the end.
    """


class ChainHead(TypedDict):
    seq: int
    hash: Sha256Hex


class ChainVerification(TypedDict):
    ok: bool
    count: int
    head: ChainHead | None
    first_broken_seq: NotRequired[int]
    reason: NotRequired[str]


class ExportSignature(TypedDict):
    alg: Literal['EdDSA', 'Ed25519']
    kid: str
    sig: str
    """
    base64url Ed25519 signature over the canonical form of the export without `signature`.
    """


class EvidenceExport(TypedDict):
    format: Literal['actpass.evidence-export/v1']
    tenant_id: str
    events: list[EvidenceEvent]
    head: ChainHead
    exported_at: Timestamp
    signature: ExportSignature


class ToolDefinition(TypedDict, closed=True):
    name: ToolNameString
    description: str
    input_schema: JsonObject
    output_schema: NotRequired[JsonObject]
    annotations: NotRequired[JsonObject]


class ToolApproval(TypedDict, closed=True):
    name: ToolNameString
    description: str
    input_schema: JsonObject
    output_schema: NotRequired[JsonObject]
    annotations: NotRequired[JsonObject]
    acknowledge_findings: NotRequired[bool]
    """
    Approve even though the inspection found something `high`; needed for such a definition.
    """


class ToolFinding(TypedDict):
    code: Literal['hidden.tag_chars', 'hidden.zero_width', 'hidden.bidi', 'name.confusable', 'text.instruction_marker', 'text.secret_reference', 'text.cross_tool_reference', 'text.oversized']
    severity: Literal['high', 'medium', 'low']
    field: str
    """
    Where in the definition, e.g. `description` or `input_schema.properties.path.description`.
    """
    excerpt: str
    decoded: str
    """
    What a reader would not see, e.g. the ASCII that tag characters spell.
    """


class ApprovedTool(TypedDict):
    name: str
    hash: Sha256Hex
    definition: ToolDefinition
    approved_at: Timestamp
    findings: NotRequired[list[ToolFinding]]
    """
    What the inspection of the definition found (see ToolFinding).
    """
    findings_acknowledged: NotRequired[bool]
    """
    True when the approval was given with `acknowledge_findings` over a `high` finding.
    """


class ToolList(TypedDict):
    items: list[ApprovedTool]


BoundTool: TypeAlias = str


CredentialDelivery: TypeAlias = Literal['sdk', 'proxy']
"""
Who receives the secret on an `allow`. `sdk`: the decision carries a lease for the agent's
`execute`. `proxy`: never leased to an agent key; only the enforcing proxy (a `proxy`-role key
acting for the agent) receives it and injects it upstream.

"""


class CredentialMetadata(TypedDict):
    name: str
    bound_tools: list[BoundTool]
    delivery: NotRequired[CredentialDelivery]
    version: int
    lease_ttl_seconds: int
    created_at: Timestamp
    updated_at: Timestamp


class CredentialList(TypedDict):
    items: list[CredentialMetadata]


class CredentialDeletion(TypedDict):
    name: str
    deleted: bool


ConditionOperator: TypeAlias = Literal['==', '!=', '>', '>=', '<', '<=', 'in', 'not_in', 'contains', 'starts_with', 'ends_with', 'glob', 'exists', 'missing', 'type', 'path_within']


class Condition(TypedDict, closed=True):
    path: str
    """
    Dotted, rooted at tool, resource, goal, agent_id, user_id, mode, args, context or passport.
    """
    operator: ConditionOperator
    value: NotRequired[Any]
    """
    Any JSON value; numbers must be safe integers. Not used by `exists` and `missing`.
    """


class Rate(TypedDict, closed=True):
    max: int
    window_seconds: int


class Budget(TypedDict, closed=True):
    arg: str
    """
    The argument to sum, e.g. `args.amount`.
    """
    max: int
    window_seconds: int


class PolicyLimit(TypedDict, closed=True):
    rate: NotRequired[Rate]
    budget: NotRequired[Budget]
    per: NotRequired[list[Literal['agent_id', 'user_id', 'tool']]]


class PolicyDefault(TypedDict, closed=True):
    decision: DecisionValue
    reason: ReasonCode
    risk_tier: NotRequired[RiskTier]


Role: TypeAlias = Literal['agent', 'approver', 'admin', 'proxy']


class Item(TypedDict, closed=True):
    id: Literal['oidc']
    name: str
    """
    The provider's name as configured, for "Sign in with <name>".
    """
    login_url: str
    """
    Where a browser starts the sign-in (a path on this gateway).
    """


class SignInProviders(TypedDict, closed=True):
    items: list[Item]


class SignInRedirect(TypedDict, closed=True):
    location: str


class User(TypedDict, closed=True):
    iss: str
    sub: str
    name: str | None
    """
    For display only, as the provider sent it (text, never markup).
    """


class ClaimedSession(TypedDict, closed=True):
    token: str
    """
    The session token, sent as a bearer token like an API key; held by the console's tab only.
    """
    expires_at: Timestamp
    tenant_id: str
    key_id: str
    """
    The person's stable, non-secret id here (`oidc_` and a digest of issuer and subject); shown as `decided_by`.
    """
    roles: list[Role]
    user: User
    """
    Who the provider says signed in; the ledger records `iss` and `sub` as `written_by.actor` on everything they do.
    """


class SignedOut(TypedDict, closed=True):
    signed_out: bool
    """
    True when the session was live until now.
    """


class WhoAmI(TypedDict, closed=True):
    tenant_id: str
    key_id: str
    """
    The key's stable, non-secret id (never the key).
    """
    roles: list[Role]
    agent_id: NotRequired[str]
    """
    Present when the key is bound to one agent.
    """


ReportBucket: TypeAlias = Literal['minute', 'hour', 'day']


class DecisionCounts(TypedDict, closed=True):
    allow: int
    deny: int
    require_approval: int
    require_tool_reapproval: int
    warn: int


class Window(TypedDict, closed=True):
    since: Timestamp
    until: Timestamp
    bucket: ReportBucket


class Totals(TypedDict, closed=True):
    decisions: int
    would_block: int
    """
    Decisions whose enforce answer is `deny`, `require_approval` or `require_tool_reapproval`.
    """
    observed: int
    """
    Decisions made in `monitor` or `warn` mode.
    """
    observed_would_block: int
    """
    Monitor and warn decisions that `enforce` would block — what switching would change.
    """


class RolloutCount(TypedDict, closed=True):
    tool: str
    reason_code: str
    mode: Mode
    decision: DecisionValue
    enforce_decision: DecisionValue
    count: int


class RolloutBucket(TypedDict, closed=True):
    start: Timestamp
    total: int
    would_block: int
    by_enforce_decision: DecisionCounts


class WouldBlockAction(TypedDict, closed=True):
    tool: str
    resource: str | None
    reason_code: str
    enforce_decision: DecisionValue
    count: int
    last_at: Timestamp
    last_event_id: str


class SimulatedOutcome(TypedDict, closed=True):
    decision: DecisionValue
    reason_code: str
    risk_tier: NotRequired[RiskTier]
    matched_rules: list[MatchedRule]


class SimulatedChange(TypedDict, closed=True):
    seq: int
    event_id: str
    at: Timestamp
    mode: Mode
    action_hash: Sha256Hex
    action: JsonObject
    recorded: SimulatedOutcome
    """
    What enforce answered, or would have answered, when the decision was recorded.
    """
    simulated: SimulatedOutcome
    """
    What the candidate policy answers.
    """


DecisionTransition = TypedDict(
    'DecisionTransition',
    {
        'from': DecisionValue,
        'to': DecisionValue,
        'count': int,
    },
    closed=True,
)


class Window1(TypedDict, closed=True):
    since: Timestamp
    until: Timestamp


class Summary(TypedDict, closed=True):
    decisions: int
    """
    Recorded decisions in the window.
    """
    evaluated: int
    """
    Decisions whose policy stage was re-run.
    """
    held: int
    """
    Decisions settled before the policy (passport, approval, tool drift, vault); kept as recorded.
    """
    unchanged: int
    changed: int
    transitions: list[DecisionTransition]
    """
    Changed decisions by recorded → simulated answer, most frequent first.
    """


class PolicySimulation(TypedDict, closed=True):
    window: Window1
    candidate: PolicyRef
    summary: Summary
    changes: list[SimulatedChange]
    next_after_seq: int | None
    """
    Pass as `after_seq` for the next page of changes; null at the end.
    """


WebhookEventType: TypeAlias = Literal['approval.requested', 'approval.approved', 'approval.denied', 'approval.expired', 'decision.blocked']
"""
`approval.*` when a held action is requested and when it is approved, denied or expires;
`decision.blocked` when an enforced preflight answers `deny` or `require_tool_reapproval`.

"""


WebhookFormat: TypeAlias = Literal['json', 'slack']
"""
`json`: the `WebhookEvent` itself. `slack`: a Slack incoming-webhook message made from it.
"""


class PutWebhookRequest(TypedDict, closed=True):
    url: str
    """
    `https://…`, or `http://` to a loopback address; no user name or password.
    """
    events: list[WebhookEventType]
    format: NotRequired[WebhookFormat]
    secret: NotRequired[str]
    """
    `whsec_` and base64 of 16 to 64 random bytes. Generated when a new endpoint has none.
    """
    enabled: NotRequired[bool]


class Webhook(TypedDict):
    id: str
    url: str
    """
    The origin and first path segment; the rest shows as `…`.
    """
    events: list[WebhookEventType]
    format: WebhookFormat
    enabled: bool
    source: Literal['api', 'config']
    created_at: Timestamp
    updated_at: Timestamp
    secret: NotRequired[str]
    """
    Only in the response that generated it; store it now, it is never shown again.
    """


class WebhookList(TypedDict):
    items: list[Webhook]


class WebhookDeletion(TypedDict):
    id: str
    deleted: bool


WebhookDeliveryStatus: TypeAlias = Literal['pending', 'delivered', 'dead']


class WebhookDelivery(TypedDict):
    id: str
    webhook_id: str
    event_id: str
    """
    The `webhook-id` header of every attempt; the same across retries.
    """
    event_type: WebhookEventType
    status: WebhookDeliveryStatus
    attempts: int
    max_attempts: int
    created_at: Timestamp
    last_attempt_at: Timestamp | None
    next_attempt_at: Timestamp | None
    delivered_at: Timestamp | None
    last_status: int | None
    """
    The HTTP status of the last answer; null when none came (refused, timed out).
    """
    last_error: str | None
    """
    The gateway's description of the last failure.
    """


class WebhookDeliveryList(TypedDict):
    items: list[WebhookDelivery]


class BlockedDecision(TypedDict):
    request_id: str
    decision: DecisionValue
    reason_code: ReasonCode
    risk_tier: str
    mode: Mode
    action_hash: Sha256Hex
    action: CanonicalAction
    evidence_event_id: str
    decided_at: Timestamp


class Jwk(TypedDict):
    kty: Literal['OKP']
    crv: Literal['Ed25519']
    x: str
    kid: str
    alg: NotRequired[str]
    use: NotRequired[str]


class Jwks(TypedDict):
    keys: list[Jwk]


class Health(TypedDict):
    status: Literal['ok']


class ErrorDetail(TypedDict):
    path: str
    message: str
    rule_id: NotRequired[str]


class Error1(TypedDict):
    code: FixedReasonCode
    message: str
    request_id: str
    details: NotRequired[list[ErrorDetail]]


class Error(TypedDict):
    error: Error1


class PreflightRequest(TypedDict, closed=True):
    goal: str
    """
    What the agent is trying to achieve, e.g. `resolve_refund_request`.
    """
    tool: ToolNameString
    """
    The tool the agent is about to call, as policies name it, e.g. `stripe.refund.create`.
    """
    resource: NotRequired[str]
    """
    What the action touches, e.g. `stripe:charge:ch_123`.
    """
    args: NotRequired[JsonObject]
    """
    The arguments the tool will be called with, e.g. `{"amount": 1200}`. Policies read them as `args.…`; they are part of the action hash, so an approval covers exactly these.
    """
    mode: NotRequired[Mode]
    """
    How the decision applies to this call (`enforce` when omitted; see Mode). The SDKs send the client's mode.
    """
    agent_id: NotRequired[str]
    """
    The agent acting, e.g. `support_agent`. Policies read it as `agent_id`; it is part of the action hash.
    """
    user_id: NotRequired[str]
    """
    The person the agent acts for, e.g. `user_42`. Policies read it as `user_id`; it is part of the action hash.
    """
    tenant_id: NotRequired[str]
    """
    A hint only; a value other than the key's tenant is `403 auth.tenant_mismatch`.
    """
    passport: NotRequired[str]
    """
    A compact passport token (from issuePassport); the action must stay within its goal, tools and resources.
    """
    approval_request_id: NotRequired[str]
    """
    The id (`apr_…`) of an approved request from an earlier `require_approval`, sent with the same action to run it once, as approved.
    """
    tool_definition: NotRequired[ToolDefinition]
    """
    The tool's definition as the model sees it (name, description, schemas). One that differs from the approved definition is `require_tool_reapproval` / `tool.drifted`.
    """
    tool_hash: NotRequired[Sha256Hex]
    """
    Instead of `tool_definition`, the SHA-256 of its RFC 8785 canonical form, for a caller that hashes the definition itself.
    """
    context: NotRequired[JsonObject]
    """
    Facts about the call that are not arguments (channel, ticket, session). Policies read them as `context.…`; they are not part of the action hash. `session.id` names a flow-control session (1–128 letters, digits and `._:@/+=-`), the gateway adds the labels `private_data` and `untrusted_content` from its own classification of the tools the session called; policy reads them as `context.session.labels`; labels sent by the caller are refused.
    """
    outcomes: NotRequired[list[PiggybackedOutcome]]
    """
    Optional. Outcome records of earlier actions this same API key (and agent key) was decided for,
    sent with the next preflight instead of one `POST /evidence` each (the enforcing proxy does
    this). Each is recorded as an `action.outcome` event with exactly the `data` given, checked as
    `recordEvidence` checks it, just before this preflight's decision (in the same write on a file
    ledger). Each
    must name, in `decision_event_id`, a `decision` event of the tenant written for the calling key,
    at most once per request. One record that fails a check refuses the whole request with 400
    naming it (`body.outcomes[i]...`): nothing of it is recorded and no decision is made.

    """


class ApprovalRequest(TypedDict):
    id: str
    status: ApprovalStatus
    action: CanonicalAction
    action_hash: Sha256Hex
    reason_code: ReasonCode
    summary: NotRequired[str]
    """
    Why the action was held, in words (the matched rule's description when it has one), for the approver beside `reason_code`.
    """
    risk_tier: NotRequired[RiskTier]
    created_at: Timestamp
    expires_at: Timestamp
    decided_by: NotRequired[str]
    decided_at: NotRequired[Timestamp]
    note: NotRequired[str]
    delegation: NotRequired[ApprovalDelegation]


class ApprovalList(TypedDict):
    items: list[ApprovalRequest]


class PutCredentialRequest(TypedDict, closed=True):
    value: str
    """
    The secret. It is encrypted at rest and never returned by these endpoints.
    """
    bound_tools: list[BoundTool]
    """
    Tool names or tool globs (`*` within one segment, a whole `**` segment across any number) whose `allow` decisions carry a lease of this credential.
    """
    lease_ttl_seconds: NotRequired[int]
    delivery: NotRequired[CredentialDelivery]


class PolicyRule(TypedDict, closed=True):
    id: str
    description: NotRequired[str]
    when: NotRequired[list[Condition]]
    """
    Every condition must hold.
    """
    any: NotRequired[list[Condition]]
    """
    At least one condition must hold.
    """
    limit: NotRequired[PolicyLimit]
    decision: DecisionValue
    reason: ReasonCode
    risk_tier: NotRequired[RiskTier]


class Policy(TypedDict, closed=True):
    id: str
    version: int
    description: NotRequired[str]
    default: NotRequired[PolicyDefault]
    rules: list[PolicyRule]


class PolicyDocument(TypedDict):
    policy: Policy
    hash: Sha256Hex
    updated_at: Timestamp


class RolloutReport(TypedDict, closed=True):
    window: Window
    totals: Totals
    counts: list[RolloutCount]
    """
    One row per tool × reason × mode × decision × enforce decision, most frequent first.
    """
    buckets: list[RolloutBucket]
    """
    Every bucket of the window, oldest first, empty ones included.
    """
    top_would_block: list[WouldBlockAction]
    """
    The monitor and warn actions enforce would block, most frequent first.
    """


class SimulatePolicyRequest(TypedDict, closed=True):
    policy: Policy
    since: NotRequired[str]
    """
    Start of the window (inclusive); default 24 hours before `until`.
    """
    until: NotRequired[str]
    """
    End of the window (exclusive); default now.
    """
    after_seq: NotRequired[int]
    """
    Page cursor over the changed decisions; pass the previous page's `next_after_seq`.
    """
    limit: NotRequired[int]
    """
    Changed decisions per page.
    """


class Data(TypedDict):
    approval: NotRequired[ApprovalRequest]
    decision: NotRequired[BlockedDecision]
    console_url: str | None
    """
    The request (or the decisions view) in the console, when its public URL is configured.
    """


class WebhookEvent(TypedDict):
    id: str
    type: WebhookEventType
    created_at: Timestamp
    tenant_id: str
    data: Data
