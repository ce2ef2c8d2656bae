/**
 * Well-known credential formats: a literal prefix and a bounded run, so each pattern does a
 * bounded amount of work per position of the text (no nested or unbounded quantifier that can
 * backtrack: values come from events). Used to find secrets anywhere in a string, whatever the
 * name it sits under, and to cut them out of it.
 */
export interface CredentialFormat {
  /** What it is, for tests and documentation. */
  name: string;
  /** Global, so that `replace` finds every occurrence. */
  pattern: RegExp;
  /** Extra check of a match (entropy, decoding), when the pattern alone over-matches. */
  accept?: (match: string) => boolean;
  /**
   * Substrings one of which every match contains (lower case when the pattern ignores case): a
   * cheap `includes` decides whether the pattern needs to run at all.
   */
  hints?: readonly string[];
}

/** Shannon entropy in bits per character (a copy of secrets.ts's, which imports this module). */
function bits(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/** 40 base64 characters with upper case, lower case and digits, and high entropy: an AWS secret access key. */
function awsSecretShape(m: string): boolean {
  return /[A-Z]/.test(m) && /[a-z]/.test(m) && /\d/.test(m) && bits(m) > 4;
}

/** `Basic <base64>` whose decoded text is `user:password`. */
function basicCredentials(m: string): boolean {
  const b64 = m.replace(/^Basic\s+/i, '');
  const text = Buffer.from(b64, 'base64').toString('utf8');
  return text.includes(':') && !text.includes('\uFFFD');
}

const f = (name: string, pattern: RegExp, accept?: (m: string) => boolean): CredentialFormat => ({
  name,
  pattern,
  ...(accept ? { accept } : {}),
  ...(HINTS[name] ? { hints: HINTS[name] } : {}),
});

/** The literal parts of each format (see {@link CredentialFormat.hints}). */
const HINTS: Readonly<Record<string, readonly string[]>> = {
  'AWS access key id': ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
  'GitHub token': ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
  'GitHub fine-grained token': ['github_pat_'],
  'GitLab token': ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glsoat-', 'glcbt-'],
  'npm token': ['npm_'],
  'Slack token': ['xox'],
  'Slack app token': ['xapp-'],
  'Slack webhook URL': ['hooks.slack.com/'],
  'Discord webhook URL': ['/api/webhooks/'],
  'Stripe secret or restricted key': ['k_live_', 'k_test_'],
  'Stripe webhook secret': ['whsec_'],
  'Google API key': ['AIza'],
  'Google OAuth client secret': ['GOCSPX-'],
  'Google OAuth access token': ['ya29.'],
  'Hugging Face token': ['hf_', 'api_org_'],
  'OpenAI or Anthropic key': ['sk-'],
  'Groq, Replicate, Pinecone, LangSmith key': ['gsk_', 'r8_', 'pcsk_', 'lsv2_'],
  'SendGrid key': ['SG.'],
  'Databricks token': ['dapi'],
  'DigitalOcean token': ['_v1_'],
  'Shopify token': ['shp'],
  'PyPI token': ['pypi-'],
  'Docker Hub token': ['dckr_pat_'],
  'Atlassian token': ['ATATT3'],
  'HashiCorp Vault token': ['hvs.', 'hvb.'],
  'Terraform Cloud token': ['.atlasv1.'],
  'New Relic key': ['NRAK-'],
  'Alibaba Cloud access key id': ['LTAI'],
  'age secret key': ['AGE-SECRET-KEY-1'],
  'Telegram bot token': [':AA'],
  'JSON Web Token': ['eyJ'],
  'Azure storage key or SAS': ['accountkey=', 'sharedaccesskey=', 'sharedaccesssignature='],
  'Bearer token': ['bearer'],
  'Basic credentials': ['basic'],
  'private key': ['-----BEGIN '],
};

const escapeLiteral = (h: string) => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const hintsWhere = (ignoreCase: boolean) =>
  Object.entries(HINTS)
    .filter(([name]) => ['Azure storage key or SAS', 'Bearer token', 'Basic credentials'].includes(name) === ignoreCase)
    .flatMap(([, hints]) => hints.map(escapeLiteral));
/** Every hint in one pattern (a single pass over most strings, which hold none). */
const ANY_HINT = new RegExp(hintsWhere(false).join('|'));
const ANY_HINT_IGNORING_CASE = new RegExp(hintsWhere(true).join('|'), 'i');

/** Shortest text a format can match (`Basic ` and six characters). */
const SHORTEST = 12;

/**
 * True when `text` may hold a match of any format: one of the hints, or a run of 40 base64
 * characters (the AWS secret key has no literal part). False for nearly every string, quickly.
 */
export function mayHoldCredential(text: string): boolean {
  return text.length >= SHORTEST && (ANY_HINT.test(text) || ANY_HINT_IGNORING_CASE.test(text) || hasRunOf40(text));
}

/** True when `text` may hold a match of `format` (its hints, or a 40-character run for the AWS secret). */
export function mayHold(format: CredentialFormat, text: string, lower: () => string): boolean {
  if (!format.hints) return format.name !== 'AWS secret access key' || hasRunOf40(text);
  const haystack = format.pattern.ignoreCase ? lower() : text;
  return format.hints.some((h) => haystack.includes(h));
}

/** True when `text` has 40 or more consecutive base64 characters (candidates for an AWS secret key). */
function hasRunOf40(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const b64 = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47;
    run = b64 ? run + 1 : 0;
    if (run >= 40) return true;
  }
  return false;
}

export const CREDENTIAL_FORMATS: readonly CredentialFormat[] = [
  f('AWS access key id', /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g),
  f('AWS secret access key', /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, awsSecretShape),
  f('GitHub token', /(?<![A-Za-z0-9_])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{20,255}/g),
  f('GitHub fine-grained token', /github_pat_[A-Za-z0-9_]{20,255}/g),
  f('GitLab token', /(?<![A-Za-z0-9])(?:glpat|gldt|glrt|glptt|glsoat|glcbt)-[A-Za-z0-9_-]{20,255}/g),
  f('npm token', /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36,255}/g),
  f('Slack token', /(?<![A-Za-z0-9])xox[abposre]-[A-Za-z0-9-]{10,255}/g),
  f('Slack app token', /(?<![A-Za-z0-9])xapp-\d-[A-Za-z0-9-]{10,255}/g),
  f('Slack webhook URL', /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]{8,255}/g),
  f('Discord webhook URL', /discord(?:app)?\.com\/api\/webhooks\/\d{5,30}\/[A-Za-z0-9_-]{20,128}/g),
  f('Stripe secret or restricted key', /(?<![A-Za-z0-9])[sr]k_(?:live|test)_[A-Za-z0-9]{10,255}/g),
  f('Stripe webhook secret', /(?<![A-Za-z0-9])whsec_[A-Za-z0-9]{20,255}/g),
  f('Google API key', /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{30,64}/g),
  f('Google OAuth client secret', /GOCSPX-[A-Za-z0-9_-]{20,64}/g),
  f('Google OAuth access token', /(?<![A-Za-z0-9])ya29\.[0-9A-Za-z_-]{20,2048}/g),
  f('Hugging Face token', /(?<![A-Za-z0-9])(?:hf|api_org)_[A-Za-z0-9]{30,255}/g),
  f('OpenAI or Anthropic key', /(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{20,255}/g),
  f('Groq, Replicate, Pinecone, LangSmith key', /(?<![A-Za-z0-9])(?:gsk|r8|pcsk|lsv2_(?:pt|sk))_[A-Za-z0-9_]{20,255}/g),
  f('SendGrid key', /(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{16,64}\.[A-Za-z0-9_-]{16,64}/g),
  f('Databricks token', /(?<![A-Za-z0-9])dapi[0-9a-f]{32}(?:-\d)?/g),
  f('DigitalOcean token', /(?<![A-Za-z0-9])do[opr]_v1_[a-f0-9]{64}/g),
  f('Shopify token', /(?<![A-Za-z0-9])shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}/g),
  f('PyPI token', /pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1024}/g),
  f('Docker Hub token', /(?<![A-Za-z0-9])dckr_pat_[A-Za-z0-9_-]{20,255}/g),
  f('Atlassian token', /(?<![A-Za-z0-9])ATATT3[A-Za-z0-9_=-]{20,1024}/g),
  f('HashiCorp Vault token', /(?<![A-Za-z0-9])hv[sb]\.[A-Za-z0-9_-]{20,255}/g),
  f('Terraform Cloud token', /[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,128}/g),
  f('New Relic key', /(?<![A-Za-z0-9])NRAK-[A-Z0-9]{27}/g),
  f('Alibaba Cloud access key id', /(?<![A-Za-z0-9])LTAI[A-Za-z0-9]{12,20}(?![A-Za-z0-9])/g),
  f('age secret key', /AGE-SECRET-KEY-1[0-9A-Z]{50,80}/g),
  f('Telegram bot token', /(?<!\d)\d{8,10}:AA[0-9A-Za-z_-]{30,40}/g),
  f('JSON Web Token', /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,512}\.eyJ[A-Za-z0-9_-]{5,8192}\.[A-Za-z0-9_-]{0,2048}/g),
  f('Azure storage key or SAS', /(?:AccountKey|SharedAccessKey|SharedAccessSignature)=[^;\s"']{8,1024}/gi),
  f('Bearer token', /Bearer\s{1,8}[A-Za-z0-9\-._~+/]{16,4096}={0,2}/gi),
  f('Basic credentials', /(?<![A-Za-z0-9])Basic\s{1,8}[A-Za-z0-9+/]{6,1024}={0,2}/gi, basicCredentials),
  f('private key', /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g),
];

/**
 * True when `text` holds a credential of a well-known format anywhere.
 * @example hasCredentialFormat('token=ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R') // true
 */
export function hasCredentialFormat(text: string): boolean {
  if (!mayHoldCredential(text)) return false;
  let lowered: string | undefined;
  const lower = () => (lowered ??= text.toLowerCase());
  for (const format of CREDENTIAL_FORMATS) {
    if (!mayHold(format, text, lower)) continue;
    const { pattern, accept } = format;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      if (!accept || accept(m[0])) {
        pattern.lastIndex = 0;
        return true;
      }
    }
  }
  return false;
}
