import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, type TpguardConfig } from '../../../shared/config/index.js';
import { createEvaluator, evaluate, type Evaluator, unverifiable } from '../../../shared/policy/evaluate.js';
import { loadPolicyPack } from '../../../shared/policy/load.js';
import { intake, type Observation } from '../../../shared/sources/index.js';
import { loadShape, tempDir } from '../../helpers/fixtures.js';
import { writePack } from '../../helpers/pack.js';

type Json = Record<string, any>;

/** A rule that reads the versioning status plainly (an absent field is an error, not a verdict). */
const RULES = [
  {
    id: 'TPS-S3-02',
    on: { source: 'cloudtrail', eventSource: 's3.amazonaws.com', eventName: ['PutBucketVersioning'] },
    resource: { type: 's3-bucket' },
    violation: 'req.VersioningConfiguration.Status.startsWith("Susp")',
  },
];
const SHAPE = 'eventbridge-cloudtrail-s3-put-bucket-versioning-suspended.json';

function observe(edit: (detail: Json) => void): Observation {
  const doc = loadShape<Json>(SHAPE);
  edit(doc.detail);
  const [r] = [...intake(doc, SHAPE)];
  if (!r?.ok) throw new Error('fixture does not normalize');
  return r.observation;
}

describe('Function: unverifiable', () => {
  let ev: Evaluator;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const pack = await loadPolicyPack(await writePack(tmp.dir, RULES));
    ev = createEvaluator(pack, ConfigSchema.parse({ scope: { resources: { 's3-bucket': ['*'] } } }) as TpguardConfig);
  });
  afterAll(async () => cleanup());

  const judge = (edit: (detail: Json) => void) => {
    const [f] = evaluate(ev, observe(edit));
    return { cause: f?.cause, recorded: f ? unverifiable(f) : false, resource: f?.resource.id };
  };

  it('records what the event content caused: a truncated field, an unreadable value, nesting too deep, an oversized id', () => {
    // Act
    const truncated = judge((d) => (d.requestParameters.VersioningConfiguration = { omitted: true }));
    const unreadable = judge((d) => (d.requestParameters.VersioningConfiguration = { Status: ['Suspended'] }));
    // Nesting too deep where the rule reads (the status); elsewhere it blinds nothing (evasion-eval).
    const deep = judge((d) => {
      let v: Json = {};
      d.requestParameters.VersioningConfiguration.Status = v;
      for (let i = 0; i < 80; i++) v = v.next = {};
    });
    const deepElsewhere = judge((d) => {
      let v: Json = {};
      d.requestParameters.padding = v;
      for (let i = 0; i < 80; i++) v = v.next = {};
    });
    const oversized = judge((d) => (d.requestParameters.bucketName = `ml-training-${'x'.repeat(3000)}`));
    // Assess
    expect(truncated).toMatchObject({ cause: 'truncated', recorded: true });
    expect(unreadable).toMatchObject({ cause: 'error', recorded: true });
    expect(deep).toMatchObject({ cause: 'too-deep', recorded: true });
    expect(deep.resource).not.toBe('unknown');
    expect(deepElsewhere).toMatchObject({ cause: undefined, recorded: false });
    expect(oversized).toMatchObject({ cause: 'oversized', recorded: true });
  });

  it('does not record a field the event does not carry (the event is not about what the rule checks)', () => {
    // Act
    const absent = judge((d) => delete d.requestParameters.VersioningConfiguration);
    // Assess
    expect(absent).toMatchObject({ cause: 'absent', recorded: false });
  });
});
