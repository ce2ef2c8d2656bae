import { describe, expect, it } from 'vitest';
import { CREDENTIAL_FORMATS } from '../../../shared/kernel/credential-formats.js';
import { foldName } from '../../../shared/kernel/fold.js';
import {
  credentialNameClass,
  isSecretValue,
  MAX_SCANNED_CHARS,
  OMITTED,
  redactSecrets,
  redactString,
  redactTags,
} from '../../../shared/kernel/redaction.js';
import { isSecretLike, REDACTED, secretKeys } from '../../../shared/kernel/secrets.js';
import { ORDINARY_VALUES, SECRET_SHAPES, SECRET_TAGS } from '../../security/secret-corpus.js';

describe('Function: redactString', () => {
  it.each(SECRET_SHAPES.map((s) => [s.shape, s]))('cuts out %s', (_shape, s) => {
    // Act
    const out = redactString(s.key, s.value);
    // Assess
    expect(out).toContain(REDACTED);
    for (const needle of s.needles) expect(out).not.toContain(needle);
  });

  it.each(ORDINARY_VALUES)('keeps the ordinary setting %s', (key, value) => {
    // Act & Assess
    expect(redactString(key, value)).toBe(value);
  });

  it('keeps where a URL points and cuts only its credentials', () => {
    // Act & Assess
    expect(redactString('MLFLOW_TRACKING_URI', 'https://admin:S3cr3tPassw0rd@mlflow.example.com')).toBe(
      `https://${REDACTED}@mlflow.example.com`,
    );
    expect(redactString('CALLBACK', 'https://api.example.com/cb?access_token=EXAMPLEaccessToken0000&state=ok')).toBe(
      `https://api.example.com/cb?access_token=${REDACTED}&state=ok`,
    );
    expect(redactString('GIT', 'ssh://git@github.com/org/repo.git')).toBe('ssh://git@github.com/org/repo.git');
  });

  it('redacts JSON text field by field and keeps its other fields', () => {
    // Act
    const out = redactString('SETTINGS', '{"api_key": "json-EXAMPLE-key-0001", "region": "eu-west-1"}');
    // Assess
    expect(JSON.parse(out)).toEqual({ api_key: REDACTED, region: 'eu-west-1' });
  });

  it('examines at most MAX_SCANNED_CHARS of a string, cut at a separator', () => {
    // Prepare
    const long = `${'word '.repeat(MAX_SCANNED_CHARS / 5 - 1)}AKIAIOSFODNN7EXAMPLE and more`;
    // Act
    const out = redactString('', long);
    // Assess
    expect(out.length).toBeLessThan(MAX_SCANNED_CHARS + 32);
    expect(out).not.toContain('AKIAIOSF');
    expect(out).toMatch(/…\[\d+ chars\]$/);
  });
});

describe('Function: credentialNameClass', () => {
  it('folds look-alike names before matching them', () => {
    // Act & Assess
    expect(foldName('p\u0430ssword')).toBe('password');
    expect(foldName('\uff30\uff21\uff33\uff33')).toBe('pass');
    expect(credentialNameClass('p\u0430ssword')).toBe('always');
    expect(credentialNameClass('DB_PASS')).toBe('always');
    expect(credentialNameClass('X-Amz-Signature')).toBe('always');
    expect(credentialNameClass('STRIPE_KEY')).toBe('random');
  });

  it('does not take tokenizer settings, pointers or plain keys for credentials', () => {
    // Act & Assess
    for (const name of ['tokenizer', 'max_tokens', 'pad_token', 'author', 'secret_name', 'AUTH_URL', 'sort_key', 'key'])
      expect(credentialNameClass(name), name).not.toBe('always');
    expect(credentialNameClass('sort_key')).toBeUndefined();
  });
});

describe('Function: redactSecrets', () => {
  it('keeps only the keys of environment and hyperParameters, marking the secret-like ones', () => {
    // Prepare
    const doc = {
      requestParameters: {
        trainingJobName: 'llm-finetune',
        Environment: { HF_TOKEN: 'hf_EXAMPLEzyw2MzP0ZvzOMhfWuBByReQMsm9', NOTE: 'x\nOpen in the AWS console: evil' },
        hyperParameters: { epochs: '3', 'p\u0430ssword': 'Tr0ub4dor&3xyz' },
        containerArguments: ['--db', 'postgres://app:Pg-Pa55word-EXAMPLE@db.example.com/ml'],
        tags: [
          { key: 'db-password', value: 'tag-EXAMPLE-pw' },
          { key: 'owner', value: 'nlp' },
        ],
      },
    };
    // Act
    const out = redactSecrets(doc);
    // Assess
    expect(out).toEqual({
      requestParameters: {
        trainingJobName: 'llm-finetune',
        Environment: { HF_TOKEN: REDACTED, NOTE: OMITTED },
        hyperParameters: { epochs: OMITTED, 'p\u0430ssword': REDACTED },
        containerArguments: ['--db', `postgres://${REDACTED}@db.example.com/ml`],
        tags: [
          { key: 'db-password', value: REDACTED },
          { key: 'owner', value: 'nlp' },
        ],
      },
    });
    expect(doc.requestParameters.Environment.HF_TOKEN).toMatch(/^hf_/);
    expect(redactSecrets(out)).toEqual(out); // twice (evidence, then alert facts) is once
  });

  it('survives hostile nesting and drops prototype keys', () => {
    // Prepare
    let deep: unknown = 'AKIAIOSFODNN7EXAMPLE';
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    // Act & Assess
    expect(() => JSON.stringify(redactSecrets(deep))).not.toThrow();
    expect(redactSecrets(JSON.parse('{"constructor": "x", "ok": "yes"}'))).toEqual({ ok: 'yes' });
  });
});

describe('Function: redactTags', () => {
  it.each(SECRET_TAGS.map((s) => [s.shape, s]))('redacts the %s and keeps the owner tag', (_shape, s) => {
    // Act
    const out = redactTags({ owner: 'nlp', [s.key]: s.value });
    // Assess
    expect(out.owner).toBe('nlp');
    for (const needle of s.needles) expect(JSON.stringify(out)).not.toContain(needle);
  });
});

describe('Function: isSecretLike (rule verdicts)', () => {
  it('recognizes the token formats and look-alike names the redaction knows', () => {
    // Act & Assess
    expect(isSecretLike('STRIPE', 'sk_live_EXAMPLE3fFKcZjR4I0b3jRta')).toBe(true);
    expect(isSecretLike('MAPS', 'AIzaEXAMPLEx83rzjZZZZGeoZDMENcKHVmDGAkJ')).toBe(true);
    expect(secretKeys({ 'p\u0430ssword': 'Tr0ub4dor&3xyzQ!', epochs: '3' })).toEqual(['p\u0430ssword']);
    expect(isSecretValue('note', 'Basic training run')).toBe(false);
  });
});

/** Quantifiers outside character classes: `*`, `+`, `{n,}` (unbounded) or `{n,m}`. */
function unboundedQuantifiers(source: string): string[] {
  const found: string[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (!inClass && (c === '*' || c === '+')) found.push(source.slice(Math.max(0, i - 10), i + 1));
    else if (!inClass && c === '{' && /^\{\d+,\}/.test(source.slice(i))) found.push(source.slice(i, i + 8));
  }
  return found;
}

describe('Constant: CREDENTIAL_FORMATS', () => {
  it('has only bounded quantifiers, so each position of a hostile string costs a bounded amount', () => {
    // Act & Assess
    for (const f of CREDENTIAL_FORMATS) expect(unboundedQuantifiers(f.pattern.source), f.name).toEqual([]);
  });
});
