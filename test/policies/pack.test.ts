import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyPack, type PolicyPack } from '../../shared/policy/index.js';
import { runRuleTests, type RuleTestResult } from '../../shared/policy/index.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

const AREAS = ['audit', 'bedrock', 'config', 'ecr', 'guardduty', 'iam', 'kms', 'network', 's3', 'sagemaker'];

describe('Pack: the MDS-01 policy pack', () => {
  let pack: PolicyPack;
  let results: RuleTestResult[];

  beforeAll(async () => {
    pack = await loadPolicyPack(join(REPO_ROOT, 'policies'));
    results = await runRuleTests(pack);
  });

  it('loads with at least 40 rules covering every area', () => {
    // Assess
    expect(pack.rules.length).toBeGreaterThanOrEqual(40);
    expect([...new Set(pack.rules.map((c) => c.area))].sort()).toEqual(AREAS);
  });

  it('gives every rule at least two cases, one violating and one passing', () => {
    // Act
    const weak = pack.rules
      .filter(
        (c) =>
          c.rule.tests.length < 2 ||
          !c.rule.tests.some((t) => t.expect === 'violation') ||
          !c.rule.tests.some((t) => t.expect === 'pass'),
      )
      .map((c) => c.rule.id);

    // Assess
    expect(weak).toEqual([]);
  });

  it('maps every rule to MDS-01, threats, references and a numbered runbook', () => {
    // Act
    const incomplete = pack.rules.flatMap((c) => {
      const r = c.rule;
      const problems = [
        r.controls.aicm.includes('MDS-01') ? '' : 'aicm',
        r.severity === 'informational' || r.threats.atlas.length + r.threats.owasp.length > 0 ? '' : 'threats',
        r.references.length > 0 ? '' : 'references',
        /^1\. .+\n2\. /m.test(r.runbook) ? '' : 'runbook',
      ].filter(Boolean);
      return problems.length > 0 ? [`${r.id}: ${problems.join(', ')}`] : [];
    });

    // Assess
    expect(incomplete).toEqual([]);
  });

  it('passes every rule test case', () => {
    // Act
    const failures = results
      .filter((r) => !r.passed)
      .map(
        (r) =>
          `${r.ruleId} "${r.name}" (${r.event}): expected ${r.expected}, observed ${r.observed}${r.note ? ` [${r.note}]` : ''}`,
      );

    // Assess
    expect(failures).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(2 * pack.rules.length);
  });

  it('prints "N passed, 0 failed" from tpguard rules test', async () => {
    // Act
    const { code, stdout } = await runCli(['rules', 'test', '--policy', join(REPO_ROOT, 'policies')]);

    // Assess
    expect(stdout).toMatch(
      new RegExp(`^${results.length} passed, 0 failed \\(${pack.rules.length} rules, pack ${pack.version}\\)$`, 'm'),
    );
    expect(code).toBe(0);
  });
});
