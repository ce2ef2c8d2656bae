import { join } from 'node:path';
import type { LocalTable } from '../../shared/adapters/local/index.js';
import { openTestTable } from '../helpers/dynamodb.js';
import { packagedFiles } from '../helpers/packaged-files.js';

const PACK = join(import.meta.dirname, '../shared/review/fixtures/pack');

/**
 * The deployed environment of the review functions, pointed at an embedded dynalite (through the
 * SDK's AWS_ENDPOINT_URL_DYNAMODB) and the review fixtures' configuration and pack. SNS, SSM,
 * EventBridge and fetch are mocked by the tests.
 */
export async function reviewEnvironment(): Promise<{ table: LocalTable; restore: () => Promise<void> }> {
  const table = await openTestTable();
  const packaged = await packagedFiles(join(PACK, 'tpguard.config.yaml'), join(PACK, 'policies'));
  const vars: Record<string, string> = {
    TPGUARD_TABLE: table.tableName,
    TPGUARD_BUS_NAME: 'tpguard-test',
    TPGUARD_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:tpguard-alerts',
    TPGUARD_CONFIG_FILE: packaged.configFile,
    TPGUARD_POLICY_DIR: packaged.policyDir,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    POWERTOOLS_METRICS_NAMESPACE: 'tpguard',
  };
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return {
    table,
    restore: async () => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await table.close();
    },
  };
}
