import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadConfigSnapshot, type TpguardConfig } from '../../config/index.js';
import type { Telemetry } from '../../kernel/index.js';
import { loadPackSnapshot, type PolicyPack } from '../../policy/index.js';
import { EnvVars, optionalEnv, packagedPath, requireEnv } from './env.js';
import { METRICS_NAMESPACE, powertoolsTelemetry } from './powertools.js';

/** What the factory hands a function's `init`, once per container. */
export interface FunctionContext {
  /** The Powertools service name (`ingest-cloudtrail`, `tpguard-notify`, ...). */
  service: string;
  env: NodeJS.ProcessEnv;
  /** The packaged configuration and policy pack (JSON snapshots written at package time). */
  config: TpguardConfig;
  pack: PolicyPack;
  logger: Logger;
  telemetry: Telemetry;
}

/**
 * One deployed function: what it builds once per container, the dependencies of one invocation,
 * and the plain handler tests call with their own dependencies.
 */
export interface FunctionSpec<Runtime, Event, Deps, Result> {
  service: string;
  /** Environment variables the function cannot start without (checked before anything is loaded). */
  requires: readonly string[];
  init(ctx: FunctionContext): Promise<Runtime> | Runtime;
  deps(runtime: Runtime, context: Context): Deps;
  lambdaHandler(event: Event, deps: Deps): Promise<Result>;
}

/** What a functions/<name>.ts exports. */
export interface LambdaFunction<Event, Deps, Result> {
  lambdaHandler: (event: Event, deps: Deps) => Promise<Result>;
  handler: MiddyfiedHandler<Event, Result, Error, Context>;
}

/**
 * Builds a function at init (top-level await): reads the required environment (a missing variable
 * fails the cold start naming it), loads the packaged configuration and pack snapshots, creates the
 * Powertools logger and metrics, runs the spec's `init`, and wires the middy handler with
 * `injectLambdaContext` and `logMetrics`.
 * @example export const { lambdaHandler, handler } = await createFunction(ingestFunction('ingest-config'))
 */
export async function createFunction<Runtime, Event, Deps, Result>(
  spec: FunctionSpec<Runtime, Event, Deps, Result>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LambdaFunction<Event, Deps, Result>> {
  for (const name of spec.requires) requireEnv(name, env);
  const config = await loadConfigSnapshot(
    packagedPath(optionalEnv(EnvVars.configFile, 'tpguard.config.yaml', env), env),
  );
  const pack = await loadPackSnapshot(packagedPath(optionalEnv(EnvVars.policyDir, 'policies', env), env));
  const logger = new Logger({ serviceName: spec.service });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: spec.service });
  const telemetry = powertoolsTelemetry(logger, metrics);
  const expected = env[EnvVars.packVersion];
  if (expected && expected !== pack.version)
    logger.warn('policy pack differs from the deployed version', { expected, loaded: pack.version });
  const runtime = await spec.init({ service: spec.service, env, config, pack, logger, telemetry });
  logger.info('function ready', { packVersion: pack.version, rules: pack.rules.length });
  const handler = middy<Event, Result, Error, Context>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler((event, context) => spec.lambdaHandler(event, spec.deps(runtime, context)));
  return { lambdaHandler: spec.lambdaHandler, handler };
}
