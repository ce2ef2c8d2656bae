import { hasCredentialFormat } from './credential-formats.js';
import { foldName } from './fold.js';
import { isRecord } from './json.js';
import { MAX_REGEX_INPUT, spend } from './work.js';

/**
 * Detection of secret-like values (training-job environment, hyperparameters,
 * anything about to be stored or sent) and their redaction.
 */
const VALUE_PATTERNS: readonly RegExp[] = [
  /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/, // AWS access key id
  /-----BEGIN [A-Z ]{0,32}PRIVATE KEY-----/, // PEM private key
  /\bBearer\s+[A-Za-z0-9\-._~+/]{16,}=*/i, // bearer token
  // JWT header and payload. Starts only where a run of base64url characters starts: with `\b`
  // every `-eyJ` of a long run was a new start, each backtracking over the run (quadratic).
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,1024}\.eyJ[A-Za-z0-9_-]{8}/, // JWT
  /\b(?:ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}/, // GitHub token
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/, // Slack token
  /\bhf_[A-Za-z0-9]{30,}/, // Hugging Face token
  /\bsk-[A-Za-z0-9_-]{20,}/, // OpenAI-style API key
  /hooks\.slack\.com\/services\/[A-Za-z0-9/]+/, // Slack webhook URL
];

/**
 * Words of a name under which a long random value is a secret. Names are split into words
 * (`HF_TOKEN`, `mlflowTrackingToken`, `client-secret`) so that `tokenizer`, `author` or
 * `max_tokens`, ordinary hyperparameters, are not taken for credentials.
 */
const SECRET_WORDS = new Set([
  'secret',
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'token',
  'apikey',
  'credential',
  'credentials',
  'auth',
  'authorization',
  'privatekey',
  'accesskey',
  'secretkey',
]);
const SECRET_PAIRS = new Set(['api key', 'private key', 'access key', 'secret key', 'signing key', 'client secret']);
/** `<word>_token` that names a vocabulary token of a tokenizer, not a credential. */
export const VOCABULARY_TOKENS: ReadonlySet<string> = new Set([
  'pad',
  'eos',
  'bos',
  'sos',
  'unk',
  'sep',
  'cls',
  'mask',
  'start',
  'end',
  'stop',
  'special',
  'image',
  'audio',
  'video',
  'begin',
]);
/** A last word that says the value points at a secret (its name, id, file, URL) instead of holding it. */
export const POINTER_WORDS: ReadonlySet<string> = new Set([
  'name',
  'id',
  'arn',
  'path',
  'file',
  'url',
  'uri',
  'ref',
  'parameter',
  'param',
  'version',
  'type',
  'length',
  'size',
  'count',
  'dir',
  'location',
  'prefix',
  'region',
  'ttl',
  'expiry',
  'field',
  'env',
  'var',
]);
/** Values that are locations, not credentials: paths, s3:// and http(s) URLs without user info, ARNs. */
const LOCATION = /^(\.{0,2}\/|~\/|[a-z][a-z0-9+.-]*:\/\/[^@\s]*$|arn:)/i;

/** Longest field name read word by word; a longer one is taken for a secret name (no API has such names). */
const MAX_NAME = 1024;

/** Overlap of the windows a long value is scanned in: a token up to this long is always seen whole. */
const WINDOW_OVERLAP = 512;

/**
 * The text in windows of at most {@link MAX_REGEX_INPUT} characters, overlapping by
 * {@link WINDOW_OVERLAP}: every regex runs on a bounded input, so scanning is linear in the length
 * whatever the pattern, and a token shorter than the overlap lies whole in one window.
 */
function windows(text: string): string[] {
  if (text.length <= MAX_REGEX_INPUT) return [text];
  const out: string[] = [];
  const step = MAX_REGEX_INPUT - WINDOW_OVERLAP;
  for (let start = 0; start < text.length - WINDOW_OVERLAP; start += step)
    out.push(text.slice(start, start + MAX_REGEX_INPUT));
  spend(out.length);
  return out;
}

const secretNames = new Map<string, boolean>();

/** True when a field name says its value is a credential (look-alike letters folded: `pаssword`). */
export function isSecretName(name: string): boolean {
  if (name.length > MAX_NAME) return true;
  let yes = secretNames.get(name);
  if (yes === undefined) {
    yes = secretName(name);
    if (secretNames.size > 10_000) secretNames.clear();
    secretNames.set(name, yes);
  }
  return yes;
}

function secretName(name: string): boolean {
  const words = foldName(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2'))
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  if (words.length === 0 || POINTER_WORDS.has(words[words.length - 1]!)) return false;
  return words.some((w, i) => {
    if (i > 0 && SECRET_PAIRS.has(`${words[i - 1]} ${w}`)) return true;
    if (w === 'token') return i === 0 || !VOCABULARY_TOKENS.has(words[i - 1]!);
    return SECRET_WORDS.has(w);
  });
}

/** Values that point at a secret store instead of holding the secret. */
const REFERENCE = /^(arn:aws[\w-]*:(secretsmanager|ssm|kms):|\{\{resolve:|ssm:|env:|\$\{)/;

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  spend(s.length);
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** 40 characters of base64 with mixed case and digits: an AWS secret access key (also after `key=`). */
const AWS_SECRET = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/;

/**
 * True when `value` (under the name `name`) looks like a credential.
 * @example isSecretLike('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE') // true
 */
export function isSecretLike(name: string, value: unknown): boolean {
  if (typeof value !== 'string' || value.length < 8) return false;
  if (REFERENCE.test(value.slice(0, 256))) return false;
  for (const w of windows(value)) {
    if (VALUE_PATTERNS.some((re) => re.test(w))) return true;
    if (hasCredentialFormat(w)) return true;
    const m = AWS_SECRET.exec(w);
    if (m && /[A-Z]/.test(m[0]) && /[a-z]/.test(m[0]) && /\d/.test(m[0]) && entropy(m[0]) > 4) return true;
  }
  if (!isSecretName(name) || value.length < 12) return false;
  // Under a secret name, a value too long to judge is taken for a secret (fail closed).
  if (value.length > MAX_REGEX_INPUT) return true;
  return !/\s/.test(value) && !LOCATION.test(value) && entropy(value) >= 3.3;
}

/** Names of the entries of a map whose values look like secrets (sorted). */
export function secretKeys(map: unknown): string[] {
  if (!isRecord(map)) return [];
  return Object.entries(map)
    .filter(([k, v]) => isSecretLike(k, v))
    .map(([k]) => k)
    .sort();
}

export const REDACTED = '***REDACTED***';
