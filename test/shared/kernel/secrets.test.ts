import { describe, expect, it } from 'vitest';
import { OMITTED, redactSecrets } from '../../../shared/kernel/redaction.js';
import { entropy, isSecretLike, REDACTED, secretKeys } from '../../../shared/kernel/secrets.js';
import { MAX_REGEX_INPUT } from '../../../shared/kernel/work.js';
import { measureWork, workOf } from '../../helpers/work.js';

/** Credentials as they appear in training jobs (AWS documentation example keys and made-up tokens). */
const SECRETS: [string, string][] = [
  ['AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE'],
  ['aws_session_key', 'ASIAQEXAMPLE7ROLEKEY'],
  ['AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ['config', 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  [
    'SSH_KEY',
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----',
  ],
  ['TLS_KEY', '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7V3r\n-----END RSA PRIVATE KEY-----'],
  [
    'HEADERS',
    'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtbC1jaSJ9.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  ],
  ['callback', 'Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0'],
  ['HF_TOKEN', 'hf_QmT4xE8rLp2VbN6sZk9WcY3aJd7GfH1uKo'],
  ['GITHUB_TOKEN', 'ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R'],
  ['OPENAI_KEY', 'sk-proj-Xa9bC8dE7fG6hI5jK4lM3nO2pQ1rS0tU'],
  ['WANDB_API_KEY', 'c3f9a1b27e4d8f0a6b5c2e1d9f8a7b6c5d4e3f2a'],
  ['DB_PASSWORD', 'Tr0ub4dor&3xyzQ!'],
  ['mlflowTrackingToken', 'm7Qx2LpV9sKd4RtZ8wNc'],
  ['client_secret', 'G8~hQ2.vN5-rT9_yK3zL6pW1xC4bM7'],
  ['SLACK_URL', 'https://hooks.slack.com/services/T0EXAMPLE/B0EXAMPLE/XXXXXXXXXXXXXXXXXXXXXXXX'],
];

/** Ordinary training-job settings that must never be taken for secrets. */
const ORDINARY: [string, string][] = [
  ['epochs', '3'],
  ['learning_rate', '2e-5'],
  ['model_id', 'meta-llama/Llama-3.1-8B'],
  ['model_name_or_path', 'sentence-transformers/all-MiniLM-L6-v2'],
  ['tokenizer', 'meta-llama/Llama-3.1-8B-Instruct'],
  ['tokenizer_name', 'bert-base-uncased'],
  ['pad_token', '<|endoftext|>'],
  ['eos_token', '<|im_end|>'],
  ['max_tokens', '4096'],
  ['author', 'jdoe-ml-platform'],
  ['sagemaker_program', 'train_distributed.py'],
  ['sagemaker_submit_directory', 's3://ml-artifacts-code/vision/sourcedir.tar.gz'],
  ['sagemaker_region', 'eu-west-1'],
  ['role', 'arn:aws:iam::111122223333:role/SageMakerTrainingExecution'],
  ['kms_key', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
  ['DB_PASSWORD_SECRET', 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/ml/db-AbCdEf'],
  ['API_KEY_PARAMETER', 'ssm:/tpguard/ml/wandb-api-key'],
  ['HF_TOKEN', '{{resolve:secretsmanager:prod/ml/hf-token:SecretString:token}}'],
  [
    'TRAINING_IMAGE',
    '111122223333.dkr.ecr.eu-west-1.amazonaws.com/ml/vision-trainer@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  ],
  ['image_digest', 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
  ['GIT_COMMIT', '3f9c2e1a7b5d4c8e9f0a1b2c3d4e5f6a7b8c9d0e'],
  ['RUN_ID', '6f1c2e3d-4b5a-4968-8776-5a4b3c2d1e01'],
  ['credentials_file', '/opt/ml/input/config/credentials.json'],
  ['AUTH_URL', 'https://login.example.com/oauth2/authorize'],
  ['secret_name', 'prod/ml/wandb'],
  ['TOKENIZERS_PARALLELISM', 'false'],
  ['output_path', 's3://ml-artifacts-models/vision/'],
];

describe('Function: isSecretLike', () => {
  it.each(SECRETS)('takes %s for a secret', (name, value) => {
    // Act & Assess
    expect(isSecretLike(name, value)).toBe(true);
  });

  it.each(ORDINARY)('does not take %s for a secret', (name, value) => {
    // Act & Assess
    expect(isSecretLike(name, value)).toBe(false);
  });

  it('needs a secret-like name for a value that is only random', () => {
    // Act & Assess
    expect(isSecretLike('SERVICE_TOKEN', 'q8Zr2Xv7Lm4Kp9Wd')).toBe(true);
    expect(isSecretLike('checkpoint_tag', 'q8Zr2Xv7Lm4Kp9Wd')).toBe(false);
    expect(isSecretLike('PASSWORD', 'aaaaaaaaaaaaaaaa')).toBe(false);
    expect(isSecretLike('PASSWORD', 'short')).toBe(false);
    expect(isSecretLike('PASSWORD', 42)).toBe(false);
  });
});

describe('Function: secretKeys', () => {
  it('names the entries of a training job environment that hold secrets, sorted', () => {
    // Prepare
    const environment = {
      WANDB_PROJECT: 'llm-exp',
      HF_TOKEN: 'hf_QmT4xE8rLp2VbN6sZk9WcY3aJd7GfH1uKo',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    };

    // Act
    const keys = secretKeys(environment);

    // Assess
    expect(keys).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'HF_TOKEN']);
    expect(secretKeys(Object.fromEntries(ORDINARY))).toEqual([]);
    expect(secretKeys('not a map')).toEqual([]);
  });
});

describe('Function: redactSecrets', () => {
  it('replaces secret values anywhere in a document, keeps only the keys of environment and hyperParameters', () => {
    // Prepare
    const doc = {
      requestParameters: {
        environment: { HF_TOKEN: 'hf_QmT4xE8rLp2VbN6sZk9WcY3aJd7GfH1uKo', WANDB_PROJECT: 'llm-exp' },
        hyperParameters: { tokenizer: 'bert-base-uncased' },
        args: ['--key', 'AKIAIOSFODNN7EXAMPLE'],
      },
    };

    // Act
    const redacted = redactSecrets(doc);

    // Assess
    expect(redacted).toEqual({
      requestParameters: {
        environment: { HF_TOKEN: REDACTED, WANDB_PROJECT: OMITTED },
        hyperParameters: { tokenizer: OMITTED },
        args: ['--key', REDACTED],
      },
    });
    expect(doc.requestParameters.environment.HF_TOKEN).toBe('hf_QmT4xE8rLp2VbN6sZk9WcY3aJd7GfH1uKo');
  });

  it('survives hostile nesting', () => {
    // Prepare
    let deep: unknown = 'AKIAIOSFODNN7EXAMPLE';
    for (let i = 0; i < 10_000; i++) deep = { a: deep };

    // Act & Assess
    expect(() => JSON.stringify(redactSecrets(deep))).not.toThrow();
  });
});

describe('Function: entropy', () => {
  it('is 0 for one repeated character and log2(n) for n distinct ones', () => {
    // Act & Assess
    expect(entropy('aaaa')).toBe(0);
    expect(entropy('abcd')).toBe(2);
  });
});

describe('Secret detection on hostile values (attack 12)', () => {
  /** The attack of issue 13: every `-eyJ` was a new start of the JWT pattern, quadratic in the length. */
  const jwtRuns = (length: number) => `-eyJ${'aaaaaaaa-eyJ'.repeat(Math.floor(length / 12))}`;

  it('runs no regular expression on more than MAX_REGEX_INPUT characters of a 40 KB value', () => {
    // Act
    const work = measureWork(() => isSecretLike('HP', jwtRuns(40_000)));

    // Assess
    expect(work.longestRegexInput).toBeLessThanOrEqual(MAX_REGEX_INPUT);
  });

  it('does work linear in the length of the value, for isSecretLike and redactSecrets', () => {
    // Act
    const detect = [20_000, 40_000].map((n) => workOf(measureWork(() => isSecretLike('HP', jwtRuns(n)))));
    const redact = [20_000, 40_000].map((n) =>
      workOf(measureWork(() => redactSecrets({ environment: { HP: jwtRuns(n) } }))),
    );

    // Assess
    expect(detect[1]!).toBeLessThanOrEqual(2 * detect[0]! + 16);
    expect(redact[1]!).toBeLessThanOrEqual(2 * redact[0]! + 16);
  });

  it('still finds a secret anywhere in a long value', () => {
    // Prepare
    const filler = 'x '.repeat(20_000);
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtbC1jaSJ9.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk';

    // Act & Assess
    expect(isSecretLike('NOTE', `${filler}AKIAIOSFODNN7EXAMPLE ${filler}`)).toBe(true);
    expect(isSecretLike('NOTE', `${filler}${jwt}`)).toBe(true);
    expect(isSecretLike('NOTE', filler)).toBe(false);
  });
});
