import { describe, expect, it } from 'vitest';
import { evidenceOf, fieldsReadBy, redactDeep, EVIDENCE_MAX_BYTES } from '../../../shared/drift/evidence.js';
import { intake } from '../../../shared/sources/index.js';
import type { Observation } from '../../../shared/sources/index.js';
import { loadPolicyPack, type CompiledRule } from '../../../shared/policy/index.js';
import { FIXTURE_POLICIES, fixtureEvent } from '../ingest/ingest-fixture.js';
import { MAX_REGEX_INPUT } from '../../../shared/kernel/index.js';
import { measureWork, workOf } from '../../helpers/work.js';

async function rule(id: string): Promise<CompiledRule> {
  return (await loadPolicyPack(FIXTURE_POLICIES)).rules.find((r) => r.rule.id === id)!;
}

function observe(event: Record<string, unknown>): Observation {
  const [item] = [...intake(event, 'test')];
  if (!item?.ok) throw new Error('fixture did not normalize');
  return item.observation;
}

describe('Function: fieldsReadBy', () => {
  it('finds the event fields a rule reads, without CEL methods', async () => {
    // Act
    const fields = fieldsReadBy(await rule('TPS-SM-90'));
    // Assess
    expect(fields).toEqual([
      { root: 'req', keys: ['enableNetworkIsolation'] },
      { root: 'req', keys: ['environment'] },
    ]);
  });
});

describe('Function: evidenceOf', () => {
  it('keeps what happened and the fields the rule read, with secrets redacted', async () => {
    // Prepare
    const obs = observe(fixtureEvent('ct-training-open.json'));
    // Act
    const evidence = evidenceOf(obs, await rule('TPS-SM-90'), obs.resources[0]!);
    // Assess
    expect(evidence).toMatchObject({
      source: 'cloudtrail',
      trigger: { eventSource: 'sagemaker.amazonaws.com', eventName: 'CreateTrainingJob' },
      resource: { type: 'sagemaker-training-job', id: 'llm-finetune-jdoe-7' },
      fields: {
        requestParameters: {
          enableNetworkIsolation: false,
          environment: {
            AWS_ACCESS_KEY_ID: '***REDACTED***',
            AWS_SECRET_ACCESS_KEY: '***REDACTED***',
            DB_PASSWORD: '***REDACTED***',
            HF_HOME: '[value not kept]', // only the keys of an environment are kept
          },
        },
      },
    });
    expect(JSON.stringify(evidence)).not.toContain('roleArn');
  });

  it('caps the evidence size, cutting the largest fields first', async () => {
    // Prepare
    const event = fixtureEvent('ct-training-open.json');
    const req = (event.detail as { requestParameters: Record<string, unknown> }).requestParameters;
    req.environment = Object.fromEntries(
      Array.from({ length: 400 }, (_, i) => [`VAR_${i}`, `value-${'x'.repeat(60)}-${i}`]),
    );
    const obs = observe(event);
    // Act
    const evidence = evidenceOf(obs, await rule('TPS-SM-90'), obs.resources[0]!);
    // Assess
    expect(Buffer.byteLength(JSON.stringify(evidence))).toBeLessThanOrEqual(EVIDENCE_MAX_BYTES);
    expect(
      (evidence.fields as { requestParameters: { enableNetworkIsolation: boolean } }).requestParameters
        .enableNetworkIsolation,
    ).toBe(false);
  });
});

describe('Function: redactDeep', () => {
  it('redacts values under secret names and secret-looking values anywhere, keeps references and numbers', () => {
    // Act
    const out = redactDeep({
      a: {
        api_key: 'short1',
        max_tokens: '512',
        token_ref: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:x',
        list: ['ghp_0123456789abcdefghij0123456789abcd', 'plain'],
      },
    });
    // Assess
    expect(out).toEqual({
      a: {
        api_key: '***REDACTED***',
        max_tokens: '512',
        token_ref: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:x',
        list: ['***REDACTED***', 'plain'],
      },
    });
  });
});

describe('Function: redactDeep on hostile values (attack 12)', () => {
  const jwtRuns = (length: number) => `-eyJ${'aaaaaaaa-eyJ'.repeat(Math.floor(length / 12))}`;
  const hostileKey = (length: number) => `${'a'.repeat(length)}_secret`;

  it('runs no regular expression on more than MAX_REGEX_INPUT characters, values and names alike', () => {
    // Act
    const work = measureWork(() => redactDeep({ environment: { HP: jwtRuns(40_000), [hostileKey(40_000)]: 'x' } }));

    // Assess
    expect(work.longestRegexInput).toBeLessThanOrEqual(MAX_REGEX_INPUT);
  });

  it('does work linear in the size of the values', () => {
    // Act
    const [small, large] = [20_000, 40_000].map((n) =>
      workOf(measureWork(() => redactDeep({ environment: { HP: jwtRuns(n), [hostileKey(n)]: 'x' } }))),
    );

    // Assess
    expect(large!).toBeLessThanOrEqual(2 * small! + 16);
  });
});
