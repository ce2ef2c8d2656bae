import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig, parseYaml } from '../../../shared/config/load.js';
import { FileLoadError } from '../../../shared/kernel/index.js';
import { REPO_ROOT, tempDir } from '../../helpers/fixtures.js';
import { writeText } from '../../helpers/pack.js';

const FILE = 'tpguard.config.yaml';

/** The one line a broken config gives. */
function problem(text: string): string {
  try {
    parseConfig(text, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(FileLoadError);
    return (err as FileLoadError).toLine();
  }
  throw new Error('the config loaded');
}

describe('Function: parseConfig', () => {
  it('reads the scope and approved sections', () => {
    // Prepare
    const text = [
      'scope:',
      '  resources:',
      '    s3-bucket: ["ml-training-*"]',
      '    kms-key: ["arn:aws:kms:*:111122223333:key/1234abcd-*"]',
      '  tags:',
      '    "ml:pipeline": ["training"]',
      'approved:',
      '  images: ["111122223333.dkr.ecr.*.amazonaws.com/ml/*"]',
      '  accounts: ["111122223333"]',
      '',
    ].join('\n');

    // Act
    const config = parseConfig(text, FILE);

    // Assess
    expect(config.scope).toEqual({
      resources: { 's3-bucket': ['ml-training-*'], 'kms-key': ['arn:aws:kms:*:111122223333:key/1234abcd-*'] },
      tags: { 'ml:pipeline': ['training'] },
    });
    expect(config.approved).toMatchObject({
      images: ['111122223333.dkr.ecr.*.amazonaws.com/ml/*'],
      accounts: ['111122223333'],
      kmsKeys: [],
      executionRoles: [],
      dataLocations: [],
      principals: [],
    });
  });

  it('gives defaults for {} and for absent sections', () => {
    // Act
    const empty = parseConfig('{}\n', FILE);
    const partial = parseConfig('# only owners\nowners: { default: { email: [a@example.com] } }\n', FILE);

    // Assess
    expect(empty.scope).toEqual({ resources: {}, tags: {} });
    expect(empty.approved).toMatchObject({
      kmsKeys: [],
      images: [],
      executionRoles: [],
      dataLocations: [],
      principals: [],
      accounts: [],
    });
    expect(partial.scope).toEqual(empty.scope);
  });

  it('refuses an empty file, or one of comments only, with a message saying what to do', () => {
    const message = `${FILE}: empty: no settings in it (write {} for the defaults, or run tpguard init for a starter)`;
    expect(problem('')).toBe(message);
    expect(problem('# nothing yet\n\n')).toBe(message);
  });

  it('names the path of an unknown key', () => {
    // Act & Assess
    expect(problem('approved:\n  kmsKey: []\n')).toBe(`${FILE}: unknown key approved.kmsKey`);
    expect(problem('scopes: {}\n')).toBe(`${FILE}: unknown key scopes`);
    expect(problem('scope:\n  resources:\n    s3bucket: ["x"]\n')).toBe(
      `${FILE}: unknown key scope.resources.s3bucket`,
    );
  });

  it('names the path of a value of the wrong shape', () => {
    // Act & Assess
    expect(problem('approved:\n  accounts: ["1234"]\n')).toBe(
      `${FILE}: approved.accounts.0: an account id is 12 digits`,
    );
    expect(problem('scope:\n  tags:\n    owner: vision\n')).toMatch(new RegExp(`^${FILE}: scope\\.tags\\.owner: `));
    expect(problem('approved:\n  images: [""]\n')).toMatch(new RegExp(`^${FILE}: approved\\.images\\.0: `));
  });

  it('gives YAML errors with their line', () => {
    // Act & Assess
    expect(problem('scope:\n  resources: {}\nscope: {}\n')).toBe(`${FILE}: line 3: Map keys must be unique`);
    expect(problem('approved:\n  images: ["unterminated\n')).toMatch(new RegExp(`^${FILE}: line \\d+: `));
    expect(problem('scope:\n  resources: [\n')).not.toContain('\n');
  });
});

describe('Function: parseYaml', () => {
  it('gives the data, or the first problem as line N: message', () => {
    // Act & Assess
    expect(parseYaml('a: 1\n')).toEqual({ ok: true, data: { a: 1 } });
    expect(parseYaml('a: 1\nb:\n  - x\na: 2\n')).toEqual({ ok: false, message: 'line 4: Map keys must be unique' });
  });
});

describe('Function: loadConfig', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });

  afterEach(async () => {
    await cleanup();
  });

  it('loads the commented example config that npm start uses', async () => {
    // Act
    const config = await loadConfig(join(REPO_ROOT, 'tpguard.config.yaml'));

    // Assess
    expect(config.scope.resources['s3-bucket']?.length).toBeGreaterThan(0);
    expect(config.approved.accounts).toContain('111122223333');
  });

  it('gives the defaults without a file', async () => {
    // Act
    const config = await loadConfig(undefined);

    // Assess
    expect(config.scope).toEqual({ resources: {}, tags: {} });
  });

  it('names the file it cannot read or parse', async () => {
    // Prepare
    const broken = join(dir, 'broken.yaml');
    await writeText(broken, 'approved:\n  kmsKey: []\n');

    // Act
    const missing = await loadConfig(join(dir, 'missing.yaml')).catch((e: FileLoadError) => e.toLine());
    const bad = await loadConfig(broken).catch((e: FileLoadError) => e.toLine());

    // Assess
    expect(missing).toBe(`${join(dir, 'missing.yaml')}: cannot read: ENOENT`);
    expect(bad).toBe(`${broken}: unknown key approved.kmsKey`);
  });
});

describe('approved.dataLocations (attack 5)', () => {
  it('refuses a wildcard in the bucket name: bucket names are global, anyone can create ml-training-anything', () => {
    // Act & Assess
    expect(problem('approved:\n  dataLocations: ["s3://ml-training-*"]\n')).toBe(
      `${FILE}: approved.dataLocations.0: name the bucket exactly (bucket names are global: a wildcard in it approves buckets anyone can create): s3://<bucket>/<key glob>`,
    );
    expect(problem('approved:\n  dataLocations: ["https://ml-training-data/x"]\n')).toMatch(
      /approved\.dataLocations\.0: /,
    );
    expect(
      parseConfig('approved:\n  dataLocations: ["s3://ml-training-data/*", "s3://ml-artifacts"]\n', FILE).approved
        .dataLocations,
    ).toEqual(['s3://ml-training-data/*', 's3://ml-artifacts']);
  });
});
