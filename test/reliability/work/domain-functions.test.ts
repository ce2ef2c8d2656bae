import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactDeep } from '../../../shared/drift/index.js';
import { MAX_REGEX_INPUT, redactSecrets, TpguardError } from '../../../shared/kernel/index.js';
import { CEL_FUNCTIONS } from '../../../shared/policy/index.js';
import { intake } from '../../../shared/sources/index.js';
import { measureWork, type Work, workOf } from '../../helpers/work.js';
import { fuzzOptions } from '../support/fuzz-options.js';

/**
 * Every domain function, fed hostile input of size n and 2n, must do work that grows linearly:
 * work(2n) <= 2 work(n) + SLACK. Work is counted, never timed: the steps the domain code spends
 * (shared/kernel/work.ts: one per loop iteration over event data) plus every regex execution,
 * none of which may run on more than MAX_REGEX_INPUT characters (each costs at most a constant
 * however its pattern backtracks). A function may refuse an input beyond its limits only with a
 * TpguardError (a rule reports `cannot-evaluate` with its message), never with anything else.
 *
 * Why this measure and not a time bound: the CPU is shared, so a time bound is either flaky or
 * too loose to catch a quadratic; the four attacks of issue 13 (98 s, 5.7 s, 72 s, 53 s) were
 * each a super-linear loop or backtracking regex over event data, which this counts exactly.
 */
const SLACK = 64;

/** Hostile strings of length about n: the shapes of the attacks of issue 13 and their neighbours. */
const STRINGS: Record<string, (n: number) => string> = {
  stars: (n) => '*'.repeat(n),
  starQuestion: (n) => '*?'.repeat(n / 2),
  iamStars: (n) => `iam:${'*'.repeat(n)}x`,
  wildcardRuns: (n) => '*-'.repeat(n / 2),
  jwtRuns: (n) => `-eyJ${'aaaaaaaa-eyJ'.repeat(n / 12)}`,
  keyRuns: (n) => `arn:${':key/a'.repeat(n / 6)}\n`,
  aliasRuns: (n) => `arn:aws:kms:eu-west-1:111122223333:${'alias/'.repeat(n / 6)}`,
  arnColons: (n) => `arn:aws:iam::${':'.repeat(n)}`,
  s3: (n) => `s3://${'a'.repeat(n)}/`,
  s3Hosts: (n) => `https://${'a.s3.'.repeat(n / 5)}amazonaws.com/x`,
  digits: (n) => '1'.repeat(n),
  spaces: (n) => `Bearer${' '.repeat(n)}`,
  base64: (n) => 'Ab0/'.repeat(n / 4),
  pem: (n) => `-----BEGIN ${'A'.repeat(n)}`,
  slackish: (n) => 'xoxb-'.repeat(n / 5),
  json: (n) => `{"a":${'['.repeat(n / 2)}`,
  urlEncoded: (n) => `%7B${'%22a'.repeat(n / 4)}`,
  cidr: (n) => `${'0.'.repeat(n / 2)}/0`,
};

/** Structures of size about n around a hostile string. */
const STRUCTURES: Record<string, (s: string, n: number) => unknown> = {
  value: (s) => s,
  deep: (s, n) => {
    let v: unknown = s;
    for (let i = 0; i < Math.min(n, 20_000); i++) v = { a: v };
    return v;
  },
  list: (s, n) => Array.from({ length: n / 50 }, (_, i) => (i % 2 ? s.slice(0, 50) : i)),
  wideMap: (s, n) =>
    Object.fromEntries(
      Array.from({ length: n / 50 }, (_, i) => [`${s.slice(0, 40)}${String(i).padStart(6, '0')}`, s.slice(0, 50)]),
    ),
  policy: (s, n) => ({
    Statement: Array.from({ length: Math.max(1, n / 400) }, () => ({
      Effect: 'Allow',
      Principal: { AWS: [s.slice(0, 200), '*'] },
      Action: [s.slice(0, 200)],
      NotResource: s.slice(0, 200),
      Condition: { StringLike: { 'aws:PrincipalArn': s.slice(0, 200), 'aws:SourceIp': s.slice(0, 64) } },
    })),
  }),
  policyString: (s, n) => JSON.stringify(STRUCTURES.policy!(s, n)),
  request: (s, n) => ({
    trainingJobName: s,
    environment: { [s.slice(0, 300)]: s, HF_TOKEN: s },
    inputDataConfig: Array.from({ length: n / 500 }, () => ({
      dataSource: { s3DataSource: { s3Uri: s.slice(0, 400) } },
    })),
    algorithmSpecification: { trainingImage: s },
    ipPermissions: { items: [{ ipRanges: { items: [{ cidrIp: s }] } }] },
    eventSelectors: [{ includeManagementEvents: true, readWriteType: s }],
  }),
};

/** Trusted arguments: what rules pass from the pack and the config. */
const TRUSTED: Record<string, unknown> = {
  string: 'iam:PassRole',
  list: [
    'arn:aws:iam::111122223333:role/ml-*',
    's3://ml-training-data/*',
    '111122223333.dkr.ecr.*.amazonaws.com/ml/*',
    'alias/ml-*',
  ],
  dyn: { a: 'b' },
  map: {},
};

/** Parameter types of a CEL signature: `kmsKeyMatches(dyn, list, string, string): bool` -> [dyn, list, string, string]. */
const paramsOf = (signature: string) =>
  signature
    .slice(signature.indexOf('(') + 1, signature.indexOf(')'))
    .split(',')
    .map((t) => t.trim());

interface Subject {
  name: string;
  /** The function with the hostile value in one place. */
  run: (hostile: unknown) => unknown;
  /** Only strings fit there. */
  stringOnly: boolean;
}

const celSubjects: Subject[] = CEL_FUNCTIONS.flatMap((fn) => {
  const params = paramsOf(fn.signature);
  const handler = fn.handler as (...args: unknown[]) => unknown;
  return params.map((type, at) => ({
    name: `${fn.signature} [argument ${at + 1}]`,
    stringOnly: type === 'string',
    run: (hostile: unknown) =>
      handler(
        ...params.map((t, i) =>
          i === at ? (t === 'list' && !Array.isArray(hostile) ? [hostile] : hostile) : TRUSTED[t],
        ),
      ),
  }));
});

const cloudTrail = (requestParameters: unknown) => ({
  eventVersion: '1.09',
  eventSource: 'kms.amazonaws.com',
  eventName: 'DisableKey',
  eventID: 'e-work',
  eventTime: '2026-11-02T10:00:00Z',
  awsRegion: 'eu-west-1',
  recipientAccountId: '111122223333',
  requestParameters,
  resources: [{ ARN: 'arn:aws:kms:eu-west-1:111122223333:key/x' }],
});

/** Normalizers (resource extraction included) and redaction. */
const otherSubjects: Subject[] = [
  { name: 'redactSecrets', stringOnly: false, run: (v) => redactSecrets(v) },
  { name: 'redactDeep', stringOnly: false, run: (v) => redactDeep(v) },
  ...['keyId', 'functionName', 'roleName', 'bucketName', 'name', 'trainingJobName', 'groupId'].flatMap((key) =>
    ['kms', 'lambda', 'iam', 's3', 'events', 'sagemaker', 'ec2'].map((service) => ({
      name: `normalize CloudTrail ${service} ${key}`,
      stringOnly: false,
      run: (v: unknown) => [
        ...intake(
          { ...cloudTrail({ [key]: v, tags: [{ key: 'owner', value: v }] }), eventSource: `${service}.amazonaws.com` },
          'work',
        ),
      ],
    })),
  ),
  {
    name: 'normalize a Config item',
    stringOnly: false,
    run: (v) => [
      ...intake(
        {
          resourceType: 'AWS::S3::Bucket',
          resourceId: v,
          resourceName: v,
          ARN: v,
          configurationItemCaptureTime: v,
          configurationItemStatus: 'OK',
          configuration: v,
          tags: { owner: v },
        },
        'work',
      ),
    ],
  },
];

function measure(subject: Subject, value: unknown): Work<unknown> {
  return measureWork(() => {
    try {
      return subject.run(value);
    } catch (err) {
      if (err instanceof TpguardError) return err; // a refusal the rule reports as cannot-evaluate
      throw new Error(`${subject.name} threw ${String(err)}`);
    }
  });
}

describe('Work of the domain functions on hostile input (issue 13)', () => {
  const subjects = [...celSubjects, ...otherSubjects];

  it('covers every CEL function of the pack, each argument', () => {
    expect(new Set(celSubjects.map((s) => s.name.split(' [')[0])).size).toBe(CEL_FUNCTIONS.length);
  });

  it('every subject, shape and structure: linear from 4,000 to 8,000, no regex on more than MAX_REGEX_INPUT characters', () => {
    const failures: string[] = [];
    for (const subject of subjects)
      for (const shape of Object.keys(STRINGS))
        for (const structure of subject.stringOnly ? ['value'] : Object.keys(STRUCTURES)) {
          const build = (size: number) => STRUCTURES[structure]!(STRINGS[shape]!(size), size);
          const small = measure(subject, build(4_000));
          const large = measure(subject, build(8_000));
          const where = `${subject.name} on ${structure}(${shape})`;
          if (large.longestRegexInput > MAX_REGEX_INPUT)
            failures.push(`${where}: regex on ${large.longestRegexInput} characters`);
          if (small.regexBuilt + large.regexBuilt > 0) failures.push(`${where}: RegExp built`);
          if (workOf(large) > 2 * workOf(small) + SLACK)
            failures.push(`${where}: work ${workOf(small)} -> ${workOf(large)}`);
        }
    expect(failures).toEqual([]);
  });

  it('grows linearly with the input, never runs a regex on more than MAX_REGEX_INPUT characters, builds none', () => {
    const input = fc.record({
      subject: fc.constantFrom(...subjects),
      shape: fc.constantFrom(...Object.keys(STRINGS)),
      structure: fc.constantFrom(...Object.keys(STRUCTURES)),
      // Multiples of 2,000: the structures hold n/400 statements, n/500 items and n/50 entries, whole
      // numbers only then, so 2n holds exactly twice as many (n = 20,259 gave 50 statements and 2n 101,
      // one statement more than twice: not super-linear work, a miscount of the input).
      n: fc.integer({ min: 1, max: 12 }).map((k) => k * 2_000),
    });
    fc.assert(
      fc.property(input, ({ subject, shape, structure, n }) => {
        const build = (size: number) => {
          const s = STRINGS[shape]!(size);
          return subject.stringOnly ? s : STRUCTURES[structure]!(s, size);
        };
        const small = measure(subject, build(n));
        const large = measure(subject, build(2 * n));
        const where = `${subject.name} on ${structure}(${shape})`;
        expect(large.longestRegexInput, where).toBeLessThanOrEqual(MAX_REGEX_INPUT);
        expect(small.regexBuilt + large.regexBuilt, where).toBe(0);
        expect(workOf(large), where).toBeLessThanOrEqual(2 * workOf(small) + SLACK);
      }),
      fuzzOptions(0x0b0d_1e55, 400),
    );
  });

  it('stays within the bound on 1 MB strings for every subject', () => {
    const mega = 1024 * 1024;
    for (const subject of subjects)
      for (const shape of ['jwtRuns', 'keyRuns', 'stars', 'starQuestion']) {
        const half = measure(subject, STRINGS[shape]!(mega / 2));
        const whole = measure(subject, STRINGS[shape]!(mega));
        const where = `${subject.name} on ${shape} (1 MB)`;
        expect(whole.longestRegexInput, where).toBeLessThanOrEqual(MAX_REGEX_INPUT);
        expect(workOf(whole), where).toBeLessThanOrEqual(2 * workOf(half) + SLACK);
      }
  });
});
