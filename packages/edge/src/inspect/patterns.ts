/**
 * What a tool description must not say, as data: each pattern has an id, a severity and the view it
 * reads (see normalize.ts). `words` patterns match lower-case words separated by single spaces, so
 * `IGNORE   previous\n<b>instructions</b>` and `ignore_previous_instructions` both read
 * `ignore previous instructions`; `marks` patterns keep punctuation (tags, file paths).
 */
import type { FindingSeverity } from './types.js';

export interface TextPattern {
  id: string;
  severity: FindingSeverity;
  view: 'words' | 'marks';
  pattern: RegExp;
}

const QUALIFIER =
  '(?:all|any|every|the|of|your|my|these|those|previous|previously|prior|above|earlier|preceding|former|other|system|original|existing|given|safety)';
const RULES_NOUN =
  '(?:instructions?|prompts?|directions|guidelines|guidance|commands|rules|directives|policies|restrictions|constraints)';
const TELL = '(?:tell|mention|inform|notify|reveal|disclose|alert|show|say|report|explain|warn)';

export const INSTRUCTION_MARKERS: readonly TextPattern[] = [
  {
    id: 'tag',
    severity: 'high',
    view: 'marks',
    pattern:
      /(?:<|&lt;)\s*\/?\s*(?:important|system|sys|instructions?|hidden|secret|admin|override|critical|prompt|system[ _-]?prompt|developer|assistant|mandatory|note to (?:the )?(?:ai|assistant|model))\s*(?:>|&gt;)/,
  },
  {
    id: 'chat_template',
    severity: 'high',
    view: 'marks',
    pattern: /<\|(?:im_start|im_end|system|user|assistant|endoftext)\|>|\[\/?inst\]|<<\s*\/?sys\s*>>/,
  },
  {
    id: 'ignore_instructions',
    severity: 'high',
    view: 'words',
    pattern: new RegExp(
      `\\b(?:ignore|disregard|forget|override|bypass|overrule|abandon|drop) (?:${QUALIFIER} ){1,4}${RULES_NOUN}\\b`,
    ),
  },
  {
    id: 'conceal_from_user',
    severity: 'high',
    view: 'words',
    pattern: new RegExp(
      `\\b(?:(?:do not|don t|dont|never|must not|should not|shouldn t|cannot|can t|mustn t) (?:\\w+ ){0,2}${TELL}(?: \\w+){0,4} (?:the |your )?users?|without (?:\\w+ ){0,1}(?:telling|informing|notifying|alerting|showing|letting) (?:the |your )?users?|(?:hide|conceal|keep) (?:this|it|that|these)(?: \\w+){0,3} from (?:the |your )?users?|the users? (?:must|should|need|may) not (?:know|see|notice|be told|find out|learn))\\b`,
    ),
  },
  {
    id: 'precondition_read',
    severity: 'high',
    view: 'words',
    pattern:
      /\bbefore (?:using|calling|invoking|running|executing|you use|you call) (?:this|the|any|each|every) (?:tool|function|command)s?(?: \w+){0,10}? (?:read|cat|open|fetch|send|include|pass|provide|retrieve|load|access|upload|copy|extract|collect)\b/,
  },
  {
    id: 'coercion',
    severity: 'high',
    view: 'words',
    pattern:
      /\b(?:otherwise|or else|if not) (?:the|this) (?:tool|function|system) (?:will|would|may|can) (?:not work|fail|break|crash|stop working)|\bthis is (?:very )+important\b|\byou (?:are now|must now|will now|have been) (?:in |a |an |the )?(?:developer|admin|god|jailbroken|dan|unrestricted|root)\b|\bnew (?:system )?instructions? (?:follow|below|are)\b/,
  },
  {
    id: 'redirect',
    severity: 'high',
    view: 'words',
    pattern:
      /\b(?:change|replace|set|redirect|override|switch) (?:the |all |every |any )?(?:recipients?|destination|to address|email address|receiving account|iban|wallet address|bank account|payee)(?: \w+){0,4} to\b|\b(?:always|also|secretly|silently) (?:bcc|cc|blind copy|forward|send a copy)\b/,
  },
];

/**
 * Naming a key file is not poisoning by itself (`paths such as ~/.ssh are rejected`); asking the model
 * to read or send it is. A `high` secret reference stays high only when a verb that moves data comes
 * just before it and no refusal does; otherwise it is reported as `medium`.
 */
export const SECRET_VERB =
  /\b(?:read|reads|reading|cat|open|fetch|load|send|include|pass|provide|upload|attach|copy|print|output|return|append|extract|access|get|dump|show|post|forward|embed|contents? of|content of)\b/;
export const SECRET_REFUSAL =
  /\b(?:not|never|no|rejected|rejects|refused|refuses|denied|denies|forbidden|excluded|excludes|blocked|blocks|except|avoid|cannot|can t|don t|won t|unless|outside)\b/;
/** Words before a secret reference that are read for a verb or a refusal. */
export const SECRET_CONTEXT_WORDS = 8;

export const SECRET_REFERENCES: readonly TextPattern[] = [
  {
    id: 'ssh_key',
    severity: 'high',
    view: 'marks',
    pattern:
      /\.ssh\b|(?<![a-z0-9])id_(?:rsa|dsa|ecdsa|ed25519)(?![a-z0-9])|\bauthorized_keys\b|-----begin [a-z ]*private key/,
  },
  {
    id: 'credential_file',
    severity: 'high',
    view: 'marks',
    pattern:
      /\.aws\/(?:credentials|config)|\.config\/gcloud|\.azure\/|\.kube\/config|\.docker\/config\.json|\.git-credentials|(?<![\w.])\.netrc\b|(?<![\w.])\.npmrc\b|(?<![\w.])\.pypirc\b|(?<![\w.])\.pgpass\b|\/etc\/(?:shadow|passwd|sudoers)|\.(?:bash|zsh)_history|\.gnupg\b|\blogin\.keychain/,
  },
  {
    id: 'dotenv',
    severity: 'high',
    view: 'marks',
    pattern: /(?<![\w.$-])\.env(?:\.[a-z]+)?(?![\w-])/,
  },
  {
    id: 'agent_config',
    severity: 'high',
    view: 'marks',
    pattern:
      /(?<![\w-])mcp\.json\b|claude_desktop_config|\.claude\.json|cline_mcp_settings|\.codeium\/windsurf|\.cursor\/mcp/,
  },
  {
    id: 'credential_word',
    severity: 'low',
    view: 'words',
    pattern:
      /\b(?:api keys?|apikeys?|access tokens?|auth tokens?|bearer tokens?|refresh tokens?|passwords?|passwd|credentials?|private keys?|secret keys?|seed phrases?|mnemonic|session cookies?)\b/,
  },
];
