import { mkdtemp, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSnapshotPath, loadConfigSnapshot } from '../../../shared/config/index.js';
import { loadConfig } from '../../../shared/config/index.js';
import { readInputs } from '../../../shared/events/index.js';
import { createEvaluator, evaluate } from '../../../shared/policy/evaluate.js';
import { PolicyPackError } from '../../../shared/policy/errors.js';
import { loadPackSnapshot, PACK_SNAPSHOT_FILE, packFromSnapshot, snapshotOf } from '../../../shared/policy/compile.js';
import { loadPolicyPack } from '../../../shared/policy/load.js';
import { FileLoadError } from '../../../shared/kernel/index.js';

async function verdicts(dir: string, fromSnapshot: boolean): Promise<string[]> {
  const pack = fromSnapshot ? await loadPackSnapshot(dir) : await loadPolicyPack(dir, { checkTestFiles: false });
  const ev = createEvaluator(pack, await loadConfig('tpguard.config.yaml'));
  const out: string[] = [];
  for await (const r of readInputs(['events/cloudtrail']))
    if (r.ok)
      for (const f of evaluate(ev, r.observation)) out.push(`${r.observation.eventId} ${f.ruleId} ${f.verdict}`);
  return out.sort();
}

describe('Function: snapshotOf / packFromSnapshot', () => {
  it('rebuilds the same pack: same version, rules and verdicts as the YAML', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'tpguard-snap-'));
    await cp('policies', join(dir, 'policies'), { recursive: true });
    const pack = await loadPolicyPack(join(dir, 'policies'), { checkTestFiles: false });
    await writeFile(join(dir, 'policies', PACK_SNAPSHOT_FILE), JSON.stringify(snapshotOf(pack)));

    // Act
    const fromSnapshot = await loadPackSnapshot(join(dir, 'policies'));

    // Assess
    expect(fromSnapshot.version).toBe(pack.version);
    expect(fromSnapshot.rules.map((r) => r.rule.id)).toEqual(pack.rules.map((r) => r.rule.id));
    expect(await verdicts(join(dir, 'policies'), true)).toEqual(await verdicts(join(dir, 'policies'), false));
  });

  it('gives lazy rules the approved lists and facets of the compiled ones, with or without needs in the snapshot', async () => {
    // Prepare
    const pack = await loadPolicyPack('policies', { checkTestFiles: false });
    const snapshot = snapshotOf(pack);
    const withoutNeeds = { ...snapshot, rules: snapshot.rules.map(({ needs: _, ...r }) => r) };

    // Act
    const lazy = packFromSnapshot(snapshot, 'policies', PACK_SNAPSHOT_FILE, { lazy: true });
    const derived = packFromSnapshot(withoutNeeds, 'policies', PACK_SNAPSHOT_FILE, { lazy: true });

    // Assess
    const needs = pack.rules.map((r) => r.needs);
    expect(needs.some((n) => n.length > 0)).toBe(true);
    expect(lazy.rules.map((r) => r.needs)).toEqual(needs);
    expect(derived.rules.map((r) => r.needs)).toEqual(needs);
    expect(lazy.rules.map((r) => r.facets !== undefined)).toEqual(pack.rules.map((r) => r.facets !== undefined));
    expect(pack.rules.some((r) => r.facets !== undefined)).toBe(true);
  });

  it('refuses a snapshot whose rule does not validate or compile, naming the file', async () => {
    // Prepare
    const pack = await loadPolicyPack('policies', { checkTestFiles: false });
    const snapshot = snapshotOf(pack);
    const broken = {
      ...snapshot,
      rules: [{ ...snapshot.rules[0]!, rule: { ...snapshot.rules[0]!.rule, violation: 'req.(' } }],
    };

    // Act + Assess
    expect(() => packFromSnapshot(broken, 'policies')).toThrow(PolicyPackError);
    expect(() => packFromSnapshot(broken, 'policies')).toThrow(
      /policies\/\w+\/TPS-[A-Z0-9]+-\d+\.yaml: TPS-[A-Z0-9]+-\d+: violation:/,
    );
    expect(() => packFromSnapshot({ version: 'x', rules: [] }, 'policies')).toThrow(/not a policy pack snapshot/);
  });
});

describe('Function: loadPackSnapshot / loadConfigSnapshot', () => {
  it('names the missing snapshot and how to make it', async () => {
    // Act + Assess
    await expect(loadPackSnapshot('policies')).rejects.toThrow(
      /pack\.snapshot\.json: cannot read: ENOENT \(the build writes it: npm run package\)/,
    );
    await expect(loadConfigSnapshot('tpguard.config.yaml')).rejects.toThrow(FileLoadError);
  });

  it('reads the JSON snapshot beside the YAML and validates it strictly', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'tpguard-cfg-'));
    const file = join(dir, 'tpguard.config.yaml');
    await writeFile(file, 'approved: { accounts: ["111122223333"] }\n');
    await writeFile(configSnapshotPath(file), JSON.stringify({ approved: { accounts: ['444455556666'] } }));

    // Act
    const fromSnapshot = await loadConfigSnapshot(file);
    const fromYaml = await loadConfig(file);

    // Assess
    expect(fromSnapshot.approved.accounts).toEqual(['444455556666']);
    expect(fromYaml.approved.accounts).toEqual(['111122223333']);
    await writeFile(configSnapshotPath(file), JSON.stringify({ approved: { kmsKey: [] } }));
    await expect(loadConfigSnapshot(file)).rejects.toThrow(FileLoadError);
    await expect(loadConfigSnapshot(file)).rejects.toThrow(/unknown key approved\.kmsKey/);
  });
});
