import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  BACKFILL_TIMEOUT_SECONDS,
  backfillDefinition,
  MAP_LABELS,
  MAX_INPUT_BYTES_PER_BATCH,
  MAX_ITEMS_PER_BATCH,
  SUBSTITUTIONS,
} from '../../scripts/build-backfill.js';
import type { Json } from '../helpers/fixtures.js';

// asl-validator 4 is CommonJS (`export =`): loaded with require. It mutates its input (it adds
// QueryLanguage to every state), so it is always given a copy.
type AslValidator = (
  definition: unknown,
  options?: { checkPaths: boolean; checkArn: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

/** What CloudFormation's DefinitionSubstitutions put in at deploy time. */
const DEPLOYED: Readonly<Record<string, string>> = {
  [SUBSTITUTIONS.worker]: 'arn:aws:lambda:eu-west-1:111122223333:function:tpguard-ci-backfill-worker',
  [SUBSTITUTIONS.results]: 'tpguard-ci-backfillresultsbucket-1a2b3c',
  [SUBSTITUTIONS.archive]: 'org-cloudtrail-archive',
};

function substituted(): Json {
  let text = JSON.stringify(backfillDefinition());
  for (const [name, value] of Object.entries(DEPLOYED)) text = text.replaceAll(`\${${name}}`, value);
  return JSON.parse(text) as Json;
}

const validate = (d: Json) => aslValidator(structuredClone(d), { checkPaths: true, checkArn: true });
const outer = (d: Json) => d.States[MAP_LABELS.prefixes];
const inner = (d: Json) => outer(d).ItemProcessor.States[MAP_LABELS.objects];

describe('State machine: backfill (Amazon States Language)', () => {
  it('is valid ASL once CloudFormation substituted its placeholders', () => {
    // Act
    const { isValid, errorsText } = validate(substituted());

    // Assess
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('leaves no placeholder unsubstituted', () => {
    // Act
    const text = JSON.stringify(substituted());

    // Assess
    expect(text).not.toMatch(/\$\{\w+\}/);
    expect(JSON.stringify(backfillDefinition())).toContain(`\${${SUBSTITUTIONS.worker}}`);
  });

  it('is rejected by the validator when broken (the check can fail)', () => {
    // Prepare
    const d = substituted();
    d.States.Plan.Next = 'Nowhere';

    // Act
    const { isValid } = validate(d);

    // Assess
    expect(isValid).toBe(false);
  });

  it('runs both maps in distributed mode with S3 item readers (what asl-validator does not check)', () => {
    // Act
    const d = substituted();

    // Assess
    for (const map of [outer(d), inner(d)]) {
      expect(map.Type).toBe('Map');
      expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
      expect(map.Label).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
      expect(map.ItemsPath).toBeUndefined();
      expect(map.ResultWriter.Resource).toBe('arn:aws:states:::s3:putObject');
      expect(map.ResultWriter.Parameters.Bucket).toBe(DEPLOYED[SUBSTITUTIONS.results]);
    }
    expect(outer(d).ItemReader).toMatchObject({
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSON' },
      Parameters: { Bucket: DEPLOYED[SUBSTITUTIONS.results], 'Key.$': '$.plan.manifestKey' },
    });
    expect(inner(d).ItemReader).toEqual({
      Resource: 'arn:aws:states:::s3:listObjectsV2',
      Parameters: { Bucket: DEPLOYED[SUBSTITUTIONS.archive], 'Prefix.$': '$.prefix' },
    });
    expect(inner(d).ResultWriter.WriterConfig).toEqual({ OutputType: 'JSONL', Transformation: 'FLATTEN' });
  });

  it('batches 50 objects per worker call, within the 256 KiB a batch input may hold', () => {
    // Act
    const batcher = inner(substituted()).ItemBatcher;

    // Assess
    expect(batcher.MaxItemsPerBatch).toBe(MAX_ITEMS_PER_BATCH);
    expect(MAX_ITEMS_PER_BATCH).toBe(50);
    expect(batcher.MaxInputBytesPerBatch).toBe(MAX_INPUT_BYTES_PER_BATCH);
    expect(batcher.MaxInputBytesPerBatch).toBeLessThanOrEqual(256 * 1024);
    expect(Object.keys(batcher.BatchInput).sort()).toEqual(
      ['bucket', 'kind.$', 'record.$', 'resultsBucket', 'resultsPrefix.$', 'runId.$'].sort(),
    );
  });

  it('bounds concurrency and tolerates failures from the execution input', () => {
    // Act
    const d = substituted();

    // Assess
    expect(outer(d).MaxConcurrencyPath).toBe('$.prefixConcurrency');
    expect(inner(d).MaxConcurrencyPath).toBe('$.batchConcurrency');
    expect(outer(d).ToleratedFailurePercentagePath).toBe('$.toleratedFailurePercentage');
    expect(inner(d).ToleratedFailurePercentagePath).toBe('$.toleratedFailurePercentage');
    expect(outer(d).ItemSelector['batchConcurrency.$']).toBe('$.batchConcurrency');
    expect(outer(d).Catch[0].ErrorEquals).toContain('States.ExceedToleratedFailureThreshold');
    expect(d.States[outer(d).Catch[0].Next].Type).toBe('Fail');
    expect(d.TimeoutSeconds).toBe(BACKFILL_TIMEOUT_SECONDS);
  });

  it('invokes the worker for the plan and for every batch, retrying Lambda and archive hiccups only', () => {
    // Act
    const d = substituted();
    const scan = inner(d).ItemProcessor.States.ScanBatch;

    // Assess
    for (const task of [d.States.Plan, scan]) {
      expect(task.Resource).toBe('arn:aws:states:::lambda:invoke');
      expect(task.Parameters.FunctionName).toBe(DEPLOYED[SUBSTITUTIONS.worker]);
      const retried = task.Retry.flatMap((r: Json) => r.ErrorEquals);
      expect(retried).toEqual(expect.arrayContaining(['Lambda.TooManyRequestsException', 'ArchiveReadError']));
      expect(retried).not.toContain('States.ALL');
      expect(retried).not.toContain('BackfillEventError');
    }
    expect(d.States.Plan.Parameters.Payload.action).toBe('plan');
    expect(scan.Parameters['Payload.$']).toBe('$');
  });
});
