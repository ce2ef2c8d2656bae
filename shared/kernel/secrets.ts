import { hasCredentialFormat } from './credential-formats.js';
import { foldName } from './fold.js';
import { isRecord } from './json.js';

/**
 * Detection of secret-like values (training-job environment, hyperparameters,
 * anything about to be stored or sent) and their redaction.
 */
const VALUE_PATTERNS: readonly RegExp[] = [
  /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/, // AWS access key id
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/, // PEM private key
  /\bBearer\s+[A-Za-z0-9\-._~+/]{16,}=*/i, // bearer token
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, // JWT
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
const VOCABULARY_TOKENS = new Set([
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
const POINTER_WORDS = new Set([
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

const secretNames = new Map<string, boolean>();

/** True when a field name says its value is a credential (look-alike letters folded: `pаssword`). */
export function isSecretName(name: string): boolean {
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
  if (REFERENCE.test(value)) return false;
  if (VALUE_PATTERNS.some((re) => re.test(value))) return true;
  if (hasCredentialFormat(value.length > 8192 ? value.slice(0, 8192) : value)) return true;
  const m = AWS_SECRET.exec(value);
  if (m && /[A-Z]/.test(m[0]) && /[a-z]/.test(m[0]) && /\d/.test(m[0]) && entropy(m[0]) > 4) return true;
  return (
    isSecretName(name) && value.length >= 12 && !/\s/.test(value) && !LOCATION.test(value) && entropy(value) >= 3.3
  );
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
