import { describe, expect, it } from 'vitest';
import { CEL_FUNCTIONS, CEL_VARIABLES, policyEnvironment } from '../../../shared/policy/cel.js';

/** Evaluates a CEL expression the way rule conditions are evaluated. */
function cel(expr: string, vars: Record<string, unknown> = {}): unknown {
  const env = policyEnvironment();
  const checked = env.check(expr);
  if (!checked.valid) throw checked.error;
  const all = Object.fromEntries(Object.keys(CEL_VARIABLES).map((k) => [k, {}]));
  return (env.parse(expr) as (ctx: Record<string, unknown>) => unknown)({ ...all, ...vars });
}

const PUBLIC = JSON.stringify({
  Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: '*' }],
});
const DIGEST = 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

describe('Function: policyEnvironment', () => {
  it('is built once and type-checks every registered signature', () => {
    // Act & Assess
    expect(policyEnvironment()).toBe(policyEnvironment());
    for (const fn of CEL_FUNCTIONS) expect(fn.signature).toMatch(/^\w+\(.*\): \w+$/);
  });

  it('registers glob and matchesAny with AWS wildcard semantics', () => {
    // Act & Assess
    expect(cel('glob("ml-training-*", resource.id)', { resource: { id: 'ml-training-vision-raw' } })).toBe(true);
    expect(cel('glob("ml.training", "mlXtraining")')).toBe(false);
    expect(
      cel('matchesAny([resource.arn, resource.id], config.approved.kmsKeys)', {
        resource: { id: 'k', arn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-1' },
        config: { approved: { kmsKeys: ['arn:aws:kms:*:111122223333:key/1234abcd-*'] } },
      }),
    ).toBe(true);
    expect(
      cel('matchesAny(req.?roleArn.orValue(""), config.approved.executionRoles)', {
        req: {},
        config: { approved: { executionRoles: ['arn:*'] } },
      }),
    ).toBe(false);
  });

  it('registers the policy-document functions for strings and maps', () => {
    // Act & Assess
    expect(cel('policyIsPublic(req.bucketPolicy)', { req: { bucketPolicy: JSON.parse(PUBLIC) } })).toBe(true);
    expect(cel('policyIsPublic(req.policy)', { req: { policy: PUBLIC } })).toBe(true);
    expect(
      cel('policyForeignAccounts(req.policy, config.approved.accounts)', {
        req: {
          policy: {
            Statement: [
              { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'kms:Decrypt' },
            ],
          },
        },
        config: { approved: { accounts: ['111122223333'] } },
      }),
    ).toEqual(['999988887777']);
    expect(cel('"s3:GetObject" in policyActions(req.policy)', { req: { policy: PUBLIC } })).toBe(true);
    expect(
      cel('policyAllowsOnAnyResource(req.policyDocument, "iam:PassRole")', {
        req: { policyDocument: '{"Statement":{"Effect":"Allow","Action":"iam:*","Resource":"*"}}' },
      }),
    ).toBe(true);
  });

  it('registers the secret functions', () => {
    // Act & Assess
    expect(
      cel('secretKeys(req.environment)', {
        req: { environment: { HF_TOKEN: 'hf_QmT4xE8rLp2VbN6sZk9WcY3aJd7GfH1uKo', WANDB_PROJECT: 'llm-exp' } },
      }),
    ).toEqual(['HF_TOKEN']);
    expect(
      cel('secretKeys(req.?hyperParameters.orValue({})).size() == 0', {
        req: { hyperParameters: { tokenizer: 'bert-base-uncased', epochs: '3' } },
      }),
    ).toBe(true);
    expect(
      cel('isSecretLike("AWS_SECRET_ACCESS_KEY", req.v)', { req: { v: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } }),
    ).toBe(true);
  });

  it('registers image() with its fields', () => {
    // Act & Assess
    expect(
      cel('image(req.algorithmSpecification.trainingImage).pinned', {
        req: {
          algorithmSpecification: {
            trainingImage: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/ml/vision-trainer@${DIGEST}`,
          },
        },
      }),
    ).toBe(true);
    expect(cel('image("pytorch/pytorch:2.5.1").registry')).toBe('docker.io');
    expect(
      cel('image("111122223333.dkr.ecr.eu-west-1.amazonaws.com/ml/x:1").account == obs.account', {
        obs: { account: '111122223333' },
      }),
    ).toBe(true);
  });

  it('registers the network and S3 helpers', () => {
    // Act & Assess
    expect(cel('isWorldCidr("203.0.113.9/0") && !isWorldCidr("10.0.0.0/8")')).toBe(true);
    expect(
      cel('opensToWorld(req)', {
        req: { ipPermissions: { items: [{ ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] } }] } },
      }),
    ).toBe(true);
    expect(
      cel('s3Bucket(req.outputDataConfig.s3OutputPath)', {
        req: { outputDataConfig: { s3OutputPath: 's3://ml-artifacts-models/vision/' } },
      }),
    ).toBe('ml-artifacts-models');
  });

  it('refuses unknown functions and wrong argument types at check time', () => {
    // Act & Assess
    expect(() => cel('noSuchFunction(req)')).toThrow();
    expect(() => cel('glob(1, "x")')).toThrow();
  });
});
