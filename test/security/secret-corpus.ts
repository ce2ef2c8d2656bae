/**
 * Secret shapes as they turn up in training jobs, all of them fake: AWS's documented example keys
 * and values that say EXAMPLE. Each has the name it sits under, the value, and the needles: the
 * parts that must appear in nothing tpguard stores, logs, prints or sends.
 */
export interface SecretShape {
  shape: string;
  key: string;
  value: string;
  needles: string[];
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const same = (shape: string, key: string, value: string): SecretShape => ({ shape, key, value, needles: [value] });

export const SECRET_SHAPES: readonly SecretShape[] = [
  // Well-known token formats, under names that say nothing.
  same('AWS access key id', 'SETTING_01', 'AKIAIOSFODNN7EXAMPLE'),
  same('AWS temporary access key id', 'SETTING_02', 'ASIAQEXAMPLE7ROLEKEY'),
  same('AWS secret access key', 'SETTING_03', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
  same('AWS secret access key (other)', 'SETTING_04', 'EXAMPLEx0awirH/juQbLifxz53nCQE28+AJy75fN'),
  same('GitHub classic token', 'SETTING_05', 'ghp_EXAMPLEU8JZpDE0iGXlD6gNCFbaEPFjbD0kH'),
  same(
    'GitHub fine-grained token',
    'SETTING_06',
    'github_pat_11EXAMPLE8Oool8DklZD_OCj2ISaJiHkTj0rLGlkoMXGjtEkDnNfribxUdl7dXTPyLsxPFkThf4VucSm_E',
  ),
  same('GitHub OAuth token', 'SETTING_07', 'gho_EXAMPLEHgaKwVJ7faC9qEwjky40UVsWmflzd'),
  same('GitLab token', 'SETTING_08', 'glpat-EXAMPLEE1F8ResqEDusT'),
  same('npm token', 'SETTING_09', 'npm_EXAMPLEpkr0cStY4qWB8dWKnHfDNxSIvPZZ6'),
  same('Slack bot token', 'SETTING_10', 'xoxb-000000000000-000000000000-EXAMPLEexampleEXAMPLE'),
  same('Slack user token', 'SETTING_11', 'xoxp-000000000000-EXAMPLE-example-EXAMPLE0000'),
  same('Slack webhook', 'SETTING_12', 'https://hooks.slack.com/services/T00000000/B00000000/EXAMPLEEXAMPLEEXAMPLE000'),
  same('Stripe live secret key', 'SETTING_13', 'sk_live_EXAMPLE3fFKcZjR4I0b3jRta'),
  same('Stripe restricted key', 'SETTING_14', 'rk_live_EXAMPLEWr4Y9OJFLJOqOAf1l'),
  same('Stripe webhook secret', 'SETTING_15', 'whsec_EXAMPLELQSAJaiXnkU8Is2g8nprvDd53'),
  same('Google API key', 'SETTING_16', 'AIzaEXAMPLEx83rzjZZZZGeoZDMENcKHVmDGAkJ'),
  same('Google OAuth access token', 'SETTING_17', 'ya29.EXAMPLEiG8XnBE3NnYJoQ9WmXeHH2fdeeTFJGvVvQe1sKhBN88hXJsi6BwhT'),
  same('Google OAuth client secret', 'SETTING_18', 'GOCSPX-EXAMPLEp3Fs2QhX6KWxOiixgVoOn'),
  same('Hugging Face token', 'SETTING_19', 'hf_EXAMPLEzyw2MzP0ZvzOMhfWuBByReQMsm9'),
  same('OpenAI project key', 'SETTING_20', 'sk-proj-EXAMPLEWcz7uW9XFOGOeMVNen5n1Ae6pWzpF1qH6'),
  same('Anthropic key', 'SETTING_21', 'sk-ant-api03-EXAMPLEYytwMe4LbyoVFz8uZdZv8FuKKIBJl5dzpJn0meq7WJjjIBAzupGhv'),
  {
    shape: 'JSON Web Token',
    key: 'SETTING_22',
    value:
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJleGFtcGxlLXVzZXIiLCJuYW1lIjoiRVhBTVBMRSJ9.EXAMPLEsignatureEXAMPLEsignature00',
    needles: ['eyJzdWIiOiJleGFtcGxlLXVzZXIiLCJuYW1lIjoiRVhBTVBMRSJ9', 'EXAMPLEsignatureEXAMPLEsignature00'],
  },
  {
    shape: 'Azure storage connection string',
    key: 'SETTING_23',
    value:
      'DefaultEndpointsProtocol=https;AccountName=example;AccountKey=EXAMPLEazureKeyEXAMPLEazureKey0000000000000000==;EndpointSuffix=core.windows.net',
    needles: ['EXAMPLEazureKeyEXAMPLEazureKey0000000000000000'],
  },
  {
    shape: 'Azure SAS URL',
    key: 'SETTING_24',
    value: 'https://example.blob.core.windows.net/data/train.csv?sv=2022-11-02&sp=r&sig=EXAMPLEsasSignature0000%3D',
    needles: ['EXAMPLEsasSignature0000'],
  },
  {
    shape: 'HTTP Basic credentials',
    key: 'SETTING_25',
    value: `Basic ${b64('example:example-password-1')}`,
    needles: [b64('example:example-password-1')],
  },
  {
    shape: 'Authorization header',
    key: 'SETTING_26',
    value: 'Authorization: Bearer EXAMPLEbearerTokenEXAMPLE0000',
    needles: ['EXAMPLEbearerTokenEXAMPLE0000'],
  },
  {
    shape: 'RSA private key (PEM)',
    key: 'SETTING_27',
    value:
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAEXAMPLEEXAMPLEEXAMPLEpemBody0000\n-----END RSA PRIVATE KEY-----',
    needles: ['MIIEowIBAAKCAQEAEXAMPLEEXAMPLEEXAMPLEpemBody0000'],
  },
  {
    shape: 'OpenSSH private key',
    key: 'SETTING_28',
    value:
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAEXAMPLEopensshBody00\n-----END OPENSSH PRIVATE KEY-----',
    needles: ['b3BlbnNzaC1rZXktdjEAAAAAEXAMPLEopensshBody00'],
  },
  {
    shape: 'EC private key in a line of text',
    key: 'SETTING_29',
    value: 'key follows -----BEGIN EC PRIVATE KEY----- MHcCAQEEIEXAMPLEecBody0000 -----END EC PRIVATE KEY----- done',
    needles: ['MHcCAQEEIEXAMPLEecBody0000'],
  },
  same('SendGrid key', 'SETTING_30', 'SG.EXAMPLE7Ib3M03NBQNSgPw.EXAMPLElUQia1ID6vW5dql05ha064gIiJhgB3cxLmAx'),
  same('Databricks token', 'SETTING_31', 'dapie454f31af3176813e02ea68ef786e4d3'),
  same('Docker Hub token', 'SETTING_32', 'dckr_pat_EXAMPLEZcUEqPbENqTyH5xJ8tpq'),
  same('PyPI token', 'SETTING_33', 'pypi-AgEIcHlwaS5vcmcEXAMPLEXJQ4I9dOv8GZ4fKq1OKtbgZVaMWUFuXBVjdctBYVhnSg9EH6yO4GF'),
  same('HashiCorp Vault token', 'SETTING_34', 'hvs.EXAMPLEQRC5xLRwI0b26r08Q'),
  same('Telegram bot token', 'SETTING_35', '123456789:AAEXAMPLEZJi6gkfsUFRDzsLb5ER8BoFzQF'),
  {
    shape: 'Discord webhook',
    key: 'SETTING_36',
    value: 'https://discord.com/api/webhooks/123456789012345678/EXAMPLEdiscordWebhookToken000',
    needles: ['EXAMPLEdiscordWebhookToken000'],
  },
  same('DigitalOcean token', 'SETTING_37', 'dop_v1_baa7196b50ac2f86702824c1c099724caf4941d4072014b3ce107f80e222f828'),
  same('Atlassian token', 'SETTING_38', 'ATATT3xFfGF0EXAMPLEm2OEQ3HdAVja76RnIChtP8HKQDLM7ToTh'),
  same('New Relic key', 'SETTING_39', 'NRAK-EXAMPLENS26LRWBQCAB69M64P2G'),
  same('Shopify token', 'SETTING_40', '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'),
  same('age secret key', 'SETTING_41', 'AGE-SECRET-KEY-1EXAMPLEPNO35YE4SCMEJVQTIA4D5RGN5S7S333H9MTF4BS3E62RYNNEFJ7'),
  // URLs: user info and credential parameters.
  {
    shape: 'URL with a password (MLflow)',
    key: 'MLFLOW_TRACKING_URI',
    value: 'https://admin:S3cr3tPassw0rd-EXAMPLE@mlflow.example.com',
    needles: ['S3cr3tPassw0rd-EXAMPLE'],
  },
  {
    shape: 'PostgreSQL URL',
    key: 'DATABASE_URL',
    value: 'postgres://app:Pg-Pa55word-EXAMPLE@db.example.com:5432/ml',
    needles: ['Pg-Pa55word-EXAMPLE'],
  },
  {
    shape: 'Redis URL with a password only',
    key: 'REDIS_URL',
    value: 'redis://:redis-EXAMPLE-pass@cache.example.com:6379/0',
    needles: ['redis-EXAMPLE-pass'],
  },
  {
    shape: 'MongoDB SRV URL',
    key: 'MONGO_URI',
    value: 'mongodb+srv://trainer:mongo-EXAMPLE-pw@cluster0.example.mongodb.net/ml?retryWrites=true',
    needles: ['mongo-EXAMPLE-pw'],
  },
  {
    shape: 'Git URL with a token as user name',
    key: 'CODE_REPO',
    value: 'https://EXAMPLEgitCredential0000@git.example.com/ml/trainer.git',
    needles: ['EXAMPLEgitCredential0000'],
  },
  {
    shape: 'S3 presigned URL',
    key: 'DATA_URL',
    value:
      'https://ml-training-data.s3.eu-west-1.amazonaws.com/train.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAI44QH8DHBEXAMPLE%2F20261102%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20261102T094705Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=8b483b7ffc050fec94dbca3a0aac36098b2cc2bd818319478da6bd0c621de49f',
    needles: ['AKIAI44QH8DHBEXAMPLE', '8b483b7ffc050fec94dbca3a0aac36098b2cc2bd818319478da6bd0c621de49f'],
  },
  {
    shape: 'OAuth access_token parameter',
    key: 'CALLBACK',
    value: 'https://api.example.com/v1/callback?access_token=EXAMPLEaccessToken0000&state=ok',
    needles: ['EXAMPLEaccessToken0000'],
  },
  {
    shape: 'token parameter of a webhook',
    key: 'WEBHOOK',
    value: 'https://hooks.example.com/x?token=Zk9s2LpQ7rT1vW3y',
    needles: ['Zk9s2LpQ7rT1vW3y'],
  },
  {
    shape: 'Sentry DSN',
    key: 'SENTRY_ENDPOINT',
    value: 'https://EXAMPLEsentryKey0123456789abcdef@o0.ingest.sentry.io/0',
    needles: ['EXAMPLEsentryKey0123456789abcdef'],
  },
  // Values under names that say they are credentials, whatever they look like.
  same('short password under DB_PASS', 'DB_PASS', 'hunter2hunter2'),
  same('very short password under DB_PWD', 'DB_PWD', 'hunter2'),
  same('password', 'PASSWORD', 'Tr0ub4dor&3-EXAMPLE'),
  same('password under a name with a Cyrillic а', 'p\u0430ssword', 'Cyr1llic-EXAMPLE-pw'),
  same('password under a fullwidth name', '\uff30\uff21\uff33\uff33\uff37\uff2f\uff32\uff24', 'Fullw1dth-EXAMPLE-pw'),
  same('password under a name with a zero-width space', 'pass\u200bword', 'ZeroW1dth-EXAMPLE-pw'),
  same('password under a name written with digits', 'p4ssw0rd', 'L33t-EXAMPLE-pw'),
  same('client secret', 'client_secret', 'G8~hQ2.vN5-rT9_yK3zL6pW1xC4bM7'),
  same('API token', 'API_TOKEN', 'tok-EXAMPLE-0001'),
  same('Weights & Biases key', 'WANDB_API_KEY', '145fda9988c79fc35526f7eaed46725a2a7b860d'),
  same('random value under a *_KEY name', 'MAILER_KEY', 'EXAMPLEmailerKey9xQ2Lm'),
  same('Basic header under AUTH_HEADER', 'AUTH_HEADER', 'Basic YWRtaW46aHVudGVyMg=='),
  same('PostgreSQL password variable', 'PGPASSWORD', 'pg-EXAMPLE-secret'),
  same('MySQL password, camelCase', 'mysqlRootPassword', 'my-EXAMPLE-root'),
  // Credentials inside a longer text.
  {
    shape: 'ADO.NET connection string',
    key: 'DB_CONN',
    value: 'Server=db.example.com;Database=ml;User Id=sa;Password=Ado-EXAMPLE-pw;',
    needles: ['Ado-EXAMPLE-pw'],
  },
  {
    shape: 'dotenv text',
    key: 'DOTENV',
    value: 'DB_PASSWORD=Sup3rS3cret-EXAMPLE\nLOG_LEVEL=info',
    needles: ['Sup3rS3cret-EXAMPLE'],
  },
  {
    shape: 'AWS credentials file text',
    key: 'CREDENTIALS_TEXT',
    value:
      '[default]\naws_access_key_id = AKIAJEXAMPLE2KEYID00\naws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
    needles: ['AKIAJEXAMPLE2KEYID00', 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY'],
  },
  {
    shape: 'YAML text',
    key: 'CONFIG_YAML',
    value: 'db:\n  host: db.example.com\n  password: yaml-EXAMPLE-pw\n',
    needles: ['yaml-EXAMPLE-pw'],
  },
  // Encoded: JSON in a string, base64 of JSON, base64 of a URL, a quoted hyperparameter.
  {
    shape: 'JSON text with an api_key',
    key: 'SETTINGS',
    value: '{"api_key": "json-EXAMPLE-key-0001", "region": "eu-west-1"}',
    needles: ['json-EXAMPLE-key-0001'],
  },
  {
    shape: 'base64 of JSON with a password',
    key: 'DB_CONFIG',
    value: b64('{"password":"b64-EXAMPLE-pw-9"}'),
    needles: [b64('{"password":"b64-EXAMPLE-pw-9"}'), 'b64-EXAMPLE-pw-9'],
  },
  {
    shape: 'base64 of a URL with a password',
    key: 'DSN_B64',
    value: b64('postgres://svc:b64url-EXAMPLE-pw@db.example.com/ml'),
    needles: [b64('postgres://svc:b64url-EXAMPLE-pw@db.example.com/ml'), 'b64url-EXAMPLE-pw'],
  },
  {
    shape: 'hyperparameter as a JSON string',
    key: 'reward_model',
    value: '"sk-proj-EXAMPLEquotedHyperparameter00000"',
    needles: ['sk-proj-EXAMPLEquotedHyperparameter00000'],
  },
];

/** Tags carrying secrets (REPORT item 17): stored raw on the record before the fix. */
export const SECRET_TAGS: readonly SecretShape[] = [
  same('AWS key id in a tag', 'aws-key', 'AKIAIOSFODNN7EXAMPLE'),
  same('AWS secret key in a tag', 'svc', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
  same('password tag', 'db-password', 'tag-EXAMPLE-pw'),
  same('token URL tag', 'callback', 'https://hooks.example.com/t?token=EXAMPLEtagToken0000'),
];

/** Every needle of the corpus and the tags. */
export function allNeedles(): string[] {
  return [...SECRET_SHAPES, ...SECRET_TAGS].flatMap((s) => s.needles);
}

/** Ordinary settings that must stay readable where values are kept (tags, generic fields). */
export const ORDINARY_VALUES: readonly [string, string][] = [
  ['tokenizer', 'meta-llama/Llama-3.1-8B-Instruct'],
  ['max_tokens', '4096'],
  ['author', 'jdoe-ml-platform'],
  ['credentials_file', '/opt/ml/input/config/credentials.json'],
  ['AUTH_URL', 'https://login.example.com/oauth2/authorize'],
  ['secret_name', 'prod/ml/wandb'],
  ['output_path', 's3://ml-artifacts-models/vision/'],
  ['kms_key', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
  ['sort_key', 'created_at'],
  ['GIT_COMMIT', '3f9c2e1a7b5d4c8e9f0a1b2c3d4e5f6a7b8c9d0e'],
  ['RUN_ID', '6f1c2e3d-4b5a-4968-8776-5a4b3c2d1e01'],
  ['note', 'Basic training run for the vision team'],
  ['owner', 'nlp'],
];
