import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/index.js';
import { createEvaluator, evaluate, type Evaluator, type Finding } from '../../shared/policy/index.js';
import { loadPolicyPack } from '../../shared/policy/index.js';
import { intake } from '../../shared/sources/index.js';
import { MAX_REGEX_INPUT } from '../../shared/kernel/index.js';
import { type Json, loadJson, REPO_ROOT } from '../helpers/fixtures.js';
import { measureWork, workOf } from '../helpers/work.js';

/**
 * The inputs of the adversarial review of issue 13 (copies under fixtures/attacks/, numbered as
 * in the review), scanned with the pack and its test configuration: each gives the verdict an
 * honest monitor gives, not the one the attacker wanted.
 */
const attack = (file: string) => loadJson(`test/policies/fixtures/attacks/${file}`);

function findings(ev: Evaluator, doc: unknown): Finding[] {
  return [...intake(doc, 'attack')].flatMap((r) => {
    if (!r.ok) throw new Error(`fixture rejected: ${r.rejection.reason}`);
    return evaluate(ev, r.observation);
  });
}

/** `ruleId verdict` of the given rules, in pack order. */
const verdicts = (ev: Evaluator, file: string, ruleIds: string[]) =>
  findings(ev, attack(file))
    .filter((f) => ruleIds.includes(f.ruleId))
    .map((f) => `${f.ruleId} ${f.verdict}`);

describe('Attacks of the adversarial review (issue 13): verdicts', () => {
  let ev: Evaluator;

  beforeAll(async () => {
    const pack = await loadPolicyPack(join(REPO_ROOT, 'policies'));
    ev = createEvaluator(pack, await loadConfig(join(REPO_ROOT, 'policies', 'test.config.yaml')));
  });

  it('11: reports iam:PassRole on * next to an Action of forty wildcards (it was a 98 s ReDoS)', () => {
    expect(verdicts(ev, '01-redos-passrole-40.json', ['TPS-IAM-02'])).toEqual(['TPS-IAM-02 violation']);
  });

  it('4: a KMS alias of a foreign account is not the approved alias of the same name', () => {
    const rules = ['TPS-SM-03', 'TPS-SM-04'];
    expect(verdicts(ev, '05-kms-foreign-alias.json', rules)).toEqual(['TPS-SM-03 violation', 'TPS-SM-04 violation']);
    expect(verdicts(ev, '05b-kms-foreign-key-control.json', rules)).toEqual([
      'TPS-SM-03 violation',
      'TPS-SM-04 violation',
    ]);
  });

  it('3: an Allow with NotAction, NotResource, or PassRole on arn:aws:iam::*:role/* grants what it does not name', () => {
    const iam = ['TPS-IAM-02'];
    expect(verdicts(ev, '07a-iam-notaction-admin.json', iam)).toEqual(['TPS-IAM-02 violation']);
    expect(verdicts(ev, '07c-iam-passrole-notresource.json', iam)).toEqual(['TPS-IAM-02 violation']);
    expect(verdicts(ev, '07d-iam-passrole-any-role-arn.json', iam)).toEqual(['TPS-IAM-02 violation']);
  });

  it('3: a condition naming everyone (arn:*, o-*, the internet in two halves) does not make a public policy private', () => {
    const s3 = ['TPS-S3-01'];
    expect(verdicts(ev, '08a-s3-public-principalarn-wildcard.json', s3)).toEqual(['TPS-S3-01 violation']);
    expect(verdicts(ev, '08b-s3-public-sourceip-halves.json', s3)).toEqual(['TPS-S3-01 violation']);
    expect(verdicts(ev, '08c-s3-public-orgid-wildcard.json', s3)).toEqual(['TPS-S3-01 violation']);
    expect(verdicts(ev, '09a-sg-two-halves.json', ['TPS-NET-01'])).toEqual([
      'TPS-NET-01 violation',
      'TPS-NET-01 violation',
    ]);
  });

  it('5: an image from a look-alike registry, a squatted bucket name and an https S3 URL are not approved', () => {
    expect(verdicts(ev, '06-image-foreign-registry.json', ['TPS-SM-06'])).toEqual(['TPS-SM-06 violation']);
    expect(verdicts(ev, '06b-data-location-squatted-bucket.json', ['TPS-SM-09'])).toEqual(['TPS-SM-09 violation']);
    expect(verdicts(ev, '10-https-s3uri.json', ['TPS-SM-09'])).toEqual(['TPS-SM-09 violation']);
  });

  it('12: a training job with a 200 KB environment value of -eyJ runs is judged in work linear in its size', () => {
    // Prepare: the recipe of the review's 02-redos-jwt-env-200000.json (generated: 200 KB)
    const job = (length: number) => {
      const event = loadJson<Json>('events/cloudtrail/sagemaker-create-training-job-open.json');
      event.detail.requestParameters.environment = { HP: `-eyJ${'aaaaaaaa-eyJ'.repeat(length / 12)}` };
      return event;
    };

    // Act
    const [half, whole] = [100_000, 200_000].map((n) => measureWork(() => findings(ev, job(n))));

    // Assess
    expect(whole!.result.find((f) => f.ruleId === 'TPS-SM-10')?.verdict).toBe('pass');
    expect(whole!.longestRegexInput).toBeLessThanOrEqual(MAX_REGEX_INPUT);
    expect(workOf(whole!)).toBeLessThanOrEqual(2 * workOf(half!) + 64);
  });

  it('1: a truncated field silences only the rules that read it', () => {
    // UpdatePipeline by a data scientist with an unapproved role and a truncated pipelineDefinition
    expect(verdicts(ev, '03-truncated-update-pipeline.json', ['TPS-SM-21', 'TPS-SM-22'])).toEqual([
      'TPS-SM-21 violation',
      'TPS-SM-22 violation',
    ]);
    // CreateTrainingJob with truncated hyperParameters: only the rules reading them (or all of req) are blind
    const job = findings(ev, attack('03b-truncated-training-job.json'));
    const verdict = (id: string) => job.find((f) => f.ruleId === id)?.verdict;
    expect(['TPS-SM-01', 'TPS-SM-02', 'TPS-SM-03', 'TPS-SM-06'].map(verdict)).toEqual(Array(4).fill('violation'));
    // distributedTraining(req), s3Uris(req) and secretKeys(req.hyperParameters) read what was cut
    expect(['TPS-SM-05', 'TPS-SM-09', 'TPS-SM-10'].map(verdict)).toEqual(Array(3).fill('cannot-evaluate'));
    expect(job.find((f) => f.ruleId === 'TPS-SM-10')?.reason).toBe(
      'CloudTrail truncated requestParameters.hyperParameters (omitted: true)',
    );
  });

  it('1: nesting 2,000 deep in a field no rule reads silences no rule', () => {
    const job = findings(ev, attack('11-deep-nesting.json'));
    expect(job.length).toBe(10);
    expect(job.filter((f) => f.verdict === 'cannot-evaluate')).toEqual([]);
  });

  describe('6: drift is resolved only by an observation that covers what opened it', () => {
    /** The drift keys (resource ids) a file opens (violations) and resolves (passes that resolve) for a rule. */
    const keys = (file: string, ruleId: string) => {
      const fs = findings(ev, attack(file)).filter((f) => f.ruleId === ruleId);
      return {
        opened: fs.filter((f) => f.verdict === 'violation').map((f) => f.resource.id),
        resolved: fs.filter((f) => f.verdict === 'pass' && f.resolves).map((f) => f.resource.id),
        verdicts: fs.map((f) => f.verdict),
      };
    };

    it('TPS-NET-01: revoking port 8888 resolves the 8888 opening, not the one of port 22', () => {
      const open = keys('09b-1-sg-open-22.json', 'TPS-NET-01');
      const revoke = keys('09b-2-sg-revoke-unrelated-port.json', 'TPS-NET-01');
      expect(open.opened).toHaveLength(2);
      expect(revoke.resolved).toHaveLength(1);
      expect(open.opened).toContain(revoke.resolved[0]);
      expect(open.opened.filter((id) => !revoke.resolved.includes(id))).toHaveLength(1);
    });

    it('TPS-IAM-01: detaching PowerUserAccess resolves its attachment, not that of AdministratorAccess', () => {
      const admin = keys('09c-1-attach-admin.json', 'TPS-IAM-01');
      const power = keys('09c-2-attach-poweruser.json', 'TPS-IAM-01');
      const detach = keys('09c-3-detach-poweruser.json', 'TPS-IAM-01');
      expect(admin.opened).toHaveLength(1);
      expect(detach.resolved).toEqual(power.opened);
      expect(detach.resolved).not.toContain(admin.opened[0]);
    });

    it('TPS-AUD-06: a same-named rule on another bus is another rule', () => {
      const real = keys('27-1-disable-real-rule.json', 'TPS-AUD-06');
      const decoy = keys('27-3-enable-decoy-other-bus.json', 'TPS-AUD-06');
      expect(real.opened).toHaveLength(1);
      expect(decoy.resolved).toHaveLength(1);
      expect(decoy.resolved).not.toContain(real.opened[0]);
    });

    it('Config: a ResourceNotRecorded item is cannot-evaluate, never a compliant state that resolves', () => {
      expect(keys('18-0-config-bucket-noncompliant.json', 'TPS-CFG-01').opened).toHaveLength(1);
      const blind = findings(ev, attack('18-2-config-bucket-resource-not-recorded.json'));
      expect(blind.length).toBeGreaterThan(0);
      expect(blind.filter((f) => f.verdict !== 'cannot-evaluate' || f.resolves)).toEqual([]);
    });

    it('a recorder that stops recording watched types, and a GuardDuty filter that archives findings, are violations', () => {
      expect(keys('18-1-put-configuration-recorder-exclude.json', 'TPS-AUD-11').verdicts).toEqual(['violation']);
      expect(keys('18b-guardduty-createfilter-archive.json', 'TPS-AUD-12').verdicts).toEqual(['violation']);
    });
  });

  it('7: a Lambda qualifier is not the function, and IAM role names match scope globs whatever their case', () => {
    expect(verdicts(ev, '17b-lambda-addpermission-alias.json', ['TPS-AUD-07'])).toEqual(
      verdicts(ev, '17b-control-lambda-addpermission-name.json', ['TPS-AUD-07']),
    );
    expect(findings(ev, attack('17b-lambda-addpermission-alias.json')).map((f) => f.resource.id)).toEqual([
      'tpguard-prod-notify',
    ]);
    expect(verdicts(ev, '17d-iam-role-lowercase.json', ['TPS-IAM-01'])).toEqual(['TPS-IAM-01 violation']);
  });
});
