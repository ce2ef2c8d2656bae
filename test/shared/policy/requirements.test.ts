import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../shared/config/index.js';
import { createEvaluator, evaluate } from '../../../shared/policy/evaluate.js';
import { loadPolicyPack, type PolicyPack } from '../../../shared/policy/load.js';
import { approvedKeysOf, verdictOfError } from '../../../shared/policy/requirements.js';
import { PolicyPackError } from '../../../shared/policy/errors.js';
import { intake, type Observation } from '../../../shared/sources/index.js';
import { loadShape, tempDir } from '../../helpers/fixtures.js';
import { writePack, type RuleSpec } from '../../helpers/pack.js';

type Json = Record<string, any>;

const STATE_CHANGE = { source: 'sagemaker', detailType: ['SageMaker Training Job State Change'] };
const JOB = { type: 'sagemaker-training-job' };

const RULES: RuleSpec[] = [
  {
    id: 'TPS-T-01',
    on: STATE_CHANGE,
    resource: JOB,
    violation:
      '!matchesAny(detail.RoleArn, config.approved.executionRoles) || !matchesAny(detail.AlgorithmSpecification.TrainingImage, config.approved.images)',
  },
  {
    id: 'TPS-T-02',
    on: STATE_CHANGE,
    resource: JOB,
    violation: 'detail.EnableNetworkIsolation != true',
  },
];

const APPROVED = {
  executionRoles: ['arn:aws:iam::111122223333:role/SageMakerTrainingExecution'],
  images: ['111122223333.dkr.ecr.*.amazonaws.com/ml/*'],
};

/** The training-job state change of the shape fixtures, edited. */
function stateChange(edit: (detail: Json) => void): Observation {
  const doc = loadShape<Json>('sagemaker-training-job-state-change.json');
  edit(doc.detail);
  const [r] = [...intake(doc, 'state-change')];
  if (!r?.ok) throw new Error('fixture rejected');
  return r.observation;
}

describe('Engine: absent fields and unconfigured lists', () => {
  let pack: PolicyPack;
  let cleanup: () => Promise<void>;
  const run = (obs: Observation, approved: object = APPROVED) =>
    evaluate(createEvaluator(pack, ConfigSchema.parse({ approved })), obs).map((f) => ({
      rule: f.ruleId,
      verdict: f.verdict,
      reason: f.reason,
    }));

  beforeAll(async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    pack = await loadPolicyPack(await writePack(tmp.dir, RULES));
  });

  afterAll(async () => {
    await cleanup();
  });

  it('says cannot-evaluate and names the field when the event lacks what the rule needs', () => {
    // Prepare
    const partial = stateChange((d) => {
      delete d.RoleArn;
      d.AlgorithmSpecification.TrainingImage = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/ml/train@sha256:00';
    });

    // Act
    const [t1] = run(partial);

    // Assess
    expect(t1).toEqual({ rule: 'TPS-T-01', verdict: 'cannot-evaluate', reason: 'violation: detail.RoleArn is absent' });
  });

  it('still judges what the event carries: an unapproved image is a violation even without the role', () => {
    // Prepare
    const partial = stateChange((d) => {
      delete d.RoleArn;
      d.AlgorithmSpecification.TrainingImage = 'docker.io/someone/miner:latest';
    });

    // Act + Assess
    expect(run(partial)[0]).toMatchObject({ rule: 'TPS-T-01', verdict: 'violation' });
  });

  it('names the outermost absent member (detail.AlgorithmSpecification), not its child', () => {
    // Prepare
    const partial = stateChange((d) => {
      delete d.AlgorithmSpecification;
      d.RoleArn = APPROVED.executionRoles[0];
    });

    // Act + Assess
    expect(run(partial)[0]?.reason).toBe('violation: detail.AlgorithmSpecification is absent');
  });

  it('says not-configured, never violation, when the approved list a rule needs is empty', () => {
    // Prepare
    const job = stateChange((d) => {
      d.RoleArn = 'arn:aws:iam::111122223333:role/Anything';
    });

    // Act
    const verdicts = run(job, { images: APPROVED.images });

    // Assess: the image is approved, the role cannot be judged without approved.executionRoles
    expect(verdicts[0]).toEqual({
      rule: 'TPS-T-01',
      verdict: 'not-configured',
      reason: 'violation: approved.executionRoles is not configured (empty)',
    });
  });

  it('still reports what does not need the empty list', () => {
    // Prepare
    const job = stateChange((d) => {
      d.AlgorithmSpecification.TrainingImage = 'docker.io/someone/miner:latest';
    });

    // Act + Assess
    expect(run(job, { images: APPROVED.images })[0]).toMatchObject({ verdict: 'violation' });
  });

  it('gives one note per empty list a rule needs, naming the key to set', () => {
    // Act
    const ev = createEvaluator(pack, ConfigSchema.parse({ approved: { images: APPROVED.images } }));

    // Assess
    expect(ev.notes).toEqual([
      {
        key: 'approved.executionRoles',
        rules: ['TPS-T-01'],
        message:
          'not configured: approved.executionRoles is empty, so TPS-T-01 judge only what does not need it: set approved.executionRoles in tpguard.config.yaml',
      },
    ]);
    expect(createEvaluator(pack, ConfigSchema.parse({ approved: APPROVED })).notes).toEqual([]);
  });

  it('derives the lists a rule needs from its CEL', () => {
    // Act + Assess
    expect(pack.rules.map((c) => [c.rule.id, c.needs])).toEqual([
      ['TPS-T-01', ['executionRoles', 'images']],
      ['TPS-T-02', []],
    ]);
    expect(
      approvedKeysOf({
        ...pack.rules[0]!.rule,
        violation: 'size(config.approved.modelApprovers) > 0 ? true : matchesAny(1, config.approved.principals)',
      }),
    ).toEqual(['modelApprovers', 'principals']);
  });

  it('refuses a rule that reads a configuration key the schema does not have, with the nearest key', async () => {
    // Prepare
    const tmp = await tempDir();
    const dir = await writePack(tmp.dir, [
      { id: 'TPS-T-03', on: STATE_CHANGE, resource: JOB, violation: 'matchesAny(1, config.approved.imagez)' },
      {
        id: 'TPS-T-04',
        on: STATE_CHANGE,
        resource: JOB,
        violation: "matchesAny(1, config.scope.resources[?'s3-buckets'].orValue([]))",
      },
    ]);

    // Act
    const err = await loadPolicyPack(dir).catch((e: unknown) => e);
    await tmp.cleanup();

    // Assess
    expect(err).toBeInstanceOf(PolicyPackError);
    expect((err as PolicyPackError).problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([
      'TPS-T-03: violation: config.approved.imagez: no key imagez in approved of tpguard.config.yaml (did you mean images?)',
      "TPS-T-04: violation: config.scope.resources[?'s3-buckets']: no resource type s3-buckets (did you mean s3-bucket?)",
    ]);
  });

  it('classifies an error that is not a missing key as cannot-evaluate with its first line', () => {
    // Act + Assess
    expect(verdictOfError(new Error('no such overload: int + string\nat 1:3'), 'x')).toEqual({
      verdict: 'cannot-evaluate',
      reason: 'no such overload: int + string',
    });
  });
});
