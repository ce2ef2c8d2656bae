import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { checkPackPaths, loadPolicyPack } from '../../shared/policy/index.js';
import { POLICY_DIR, RULES_DOC, renderRulesDoc } from '../../scripts/docs-rules.js';

describe('Docs: docs/rules.md', () => {
  it('is up to date with the pack (run npm run docs:rules)', async () => {
    // Prepare
    const pack = await loadPolicyPack(POLICY_DIR);

    // Act
    const rendered = renderRulesDoc(pack);
    const onDisk = await readFile(RULES_DOC, 'utf8');

    // Assess
    expect(onDisk === rendered, 'docs/rules.md is stale: run npm run docs:rules').toBe(true);
  });

  it('lists every rule with its severity, trigger and test count', async () => {
    // Prepare
    const pack = await loadPolicyPack(POLICY_DIR);

    // Act
    const text = renderRulesDoc(pack);

    // Assess
    expect(text).toContain(`Policy pack \`${pack.version}\`: **${pack.rules.length} rules**`);
    for (const c of pack.rules) {
      expect(text).toMatch(
        new RegExp(
          `\\*\\*${c.rule.id}\\*\\*<br>[^|]+\\| ${c.rule.severity} \\| \`${c.rule.on.source}[^|]*\\|.*\\| ${c.rule.tests.length} \\|`,
        ),
      );
    }
  });

  it('says how many field paths rules validate proves, and that none of the peers does', async () => {
    // Prepare
    const pack = await loadPolicyPack(POLICY_DIR);

    // Act
    const text = renderRulesDoc(pack);

    // Assess
    expect(text).toContain(`proves **${checkPackPaths(pack).counts.checked} field paths**`);
    expect(text).toMatch(/None of the peers checks this: Cloud Custodian .*; Panther .*; Prowler /s);
    expect(text).toContain('| Rule | Severity | Trigger | Controls | Threats | References | Needs | Tests |');
  });
});
