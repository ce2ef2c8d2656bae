import { isAbsolute, join } from 'node:path';
import { MissingEnvironmentError } from './errors.js';

/** The environment variables the functions read (set by serverless.yml). */
export const EnvVars = {
  table: 'TPGUARD_TABLE',
  busName: 'TPGUARD_BUS_NAME',
  topicArn: 'TPGUARD_TOPIC_ARN',
  chatbotTopicArn: 'TPGUARD_CHATBOT_TOPIC_ARN',
  securityHub: 'TPGUARD_SECURITYHUB',
  packVersion: 'TPGUARD_PACK_VERSION',
  configFile: 'TPGUARD_CONFIG_FILE',
  policyDir: 'TPGUARD_POLICY_DIR',
  stage: 'TPGUARD_STAGE',
} as const;

/** @example const table = requireEnv(EnvVars.table) */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new MissingEnvironmentError(name);
  return value;
}

export function optionalEnv(name: string, fallback: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

/**
 * A packaged file's path: relative paths resolve against the task root, where the package puts
 * the configuration and pack snapshots beside the handler.
 * @example packagedPath('policies', process.env) // '/var/task/policies'
 */
export function packagedPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return isAbsolute(path) ? path : join(env.LAMBDA_TASK_ROOT ?? process.cwd(), path);
}
