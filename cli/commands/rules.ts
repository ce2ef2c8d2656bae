import type { Command } from 'commander';
import type { TpguardConfig } from '../../shared/config/index.js';
import { checkPackPaths, generatePatterns, missingConfiguration, PolicyPackError } from '../../shared/policy/index.js';
import type { CompiledRule, PolicyPack } from '../../shared/policy/index.js';
import { runRuleTests } from '../../shared/policy/index.js';
import { describeTrigger } from '../../shared/sources/index.js';
import { Exit, loadContext, policyDir } from '../context.js';
import { CliError } from '../errors.js';
import { renderTable } from '../table.js';
import { loadPolicyPack } from '../../shared/policy/index.js';
import { storeOptions, type StoreOptions } from '../store-options.js';

/** The JSON form of a rule in `rules list --format json`; `notConfigured` under the given configuration. */
export function ruleSummary(c: CompiledRule, config?: TpguardConfig) {
  const r = c.rule;
  return {
    id: r.id,
    title: r.title,
    severity: r.severity,
    area: c.area,
    file: c.file,
    trigger: r.on,
    triggerText: describeTrigger(r.on),
    resourceType: r.resource.type,
    controls: r.controls,
    threats: r.threats,
    references: r.references,
    tests: r.tests.length,
    needs: c.needs.map((k) => `approved.${k}`),
    ...(config ? { notConfigured: missingConfiguration(c.needs, config).map((k) => `approved.${k}`) } : {}),
  };
}

/** `active`, or the `approved` lists the rule still waits for. */
function statusOf(c: CompiledRule, config: TpguardConfig): string {
  const missing = missingConfiguration(c.needs, config);
  return missing.length === 0 ? 'active' : `needs ${missing.map((k) => `approved.${k}`).join(', ')}`;
}

async function pack(opts: { policy?: string }): Promise<PolicyPack> {
  return loadPolicyPack(policyDir(opts.policy));
}

export function registerRules(program: Command): void {
  const rules = program
    .command('rules')
    .description('validate, list, test the policy pack and print its EventBridge patterns')
    .addHelpText(
      'after',
      '\nExamples:\n  $ tpguard rules validate\n  $ tpguard rules list\n  $ tpguard rules test --rule TPS-SM-01',
    );
  const policyOpt = [
    '--policy <dir>',
    'policy pack folder (default: ./policies when present, else the pack tpguard ships)',
  ] as const;

  rules
    .command('validate')
    .description(
      'load the pack (YAML, schema, CEL, triggers, ids) and prove every field path a rule reads against the AWS API models; one line per problem',
    )
    .option(...policyOpt)
    .addHelpText('after', '\nExample:\n  $ tpguard rules validate --policy policies/')
    .action(async (opts: { policy?: string }) => {
      const p = await pack(opts);
      const paths = checkPackPaths(p);
      if (paths.problems.length > 0) throw new PolicyPackError(paths.problems);
      process.stdout.write(
        `policy pack ${p.version}: ${p.rules.length} rules valid; ${paths.counts.checked} field path${paths.counts.checked === 1 ? '' : 's'} proven against the AWS models, ${paths.counts.config} against the configuration schema\n`,
      );
    });

  rules
    .command('list')
    .description('list the rules with severity, trigger and mappings')
    .option(...policyOpt)
    .option(
      '--config <file>',
      'configuration whose approved lists decide which rules are active (default: ./tpguard.config.yaml)',
    )
    .option('--format <format>', 'table or json', 'table')
    .addHelpText(
      'after',
      '\nA rule whose approved list is still empty judges only what does not need it: STATUS names the list to set.\n\nExamples:\n  $ tpguard rules list\n  $ tpguard rules list --format json | jq ".[].id"',
    )
    .action(async (opts: { policy?: string; config?: string; format: string }) => {
      if (!['table', 'json'].includes(opts.format)) throw new CliError('--format must be table or json');
      const { pack: p, config } = await loadContext(opts);
      if (opts.format === 'json') {
        process.stdout.write(
          `${JSON.stringify(
            p.rules.map((c) => ruleSummary(c, config)),
            null,
            2,
          )}\n`,
        );
        return;
      }
      process.stdout.write(
        `${renderTable(
          ['ID', 'SEVERITY', 'AREA', 'TRIGGER', 'STATUS', 'TITLE'],
          p.rules.map((c) => [
            c.rule.id,
            c.rule.severity,
            c.area,
            describeTrigger(c.rule.on),
            statusOf(c, config),
            c.rule.title,
          ]),
          70,
        )}\n`,
      );
      const waiting = p.rules.filter((c) => missingConfiguration(c.needs, config).length > 0).length;
      process.stdout.write(
        `\npolicy pack ${p.version}: ${p.rules.length} rules${waiting > 0 ? `, ${waiting} not fully active for want of configuration (STATUS)` : ''}\n`,
      );
    });

  rules
    .command('test')
    .description("run every rule's own test cases; print each failure with the rule, the case and the observed verdict")
    .option(...policyOpt)
    .option('--rule <id>', 'only this rule')
    .option(
      '--fixtures <dir>',
      "the folder the cases' event and config paths are relative to (default: the folder holding the pack)",
    )
    .addHelpText(
      'after',
      '\nOnly this command reads the files the cases name: scan, replay and the rest use a pack without them.\n\nExamples:\n  $ tpguard rules test --rule TPS-SM-01\n  $ tpguard rules test --policy /srv/packs/mds-01/policies --fixtures /srv/packs/mds-01',
    )
    .action(async (opts: { policy?: string; rule?: string; fixtures?: string }) => {
      const p = await pack(opts);
      const only = opts.rule ? (id: string) => id === opts.rule : undefined;
      const results = await runRuleTests(p, only, { fixtures: opts.fixtures });
      if (opts.rule && results.length === 0) throw new CliError(`no rule ${opts.rule} in the pack`);
      const failed = results.filter((r) => !r.passed);
      for (const f of failed) {
        process.stdout.write(
          `FAIL ${f.ruleId} "${f.name}" (${f.event}): expected ${f.expected}, observed ${f.observed}${f.note ? ` [${f.note}]` : ''}\n`,
        );
      }
      process.stdout.write(
        `${results.length - failed.length} passed, ${failed.length} failed (${new Set(results.map((r) => r.ruleId)).size} rules, pack ${p.version})\n`,
      );
      process.exitCode = failed.length > 0 ? Exit.findings : Exit.ok;
    });

  rules
    .command('patterns')
    .description('print the EventBridge event patterns generated from the pack (JSON)')
    .option(...policyOpt)
    .option('--config <file>', 'configuration file (unused by patterns; accepted for symmetry)')
    .addHelpText('after', '\nExample:\n  $ tpguard rules patterns > patterns.json')
    .action(async (opts: { policy?: string; config?: string }) => {
      const { pack: p } = await loadContext(opts);
      process.stdout.write(`${JSON.stringify({ packVersion: p.version, patterns: generatePatterns(p) }, null, 2)}\n`);
    });

  storeOptions(
    rules
      .command('publish')
      .description(
        'record who put this pack version in force (run by whoever deploys it); with four eyes they cannot sign its review off',
      ),
  )
    .option('--by <name>', 'who (deployed: a display name beside your AWS identity; required locally)')
    .addHelpText(
      'after',
      '\nAgainst a stack the pack must be the version it runs (its PackVersion output); the first record of a version stands.\n\nExamples:\n  $ npm run deploy -- --stage prod --region eu-west-1 && npx tpguard rules publish --stage prod --region eu-west-1\n  $ tpguard rules publish --by "Pat Platform"',
    )
    .action(async (opts: StoreOptions & { by?: string }, cmd: Command) =>
      (await import('./rules-publish.js')).publishPack(opts, cmd),
    );
}
