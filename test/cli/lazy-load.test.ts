import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, spawnCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

/** The CLI loads only the command it runs, and the STS and CloudFormation clients only against a deployed stack. */

const dir = mkdtempSync(join(tmpdir(), 'tpguard-modules-'));
const HOOK = join(REPO_ROOT, 'test', 'helpers', 'module-log.mjs');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The @aws-sdk packages a CLI run resolved, e.g. ['client-dynamodb', 'lib-dynamodb']. */
async function sdkPackagesOf(
  name: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stderr: string; packages: string[] }> {
  const log = join(dir, `${name}.log`);
  const vars = { ...env, TPGUARD_MODULE_LOG: log };
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]] as const));
  Object.assign(process.env, vars);
  try {
    const r = await spawnCli(args, { command: [process.execPath, '--import', HOOK, BIN] });
    let lines: string[] = [];
    try {
      lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    } catch {
      lines = [];
    }
    const packages = new Set(lines.map((u) => /\/@aws-sdk\/([\w-]+)\//.exec(u)?.[1]).filter((p): p is string => !!p));
    return { code: r.code, stderr: r.stderr, packages: [...packages].sort() };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('CLI: what each command loads', () => {
  it('sees the SDK modules a command loads (the check cannot pass by seeing nothing)', async () => {
    // Act
    const { code, packages } = await sdkPackagesOf('list', ['drift', 'list', '--data-dir', join(dir, 'store')]);

    // Assess
    expect(code).toBe(0);
    expect(packages).toEqual(expect.arrayContaining(['client-dynamodb', 'lib-dynamodb']));
    expect(packages).not.toContain('client-sts');
    expect(packages).not.toContain('client-cloudformation');
  }, 60_000);

  it('runs scan without loading the AWS SDK at all', async () => {
    // Act
    const { code, packages } = await sdkPackagesOf('scan', ['scan', 'events/shapes/', '--format', 'ndjson']);

    // Assess
    expect([0, 1]).toContain(code);
    expect(packages).toEqual([]);
  }, 60_000);

  it('loads the STS and CloudFormation clients only for a run against a deployed stack', async () => {
    // Act: STS answers nothing here (a closed local port, no network); the run stops at the caller's identity.
    const { code, stderr, packages } = await sdkPackagesOf('deployed', ['drift', 'list', '--stage', 'prod'], {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
      AWS_MAX_ATTEMPTS: '1',
    });

    // Assess
    expect(code).toBe(2);
    expect(stderr).toMatch(/^tpguard: cannot tell who you are in AWS \(sts:GetCallerIdentity\): /);
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(packages).toEqual(expect.arrayContaining(['client-sts', 'client-cloudformation']));
  }, 60_000);
});
