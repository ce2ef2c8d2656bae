import type { Context } from 'aws-lambda';
import { vi } from 'vitest';
import { startStoreFixture, type StoreFixture } from '../shared/drift/store-fixture.js';
import { FIXTURE_CONFIG, FIXTURE_POLICIES } from '../shared/ingest/ingest-fixture.js';
import { packagedFiles } from '../helpers/packaged-files.js';

/**
 * The deployed environment of an ingest function, pointed at an embedded dynalite (through the
 * SDK's AWS_ENDPOINT_URL_DYNAMODB) and the test policy pack. EventBridge is mocked by the test.
 */
export async function deployedEnvironment(): Promise<{ fx: StoreFixture; restore: () => void }> {
  const fx = await startStoreFixture();
  const packaged = await packagedFiles(FIXTURE_CONFIG, FIXTURE_POLICIES);
  const vars: Record<string, string> = {
    TPGUARD_TABLE: fx.table.tableName,
    TPGUARD_BUS_NAME: 'tpguard-test',
    TPGUARD_CONFIG_FILE: packaged.configFile,
    TPGUARD_POLICY_DIR: packaged.policyDir,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: fx.table.endpoint,
    POWERTOOLS_METRICS_NAMESPACE: 'tpguard',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return {
    fx,
    restore: () => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}

/** A Lambda context good enough for middy and Powertools. */
export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:111122223333:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/02/[$LATEST]abc',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Everything written to stdout and stderr while `fn` runs (Powertools logs, warnings and EMF metrics). */
export async function captureStdout<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  try {
    return { result: await fn(), output: chunks.join('') };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}
