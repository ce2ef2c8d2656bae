import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/index.js';
import { readInputs } from '../../shared/events/index.js';
import { createEvaluator, evaluate } from '../../shared/policy/index.js';
import { loadPolicyPack } from '../../shared/policy/index.js';
import { CORPUS_DIR, REPO_ROOT } from '../helpers/fixtures.js';

/** What expected.yaml says of a file. */
type Expected = 'none' | { violations?: string[]; cannotEvaluate?: string[]; rejected?: string; skipped?: string };

/** What the scan saw in a file. */
interface Seen {
  violations: Set<string>;
  cannotEvaluate: Set<string>;
  rejected: string[];
  skipped: string[];
  observations: number;
}

const sorted = (s: Iterable<string>) => [...s].sort();

async function corpusFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)));
  }
  return out.sort();
}

/** Scans the whole corpus folder once, as `tpguard scan` does, and groups the verdicts by file. */
async function scanCorpus(): Promise<Map<string, Seen>> {
  const pack = await loadPolicyPack(join(REPO_ROOT, 'policies'));
  const ev = createEvaluator(pack, await loadConfig(join(REPO_ROOT, 'test', 'corpus', 'all-in-scope.config.yaml')));
  const seen = new Map<string, Seen>();
  const of = (where: string): Seen => {
    const file = relative(CORPUS_DIR, where).replace(/:\d+$/, '');
    let s = seen.get(file);
    if (!s) {
      s = { violations: new Set(), cannotEvaluate: new Set(), rejected: [], skipped: [], observations: 0 };
      seen.set(file, s);
    }
    return s;
  };
  for await (const item of readInputs([CORPUS_DIR], { onSkip: (file, reason) => of(file).skipped.push(reason) })) {
    if (!item.ok) {
      of(item.rejection.where).rejected.push(item.rejection.reason);
      continue;
    }
    const s = of(item.where);
    s.observations++;
    for (const f of evaluate(ev, item.observation)) {
      if (f.verdict === 'violation') s.violations.add(f.ruleId);
      if (f.verdict === 'cannot-evaluate') s.cannotEvaluate.add(f.ruleId);
    }
  }
  return seen;
}

describe('Corpus: verdicts on the public sample events', () => {
  let expected: Record<string, Expected>;
  let seen: Map<string, Seen>;
  let files: string[];

  beforeAll(async () => {
    expect(existsSync(CORPUS_DIR), `the public corpus is missing at ${CORPUS_DIR}`).toBe(true);
    expected = parse(await readFile(join(REPO_ROOT, 'test', 'corpus', 'expected.yaml'), 'utf8')) as Record<
      string,
      Expected
    >;
    files = await corpusFiles(CORPUS_DIR);
    seen = await scanCorpus();
  });

  it('has an expected verdict for every corpus file, and none for files that do not exist', () => {
    // Assess
    expect(sorted(Object.keys(expected))).toEqual(files);
  });

  it('evaluates or rejects every file, with a reason for each rejection', () => {
    // Assess
    for (const file of files) {
      const s = seen.get(file);
      expect(s, `${file} was neither evaluated, rejected nor skipped`).toBeDefined();
      expect(s!.observations + s!.rejected.length + s!.skipped.length, file).toBeGreaterThan(0);
      for (const reason of [...s!.rejected, ...s!.skipped]) expect(reason.length, file).toBeGreaterThan(5);
    }
  });

  it('gives each file the verdict written beside it', () => {
    // Act
    const mismatches: string[] = [];
    for (const file of files) {
      const want = expected[file] ?? 'none';
      const s = seen.get(file) ?? {
        violations: new Set<string>(),
        cannotEvaluate: new Set<string>(),
        rejected: [],
        skipped: [],
        observations: 0,
      };
      const got = {
        violations: sorted(s.violations),
        cannotEvaluate: sorted(s.cannotEvaluate),
        rejected: s.rejected,
        skipped: s.skipped,
      };
      const spec = want === 'none' ? {} : want;
      const ok =
        (spec.rejected === undefined
          ? got.rejected.length === 0
          : got.rejected.some((r) => r.includes(spec.rejected!))) &&
        (spec.skipped === undefined ? got.skipped.length === 0 : got.skipped.some((r) => r.includes(spec.skipped!))) &&
        JSON.stringify(got.violations) === JSON.stringify(sorted(spec.violations ?? [])) &&
        JSON.stringify(got.cannotEvaluate) === JSON.stringify(sorted(spec.cannotEvaluate ?? []));
      if (!ok) mismatches.push(`${file}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }

    // Assess
    expect(mismatches).toEqual([]);
  });

  it('raises nothing for the benign events', () => {
    // Prepare (panther-analysis/ct_kms_PutKeyPolicy_restricted.json, benign upstream, also grants to a
    // second organization: see expected.yaml)
    const benign = [
      'panther-analysis/ct_s3_PutBucketVersioning_enabled.json',
      'panther-analysis/ct_iam_AttachRolePolicy_nonadmin.json',
      'panther-analysis/ct_s3_PutBucketPolicy_accessdenied.json',
      'panther-analysis/ct_ec2_AuthorizeSecurityGroupIngress_unauthorized.json',
      'panther-analysis/ct_ec2source_DeleteBucketEncryption_negative.json',
    ];

    // Assess
    for (const file of benign) {
      const s = seen.get(file)!;
      expect({
        file,
        observations: s.observations > 0,
        violations: sorted(s.violations),
        cannotEvaluate: sorted(s.cannotEvaluate),
      }).toEqual({ file, observations: true, violations: [], cannotEvaluate: [] });
    }
  });
});
