import { CREDENTIAL_FORMATS, mayHold, mayHoldCredential } from './credential-formats.js';
import { foldName } from './fold.js';
import { isRecord } from './json.js';
import { entropy, isSecretName, POINTER_WORDS, REDACTED, VOCABULARY_TOKENS } from './secrets.js';
import { MAX_REGEX_INPUT, spend } from './work.js';

/**
 * Redaction of everything tpguard stores, logs or sends: a value is cut out when its name says it
 * is a credential (`DB_PASS`, `pаssword` with a Cyrillic а), when it holds a credential of a known
 * format (`sk_live_…`, `AIza…`, a JWT, a PEM block), a URL with user info or a token parameter,
 * a `password=` pair, or when it decodes (base64, JSON) to something that does. The values of
 * `environment` and `hyperParameters` maps are never kept at all, only their keys.
 */

/**
 * Longest string examined; the rest is cut before any pattern runs (evidence keeps 1 KiB, messages
 * less), with room for the `…[N chars]` marker so no pattern runs on more than MAX_REGEX_INPUT.
 */
export const MAX_SCANNED_CHARS = MAX_REGEX_INPUT - 32;

/** What replaces a value of an `environment` or `hyperParameters` map that is not secret-like: only keys are kept. */
export const OMITTED = '[value not kept]';

/** Maps whose values are never kept (training-job environment and hyperparameters, Lambda variables, ...). */
const KEYS_ONLY = new Set(['environment', 'environmentvariables', 'hyperparameters', 'statichyperparameters']);

/** Words (after folding) whose value is a credential whatever it looks like. */
const ALWAYS_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'passcode',
  'secret',
  'secrets',
  'token',
  'apikey',
  'apitoken',
  'authtoken',
  'accesstoken',
  'refreshtoken',
  'sessiontoken',
  'credential',
  'credentials',
  'creds',
  'auth',
  'authorization',
  'privatekey',
  'accesskey',
  'secretkey',
  'clientsecret',
  'masterkey',
  'signingkey',
  'bearer',
  'cookie',
  'signature',
  'sig',
  'dsn',
  'connectionstring',
  'connstr',
  'webhook',
  'sas',
  'jwt',
]);
const ALWAYS_SUFFIXES = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'apikey',
  'accesskey',
  'secretkey',
  'privatekey',
];
const ALWAYS_PAIRS = new Set([
  'api key',
  'private key',
  'access key',
  'secret key',
  'signing key',
  'client secret',
  'account key',
  'master key',
  'encryption key',
  'shared key',
  'connection string',
  'app secret',
  'consumer secret',
  'ssh key',
]);
/** `<word>_key` that is not a credential. */
const PLAIN_KEY_QUALIFIERS = new Set([
  'sort',
  'partition',
  'range',
  'hash',
  'primary',
  'foreign',
  'kms',
  'tag',
  'cache',
  'object',
  's3',
  'bucket',
  'public',
  'idempotency',
  'dedup',
  'deduplication',
  'group',
  'lookup',
  'column',
  'row',
  'index',
  'metric',
  'label',
  'feature',
  'input',
  'output',
  'target',
  'text',
  'image',
  'model',
  'dataset',
  'split',
  'routing',
]);
/** `<word>_token` that names a vocabulary token of a tokenizer, not a credential. */
const VOCABULARY = new Set([...VOCABULARY_TOKENS, 'max', 'num']);
/** A last word that says the value points at a secret instead of holding it (as in secrets.ts). */
const POINTERS = new Set([...POINTER_WORDS, 'header', 'scheme', 'mode', 'method', 'provider', 'enabled', 'required']);

const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};

function wordsOf(folded: string): string[] {
  return folded.split(/[^a-z0-9]+/).filter(Boolean);
}

/** Splits camelCase before folding lowers it. */
function camelWords(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2');
}

type NameClass = 'always' | 'random' | undefined;

function classifyWords(words: readonly string[]): NameClass {
  if (words.length === 0) return undefined;
  const last = words[words.length - 1]!;
  const webhook = words.includes('webhook');
  if (POINTERS.has(last) && !webhook) return undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const prev = i > 0 ? words[i - 1] : undefined;
    if (prev && ALWAYS_PAIRS.has(`${prev} ${w}`)) return 'always';
    if (w === 'token' || w === 'tokens') {
      if (w === 'token' && (!prev || !VOCABULARY.has(prev))) return 'always';
      continue;
    }
    if (ALWAYS_WORDS.has(w)) return 'always';
    // Compound words: PGPASSWORD, DBPASS, rootpassword, mytoken (not a tokenizer's padtoken).
    if (ALWAYS_SUFFIXES.some((s) => w.length > s.length && w.endsWith(s))) return 'always';
    if (w.length > 5 && w.endsWith('token') && !VOCABULARY.has(w.slice(0, -5))) return 'always';
  }
  if (last === 'key' || last === 'keys') {
    const prev = words[words.length - 2];
    return prev && PLAIN_KEY_QUALIFIERS.has(prev) ? undefined : 'random';
  }
  return undefined;
}

const nameClasses = new Map<string, NameClass>();

/**
 * How a field name bears on its value: `always` (a credential whatever it looks like: `DB_PASS`,
 * `client-secret`, `X-Amz-Signature`), `random` (a credential when it looks random: `STRIPE_KEY`)
 * or undefined. Names are folded ({@link foldName}); digits written for letters count too (`p4ssw0rd`).
 * @example credentialNameClass('DB_PWD') // 'always'
 */
export function credentialNameClass(name: string): NameClass {
  if (name.length === 0 || name.length > 256) return undefined;
  const cached = nameClasses.get(name);
  if (cached !== undefined || nameClasses.has(name)) return cached;
  const folded = foldName(camelWords(name));
  let cls = classifyWords(wordsOf(folded));
  if (!cls) {
    let leet = '';
    for (const ch of folded) leet += LEET[ch] ?? ch;
    if (leet !== folded) cls = classifyWords(wordsOf(leet));
  }
  if (!cls && isSecretName(name)) cls = 'always';
  if (nameClasses.size > 10_000) nameClasses.clear();
  nameClasses.set(name, cls);
  return cls;
}

/** Values kept under any name, even `password`: empty, booleans, references to a secret store, markers. */
const NEUTRAL =
  /^(?:|true|false|null|none|arn:aws[\w-]*:(?:secretsmanager|ssm|kms):\S*|\{\{resolve:\S*|ssm:\S*|env:\S*|\$\{[^}\s]{0,256}\}|\*+|\*\*\*REDACTED\*\*\*|\[value not kept\])$/i;
/** Numbers: kept unless their name says they are a credential (a PIN). */
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

/** Paths and URLs without user info: locations, not credentials. */
const LOCATION = /^(?:\.{0,2}\/|~\/|[a-z][a-z0-9+.-]{0,20}:\/\/[^@\s]*$|arn:|s3:\/\/)/i;

function looksRandom(v: string): boolean {
  if (v.length < 16 || /\s/.test(v) || LOCATION.test(v)) return false;
  const classes = [/[A-Z]/, /[a-z]/, /\d/].filter((re) => re.test(v)).length;
  return classes >= 2 && entropy(v) >= 3.5;
}

/** The first {@link MAX_SCANNED_CHARS} of a string, cut at a separator so no credential is cut in half and kept. */
function scannedPart(v: string): string {
  // The last separator in the final KiB before the cap (one search on a bounded slice).
  const floor = MAX_SCANNED_CHARS - 1024;
  const tail = /[\s,;&"'<>][^\s,;&"'<>]*$/.exec(v.slice(floor, MAX_SCANNED_CHARS));
  return v.slice(0, tail ? floor + tail.index + 1 : floor);
}

/** `Authorization: <scheme> <credential>` in text: the whole header value goes. */
const AUTH_HEADER = /((?:Proxy-)?Authorization["']?\s{0,4}[:=]\s{0,4}["']?)([^\r\n"']{1,4096})/gi;
/** `name=value`, `name: value`, `"name": "value"` pairs and URL parameters inside a text. */
const PAIR =
  /(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{1,64})(["']?\s{0,4}[=:]\s{0,4}["']?)(?!\/\/)([^\s;,&?#"'}<>]{1,2048})/g;
/** `scheme://userinfo@host`: the user info goes (a password, or a token used as user name). */
const USERINFO = /([a-z][a-z0-9+.-]{0,20}:\/\/)([^\s/?#@]{1,1024})@/gi;
const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;

function redactPem(v: string): string {
  PEM_BEGIN.lastIndex = 0;
  const m = PEM_BEGIN.exec(v);
  if (!m) return v;
  const end = v.indexOf('-----END', m.index + m[0].length);
  const close = end < 0 ? -1 : v.indexOf('-----', end + 8);
  const stop = close < 0 ? v.length : close + 5;
  return redactPem(`${v.slice(0, m.index)}${REDACTED}${v.slice(stop)}`);
}

/** Words a credential name holds (look-alike digits included): a `name=value` pass is needed only then. */
const PAIR_HINT =
  /p[a4@]ss|pwd|s[e3]cr[e3]t|t[o0]k[e3]n|k[e3]y|auth|cr[e3]d|sig|c[o0]{2}ki[e3]|b[e3]ar[e3]r|dsn|c[o0]nn|jwt|sas|w[e3]bh[o0]{2}k|[^ -~]/i;

function redactFormats(v: string): string {
  let out = v.includes('-----BEGIN ') ? redactPem(v) : v;
  let lowered: string | undefined;
  const lower = () => (lowered ??= out.toLowerCase());
  for (const format of CREDENTIAL_FORMATS) {
    if (!mayHold(format, out, lower)) continue;
    const { pattern, accept } = format;
    pattern.lastIndex = 0;
    const next = out.replace(pattern, (m) => (!accept || accept(m) ? REDACTED : m));
    if (next !== out) {
      out = next;
      lowered = undefined;
    }
  }
  return out;
}

function redactPair(m: string, name: string, sep: string, value: string): string {
  if (value === REDACTED || NEUTRAL.test(value)) return m;
  const cls = credentialNameClass(name);
  return cls === 'always' || (cls === 'random' && looksRandom(value)) ? `${name}${sep}${REDACTED}` : m;
}

function redactSpans(v: string): string {
  let out = mayHoldCredential(v) ? redactFormats(v) : v;
  if (out.includes('://'))
    out = out.replace(USERINFO, (m, scheme: string, info: string) =>
      info.includes(':') || info.length >= 12 ? `${scheme}${REDACTED}@` : m,
    );
  if (!PAIR_HINT.test(out) || !/[:=]/.test(out)) return out;
  out = out.replace(
    AUTH_HEADER,
    (_m, head: string, value: string) => `${head}${REDACTED}${value.endsWith('"') ? '"' : ''}`,
  );
  return out.replace(PAIR, redactPair);
}

/** Base64 or base64url, at least 16 characters, padded to a multiple of 4 when padded. */
const BASE64ISH = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;

/** The text a base64 value decodes to, when it is mostly printable (else undefined). */
function decodedText(v: string): string | undefined {
  if (v.length > MAX_SCANNED_CHARS || !BASE64ISH.test(v)) return undefined;
  const url = v.includes('-') || v.includes('_');
  if (url && (v.includes('+') || v.includes('/'))) return undefined;
  if (v.endsWith('=') && v.length % 4 !== 0) return undefined;
  const text = Buffer.from(v, url ? 'base64url' : 'base64').toString('utf8');
  if (text.length < 4) return undefined;
  let printable = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09 || (c >= 0xa0 && c !== 0xfffd)) printable++;
  }
  return printable / text.length >= 0.9 ? text : undefined;
}

const MAX_DECODE_DEPTH = 2;

/**
 * `value` with every credential in it cut out ({@link REDACTED}); the whole value when its name
 * says it is one, or when it decodes to one.
 * @example redactString('MLFLOW_TRACKING_URI', 'https://admin:pw@mlflow.example.com') // 'https://***REDACTED***@mlflow.example.com'
 */
export function redactString(name: string, value: string, depth = 0): string {
  if (value.length <= MAX_SCANNED_CHARS) return redactScanned(name, value, depth);
  // Only the scanned part is kept, marked with the length it had.
  return `${redactScanned(name, scannedPart(value), depth)}…[${value.length} chars]`;
}

function redactScanned(name: string, v: string, depth: number): string {
  const trimmed = v.trim();
  if (NEUTRAL.test(trimmed)) return v;
  const cls = credentialNameClass(name);
  if (cls === 'always' || (cls === 'random' && looksRandom(trimmed))) return REDACTED;
  if (NUMBER.test(trimmed) || (v.length < 12 && !/[:=@]/.test(v))) return v;
  if (depth < MAX_DECODE_DEPTH) {
    const first = trimmed[0];
    if ((first === '{' || first === '[' || first === '"') && trimmed.length >= 2) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(trimmed);
      } catch {
        parsed = undefined;
      }
      if (parsed !== undefined && typeof parsed === 'object' && parsed !== null) {
        const redacted = redactSecrets(parsed, { depth: depth + 1 });
        const before = JSON.stringify(parsed);
        const after = JSON.stringify(redacted);
        if (before !== after) return after;
      } else if (typeof parsed === 'string' && redactString(name, parsed, depth + 1) !== parsed) return REDACTED;
    }
    const decoded = decodedText(trimmed);
    if (decoded !== undefined && redactString(name, decoded, depth + 1) !== decoded) return REDACTED;
  }
  return redactSpans(v);
}

/** True when {@link redactString} would change the value. */
export function isSecretValue(name: string, value: string): boolean {
  return redactString(name, value) !== value;
}

/** The key-only view of an `environment`-like map: each value becomes REDACTED (secret-like) or {@link OMITTED}. */
function keysOnly(value: unknown, depth: number): unknown {
  if (depth > 8) return OMITTED;
  if (Array.isArray(value)) {
    return value.slice(0, 256).map((el) => {
      if (!isRecord(el)) return OMITTED;
      const name = el.name ?? el.Name ?? el.key ?? el.Key;
      const v = el.value ?? el.Value;
      if (typeof name !== 'string') return OMITTED;
      return {
        name: redactString('', name),
        value: v === REDACTED || (typeof v === 'string' && isSecretValue(name, v)) ? REDACTED : OMITTED,
      };
    });
  }
  if (!isRecord(value)) return OMITTED;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    const key = redactString('', k);
    if (isRecord(v) || Array.isArray(v)) out[key] = keysOnly(v, depth + 1);
    // Redacting twice (evidence, then the alert facts) keeps the first verdict.
    else out[key] = v === REDACTED || (typeof v === 'string' && isSecretValue(k, v)) ? REDACTED : OMITTED;
  }
  return out;
}

/** `environment`, `Environment`, `hyper_parameters`: API field names, compared without case and separators. */
function isKeysOnly(key: string): boolean {
  return key.length >= 11 && key.length <= 32 && KEYS_ONLY.has(key.toLowerCase().replace(/[_-]/g, ''));
}

export interface RedactOptions {
  /** Nesting already walked (values deeper than 32 levels become REDACTED). */
  depth?: number;
  /** How numbers are kept (the evidence turns those DynamoDB cannot store into text). */
  number?: (n: number) => unknown;
}

/**
 * A deep copy of `value` with every credential cut out ({@link redactString}), the values of
 * `environment`/`hyperParameters` maps replaced by markers (keys kept), `__proto__`,
 * `constructor` and `prototype` keys dropped. Depth and string length are bounded.
 * @example redactSecrets({ environment: { HF_TOKEN: 'hf_…', EPOCHS: '3' } }) // { environment: { HF_TOKEN: '***REDACTED***', EPOCHS: '[value not kept]' } }
 */
export function redactSecrets<T>(value: T, options: RedactOptions = {}): T {
  return walk(value, options.depth ?? 0, options) as T;
}

/** `{ key, value }` shapes (tag lists, ECS environment lists, CloudFormation parameters): the value is named by the key. */
const NAME_VALUE_FIELDS: readonly (readonly [string, string])[] = [
  ['key', 'value'],
  ['Key', 'Value'],
  ['name', 'value'],
  ['Name', 'Value'],
  ['ParameterKey', 'ParameterValue'],
  ['parameterKey', 'parameterValue'],
];

function namedValue(record: Record<string, unknown>): [string, string] | undefined {
  for (const [k, v] of NAME_VALUE_FIELDS) {
    const name = record[k];
    if (typeof name === 'string' && typeof record[v] === 'string') return [name, v];
  }
  return undefined;
}

function walk(value: unknown, depth: number, o: RedactOptions): unknown {
  spend();
  if (depth > 32) return REDACTED;
  if (typeof value === 'string') return redactString('', value, 0);
  if (typeof value === 'number') return o.number ? o.number(value) : value;
  if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, o));
  if (!isRecord(value)) return value;
  const named = namedValue(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // As the JSON parser does: an own `constructor` key made the DynamoDB marshaller throw.
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    const key = mayHoldCredential(k) ? redactString('', k) : k;
    if ((isRecord(v) || Array.isArray(v)) && isKeysOnly(k)) out[key] = keysOnly(v, 0);
    else if (typeof v === 'string' && named?.[1] === k) out[key] = redactString(named[0], v);
    else if (typeof v === 'string') out[key] = redactString(k, v);
    else out[key] = walk(v, depth + 1, o);
  }
  return out;
}

/**
 * Resource tags as they may be stored and published: each value redacted under its key.
 * @example redactTags({ owner: 'nlp', 'aws-key': 'AKIAIOSFODNN7EXAMPLE' }) // { owner: 'nlp', 'aws-key': '***REDACTED***' }
 */
export function redactTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    out[redactString('', k)] = typeof v === 'string' ? redactString(k, v) : String(v);
  }
  return out;
}
