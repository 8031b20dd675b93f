"""Tool-definition inspection, as the served gateway does it: hidden characters, lookalike names,
instructions to the model, references to secrets or to other servers' tools, and oversized text.

A definition with a ``high`` finding is held (``tool.suspicious``) until an admin approves it with
``acknowledge_findings: true``. Findings carry a code, a severity, the field, an excerpt and the decoded
hidden text, and are the same as the TypeScript gateway's for the same definition (a parity test runs
both over real and poisoned tool listings), because the ``tool.approved`` ledger event records them.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from typing import Any, Final

from ._inspect_text import (
    View,
    code_point_list,
    code_points,
    decode_tags,
    decode_variation_selectors,
    fold_lookalike,
    from_u16,
    hidden_runs,
    make_view,
    scripts_of,
    to_u16,
    visible,
)

DESCRIPTION_MAX_CHARS: Final = 2_000
SCHEMA_STRING_MAX_CHARS: Final = 1_000
EXCERPT_CONTEXT_CHARS: Final = 40
FINDING_TEXT_MAX_CHARS: Final = 240
SCHEMA_MAX_DEPTH: Final = 32
SCHEMA_MAX_STRINGS: Final = 5_000
LEDGER_FINDINGS_MAX: Final = 50

_SEVERITY_ORDER: Final = {"high": 0, "medium": 1, "low": 2}
_SCHEMA_FIELDS: Final = ("input_schema", "inputSchema", "output_schema", "outputSchema", "annotations")
_A: Final = re.ASCII

_QUALIFIER: Final = (
    "(?:all|any|every|the|of|your|my|these|those|previous|previously|prior|above|earlier|preceding|former"
    "|other|system|original|existing|given|safety)"
)
_RULES_NOUN: Final = (
    "(?:instructions?|prompts?|directions|guidelines|guidance|commands|rules|directives|policies"
    "|restrictions|constraints)"
)
_TELL: Final = "(?:tell|mention|inform|notify|reveal|disclose|alert|show|say|report|explain|warn)"

# (id, severity, view, pattern): the same patterns as the TypeScript inspection, in the same order.
_INSTRUCTION_MARKERS: Final = (
    (
        "tag",
        "high",
        "marks",
        re.compile(
            r"(?:<|&lt;)\s*/?\s*(?:important|system|sys|instructions?|hidden|secret|admin|override|critical"
            r"|prompt|system[ _-]?prompt|developer|assistant|mandatory"
            r"|note to (?:the )?(?:ai|assistant|model))"
            r"\s*(?:>|&gt;)",
            _A,
        ),
    ),
    (
        "chat_template",
        "high",
        "marks",
        re.compile(
            r"<\|(?:im_start|im_end|system|user|assistant|endoftext)\|>|\[/?inst\]|<<\s*/?sys\s*>>", _A
        ),
    ),
    (
        "ignore_instructions",
        "high",
        "words",
        re.compile(
            rf"\b(?:ignore|disregard|forget|override|bypass|overrule|abandon|drop) (?:{_QUALIFIER} ){{1,4}}"
            rf"{_RULES_NOUN}\b",
            _A,
        ),
    ),
    (
        "conceal_from_user",
        "high",
        "words",
        re.compile(
            rf"\b(?:(?:do not|don t|dont|never|must not|should not|shouldn t|cannot|can t|mustn t)"
            rf" (?:\w+ ){{0,2}}{_TELL}(?: \w+){{0,4}} (?:the |your )?users?"
            rf"|without (?:\w+ ){{0,1}}(?:telling|informing|notifying"
            rf"|alerting|showing|letting) (?:the |your )?users?|(?:hide|conceal|keep) (?:this|it|that|these)"
            rf"(?: \w+){{0,3}} from (?:the |your )?users?|the users? (?:must|should|need|may) not (?:know|see"
            rf"|notice|be told|find out|learn))\b",
            _A,
        ),
    ),
    (
        "precondition_read",
        "high",
        "words",
        re.compile(
            r"\bbefore (?:using|calling|invoking|running|executing|you use|you call)"
            r" (?:this|the|any|each|every)"
            r" (?:tool|function|command)s?(?: \w+){0,10}? (?:read|cat|open|fetch|send|include|pass|provide"
            r"|retrieve|load|access|upload|copy|extract|collect)\b",
            _A,
        ),
    ),
    (
        "coercion",
        "high",
        "words",
        re.compile(
            r"\b(?:otherwise|or else|if not) (?:the|this) (?:tool|function|system) (?:will|would|may|can)"
            r" (?:not work|fail|break|crash|stop working)|\bthis is (?:very )+important\b|\byou (?:are now"
            r"|must now|will now|have been) (?:in |a |an |the )?(?:developer|admin|god|jailbroken|dan"
            r"|unrestricted|root)\b|\bnew (?:system )?instructions? (?:follow|below|are)\b",
            _A,
        ),
    ),
    (
        "redirect",
        "high",
        "words",
        re.compile(
            r"\b(?:change|replace|set|redirect|override|switch) (?:the |all |every |any )?(?:recipients?"
            r"|destination|to address|email address|receiving account|iban|wallet address|bank account|payee)"
            r"(?: \w+){0,4} to\b|\b(?:always|also|secretly|silently) (?:bcc|cc|blind copy|forward"
            r"|send a copy)\b",
            _A,
        ),
    ),
)

_SECRET_VERB: Final = re.compile(
    r"\b(?:read|reads|reading|cat|open|fetch|load|send|include|pass|provide|upload|attach|copy|print|output"
    r"|return|append|extract|access|get|dump|show|post|forward|embed|contents? of|content of)\b",
    _A,
)
_SECRET_REFUSAL: Final = re.compile(
    r"\b(?:not|never|no|rejected|rejects|refused|refuses|denied|denies|forbidden|excluded|excludes|blocked"
    r"|blocks|except|avoid|cannot|can t|don t|won t|unless|outside)\b",
    _A,
)
_SECRET_CONTEXT_WORDS: Final = 8

_SECRET_REFERENCES: Final = (
    (
        "ssh_key",
        "high",
        "marks",
        re.compile(
            r"\.ssh\b|(?<![a-z0-9])id_(?:rsa|dsa|ecdsa|ed25519)(?![a-z0-9])|\bauthorized_keys\b"
            r"|-----begin [a-z ]*private key",
            _A,
        ),
    ),
    (
        "credential_file",
        "high",
        "marks",
        re.compile(
            r"\.aws/(?:credentials|config)|\.config/gcloud|\.azure/|\.kube/config|\.docker/config\.json"
            r"|\.git-credentials|(?<![\w.])\.netrc\b|(?<![\w.])\.npmrc\b|(?<![\w.])\.pypirc\b"
            r"|(?<![\w.])\.pgpass\b|/etc/(?:shadow|passwd|sudoers)|\.(?:bash|zsh)_history|\.gnupg\b"
            r"|\blogin\.keychain",
            _A,
        ),
    ),
    ("dotenv", "high", "marks", re.compile(r"(?<![\w.$-])\.env(?:\.[a-z]+)?(?![\w-])", _A)),
    (
        "agent_config",
        "high",
        "marks",
        re.compile(
            r"(?<![\w-])mcp\.json\b|claude_desktop_config|\.claude\.json|cline_mcp_settings|\.codeium/windsurf"
            r"|\.cursor/mcp",
            _A,
        ),
    ),
    (
        "credential_word",
        "low",
        "words",
        re.compile(
            r"\b(?:api keys?|apikeys?|access tokens?|auth tokens?|bearer tokens?|refresh tokens?|passwords?"
            r"|passwd|credentials?|private keys?|secret keys?|seed phrases?|mnemonic|session cookies?)\b",
            _A,
        ),
    ),
)

_IDENTIFIER_KEY: Final = re.compile(r"[A-Za-z_$][\w$-]*", _A)
_NAME_BOUNDARY: Final = re.compile(r"[\w-]", _A)
_DISTINCTIVE: Final = re.compile(r"[_-]|[a-z][A-Z]")

# The order JavaScript's default collation (String.prototype.localeCompare) gives printable ASCII:
# each group compares equal at first, and case breaks ties afterwards (lower case first).
_COLLATION_GROUPS: Final = (
    " ", "_", "-", ",", ";", ":", "!", "?", ".", "'", '"', "(", ")", "[", "]", "{", "}", "@", "*", "/",
    "\\", "&", "#", "%", "`", "^", "+", "<", "=", ">", "|", "~", "$",
    *"0123456789",
    *(c + c.upper() for c in "abcdefghijklmnopqrstuvwxyz"),
)  # fmt: skip
_PRIMARY: Final = {c: i for i, group in enumerate(_COLLATION_GROUPS) for c in group}


def _collation_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    primary = tuple(_PRIMARY.get(c, 1_000 + ord(c)) for c in text)
    tertiary = tuple(1 if c.isupper() else 0 for c in text)
    return primary, tertiary


Finding = dict[str, str]


def inspect_tool_definition(
    tool: dict[str, Any], *, server: str | None = None, catalog: list[dict[str, str]] | None = None
) -> list[Finding]:
    """Every finding for one definition, high first, then by field in the served gateway's order."""
    findings: list[Finding] = []

    def add(finding: Finding) -> None:
        if not any(
            f["code"] == finding["code"]
            and f["field"] == finding["field"]
            and f["decoded"] == finding["decoded"]
            for f in findings
        ):
            findings.append(finding)

    name = to_u16(tool["name"]) if isinstance(tool.get("name"), str) else ""
    strings: list[tuple[str, str, bool]] = []  # (field, text in code units, is a property name)
    for key in ("name", "title", "description"):
        if isinstance(tool.get(key), str):
            strings.append((key, to_u16(tool[key]), False))
    complete = True
    for key in _SCHEMA_FIELDS:
        if key in tool and tool[key] is not None:
            complete = _collect(tool[key], key, 0, strings) and complete
    if not complete:
        add(
            _finding(
                "text.oversized",
                "high",
                "input_schema",
                "",
                f"the schemas are nested deeper than {SCHEMA_MAX_DEPTH} levels or hold more than "
                f"{SCHEMA_MAX_STRINGS} strings; not inspected in full",
            )
        )
    if name:
        for f in _name_findings(name):
            add(f)
    references = _other_servers_tools(server, catalog or [], from_u16(name))
    for field, text, is_key in strings:
        for f in _hidden_findings(field, text):
            add(f)
        if field != "name":
            for f in _text_findings(field, text, is_key, references):
                add(f)
            for f in _oversized(field, text):
                add(f)
    findings.sort(key=lambda f: (_SEVERITY_ORDER[f["severity"]], _collation_key(f["field"])))
    return [{k: from_u16(v) for k, v in f.items()} for f in findings]


def has_high_finding(findings: list[Finding]) -> bool:
    return any(f["severity"] == "high" for f in findings)


def catalog_of(names: list[str]) -> list[dict[str, str]]:
    """``mcp.<server>.<tool>`` or ``<server>.<tool>`` split into server and tool (bare names: siblings)."""
    out = []
    for name in names:
        parts = name.split(".")
        if parts[0] == "mcp" and len(parts) >= 3:
            out.append({"server": parts[1], "name": ".".join(parts[2:])})
        elif len(parts) >= 2:
            out.append({"server": ".".join(parts[:-1]), "name": parts[-1]})
        else:
            out.append({"server": "", "name": name})
    return out


def inspect_for_approval(definition: dict[str, Any], other_tools: list[str]) -> list[Finding]:
    own = catalog_of([definition["name"]])[0]
    return inspect_tool_definition(definition, server=own["server"], catalog=catalog_of(other_tools))


def ledger_findings(findings: list[Finding]) -> dict[str, Any]:
    kept = [
        {"code": f["code"], "severity": f["severity"], "field": f["field"], "decoded": f["decoded"]}
        for f in findings[:LEDGER_FINDINGS_MAX]
    ]
    if len(findings) > len(kept):
        return {"findings": kept, "findings_omitted": len(findings) - len(kept)}
    return {"findings": kept}


def describe_high(findings: list[Finding]) -> str:
    high = [f for f in findings if f["severity"] == "high"]
    named = [f"{f['code']} in {visible(to_u16(f['field']))}" for f in high[:5]]
    more = f" and {len(high) - len(named)} more" if len(high) > len(named) else ""
    return from_u16(", ".join(named)) + more


def _finding(code: str, severity: str, field: str, excerpt: str, decoded: str) -> Finding:
    return {"code": code, "severity": severity, "field": field, "excerpt": excerpt, "decoded": decoded}


def _collect(value: Any, path: str, depth: int, into: list[tuple[str, str, bool]]) -> bool:
    if len(into) > SCHEMA_MAX_STRINGS or depth > SCHEMA_MAX_DEPTH:
        return False
    if isinstance(value, str):
        into.append((path, to_u16(value), False))
        return True
    if isinstance(value, list):
        return all(_collect(item, f"{path}[{i}]", depth + 1, into) for i, item in enumerate(value))
    if isinstance(value, dict):
        for key, child in value.items():
            child_path = path + _path_key(key)
            into.append((child_path, to_u16(key), True))
            if not _collect(child, child_path, depth + 1, into):
                return False
    return True


def _path_key(key: str) -> str:
    if _IDENTIFIER_KEY.fullmatch(key):
        return f".{key}"
    return f"[{json.dumps(from_u16(visible(to_u16(key))), ensure_ascii=False)}]"


def _hidden_findings(field: str, text: str) -> list[Finding]:
    runs = hidden_runs(text)
    findings: list[Finding] = []
    tags = [r for r in runs if r.kind == "tag"]
    if tags:
        decoded = [d for d in (decode_tags(r.chars) for r in tags) if d]
        spelled = (
            visible(" … ".join(decoded))
            if decoded
            else f"{sum(len(r.chars) for r in tags)} tag character(s) spelling nothing printable"
        )
        findings.append(
            _finding(
                "hidden.tag_chars",
                "high",
                field,
                _excerpt_around(text, tags[0].start, tags[0].end),
                _clip(spelled),
            )
        )
        # What the tags spell is read by a model like any other text, so it is inspected like any other.
        for hidden in decoded:
            for f in _text_findings(field, hidden, False, _NO_REFERENCES):
                findings.append({**f, "decoded": f"hidden: {f['decoded']}"})
    zero_width = [r for r in runs if r.kind == "zero_width"]
    if zero_width:
        chars = [c for r in zero_width for c in r.chars]
        smuggled = next(
            (s for s in (decode_variation_selectors(r.chars) for r in zero_width) if s is not None), None
        )
        reads = visible(_strip_runs(text, zero_width))
        findings.append(
            _finding(
                "hidden.zero_width",
                "high",
                field,
                _excerpt_around(text, zero_width[0].start, zero_width[0].end),
                _clip(
                    f"{code_point_list(chars)}; the text reads: {reads}"
                    + (f"; the variation selectors encode: {smuggled}" if smuggled else "")
                ),
            )
        )
    for kind in ("bidi_control", "bidi_mark"):
        bidi = [r for r in runs if r.kind == kind]
        if not bidi:
            continue
        findings.append(
            _finding(
                "hidden.bidi",
                "high" if kind == "bidi_control" else "medium",
                field,
                _excerpt_around(text, bidi[0].start, bidi[0].end),
                _clip(
                    f"{code_point_list([c for r in bidi for c in r.chars])} reorder what is displayed; "
                    f"in reading order: {visible(text)}"
                ),
            )
        )
    return findings


def _strip_runs(text: str, runs: list[Any]) -> str:
    out, start = [], 0
    for run in runs:
        out.append(text[start : run.start])
        start = run.end
    return _clip("".join(out) + text[start:])


def _is_printable_ascii(text: str) -> bool:
    return all(0x20 <= ord(c) <= 0x7E for c in text)


def _name_findings(name: str) -> list[Finding]:
    visible_name = "".join(unit for _, unit, _ in code_points(name) if not hidden_runs(unit))
    if _is_printable_ascii(visible_name):
        return []
    scripts = scripts_of(visible_name)
    skeleton = to_u16(fold_lookalike(unicodedata.normalize("NFKC", from_u16(visible_name))))
    imitates = _is_printable_ascii(skeleton)
    mixed = len(scripts) > 1
    foreign = [code for _, _, code in code_points(visible_name) if not 0x20 <= code <= 0x7E]
    reads = f'reads as "{visible(skeleton)}"' if imitates else "not plain ASCII"
    mix = f" mix scripts ({', '.join(scripts)})" if mixed else ""
    return [
        _finding(
            "name.confusable",
            "high" if imitates or mixed else "medium",
            "name",
            visible(name),
            _clip(f"{reads}; {code_point_list(foreign)}{mix}"),
        )
    ]


def _text_findings(field: str, text: str, is_key: bool, references: _References) -> list[Finding]:
    findings: list[Finding] = []
    words, marks = make_view(text, True), make_view(text, False)
    for code, patterns in (
        ("text.instruction_marker", _INSTRUCTION_MARKERS),
        ("text.secret_reference", _SECRET_REFERENCES),
    ):
        for _id, severity, view_name, pattern in patterns:
            # Property names are identifiers, not prose: only references to secrets are looked for there.
            if is_key and code != "text.secret_reference":
                continue
            view = words if view_name == "words" else marks
            match = pattern.search(view.text)
            if not match:
                continue
            if code == "text.secret_reference" and severity == "high":
                at = view.source[match.start()] if match.start() < len(view.source) else 0
                severity = _secret_severity(text, at)
            findings.append(
                _finding(
                    code,
                    severity,
                    field,
                    _excerpt_of_view(text, view, match.start(), match.end()),
                    _clip(visible(match.group(0).strip(" \t\n\r\v\f"))),
                )
            )
    if not references.may_name_one(marks.text):
        return findings
    for other, spellings in references.tools:
        found = _find_name(marks.text, spellings)
        if found is None:
            continue
        of_server = f" of server {visible(to_u16(other['server']))}" if other.get("server") else ""
        findings.append(
            _finding(
                "text.cross_tool_reference",
                "high",
                field,
                _excerpt_of_view(text, marks, found[0], found[1]),
                _clip(f"names {visible(to_u16(other['name']))}{of_server}"),
            )
        )
    return findings


def _secret_severity(text: str, at: int) -> str:
    before = make_view(text[max(0, at - 200) : at], True).text.strip(" ").split(" ")
    window = " ".join(before[-_SECRET_CONTEXT_WORDS:])
    return "high" if _SECRET_VERB.search(window) and not _SECRET_REFUSAL.search(window) else "medium"


class _References:
    """Other servers' tools with the spellings that name them, and a quick test for text naming none."""

    def __init__(self, tools: list[tuple[dict[str, str], list[str]]]) -> None:
        self.tools = tools
        spellings = [sp for _, sps in tools for sp in sps]
        self._width = min((len(sp) for sp in spellings), default=0)
        self._starts = frozenset(sp[: self._width] for sp in spellings)

    def may_name_one(self, text: str) -> bool:
        """False when no spelling can occur in ``text`` (no spelling's start appears anywhere in it)."""
        width = self._width
        if not self.tools or width == 0:
            return False
        return not self._starts.isdisjoint(text[i : i + width] for i in range(len(text) - width + 1))


_NO_REFERENCES: Final = _References([])


@functools.lru_cache(maxsize=4096)
def _spelt(name: str) -> str:
    return to_u16(fold_lookalike(unicodedata.normalize("NFKC", name)).lower())


def _other_servers_tools(server: str | None, catalog: list[dict[str, str]], own_name: str) -> _References:
    """Tools of other servers as they could be named: ``server.tool``, ``mcp__server__tool``, and the bare
    name when it is distinctive (``send_email``; a bare ``search`` names nothing)."""
    siblings = {t["name"] for t in catalog if server is not None and t.get("server") == server}
    siblings.add(own_name)
    out = []
    for tool in catalog:
        if server is not None and tool.get("server") == server:
            continue
        name = _spelt(tool["name"])
        owner = tool.get("server")
        spellings = [f"{owner.lower()}.{name}", f"mcp__{owner.lower()}__{name}"] if owner else []
        if tool["name"] not in siblings and len(name) >= 5 and _DISTINCTIVE.search(tool["name"]):
            spellings.append(name)
        out.append((tool, spellings))
    return _References(out)


def _find_name(text: str, spellings: list[str]) -> tuple[int, int] | None:
    for spelling in spellings:
        start = 0
        while True:
            at = text.find(spelling, start)
            if at < 0:
                break
            before = text[at - 1] if at > 0 else " "
            after = text[at + len(spelling)] if at + len(spelling) < len(text) else " "
            if not _NAME_BOUNDARY.match(before) and not _NAME_BOUNDARY.match(after):
                return at, at + len(spelling)
            start = at + 1
    return None


def _oversized(field: str, text: str) -> list[Finding]:
    limit = DESCRIPTION_MAX_CHARS if field == "description" else SCHEMA_STRING_MAX_CHARS
    if len(text) <= limit:
        return []
    return [
        _finding(
            "text.oversized",
            "medium",
            field,
            _excerpt_around(text, limit, limit),
            f"{len(text)} characters, over the limit of {limit}",
        )
    ]


def _excerpt_of_view(original: str, view: View, start: int, end: int) -> str:
    source = view.source
    first = source[start] if start < len(source) else 0
    last_index = max(start, end - 1)
    last = source[last_index] if last_index < len(source) else first
    high = ord(original[last]) if last < len(original) else 0
    wide = 0xD800 <= high <= 0xDBFF and last + 1 < len(original)
    return _excerpt_around(original, first, last + (2 if wide else 1))


def _excerpt_around(text: str, start: int, end: int) -> str:
    begin = max(0, start - EXCERPT_CONTEXT_CHARS)
    stop = min(len(text), end + EXCERPT_CONTEXT_CHARS)
    body = visible(_safe_slice(text, begin, stop))
    return _clip(("…" if begin > 0 else "") + body + ("…" if stop < len(text) else ""))


def _safe_slice(text: str, begin: int, stop: int) -> str:
    def is_low(i: int) -> bool:
        return 0xDC00 <= ord(text[i]) <= 0xDFFF

    if begin > 0 and is_low(begin):
        begin -= 1
    if stop < len(text) and is_low(stop):
        stop += 1
    return text[begin:stop]


def _clip(text: str) -> str:
    return text[: FINDING_TEXT_MAX_CHARS - 1] + "…" if len(text) > FINDING_TEXT_MAX_CHARS else text
