import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { DeliveryError } from '../../notify/index.js';
import type { WebhookResolver } from '../http/index.js';

export interface ResolverOptions {
  /** SSM client (tests pass one mocked with aws-sdk-client-mock). */
  ssmClient?: SSMClient;
  /** Seconds a decrypted URL stays cached in the container (Powertools Parameters cache). */
  maxAgeSeconds?: number;
  env?: NodeJS.ProcessEnv;
}

/** The name of the innermost error (Powertools wraps the SDK's, e.g. ParameterNotFound, in a GetParameterError). */
function rootName(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 5 && e instanceof Error && e.cause instanceof Error; i++) e = e.cause;
  return e instanceof Error ? e.name : 'Error';
}

/**
 * Resolves Slack webhook references: `ssm:/tpguard/slack/<team>` from Parameter Store
 * (SecureString, decrypted, cached by Powertools Parameters), `env:VARIABLE` from the environment.
 * A missing value fails with the reference's name, never a value.
 * @example const url = await createWebhookResolver()('ssm:/tpguard/slack/vision')
 */
export function createWebhookResolver(options: ResolverOptions = {}): WebhookResolver {
  let provider: SSMProvider | undefined;
  const env = options.env ?? process.env;
  const maxAge = options.maxAgeSeconds ?? 300;
  return async (reference) => {
    if (reference.startsWith('env:')) {
      const value = env[reference.slice(4)];
      if (!value) throw new DeliveryError('slack', `${reference} is not set`);
      return value;
    }
    if (!reference.startsWith('ssm:'))
      throw new DeliveryError(
        'slack',
        `unsupported webhook reference ${reference.split(':')[0]}: (use ssm:/name or env:NAME)`,
      );
    provider ??= options.ssmClient ? new SSMProvider({ awsSdkV3Client: options.ssmClient }) : new SSMProvider();
    let value: unknown;
    try {
      value = await provider.get(reference.slice(4), { decrypt: true, maxAge });
    } catch (err) {
      const name = rootName(err);
      throw new DeliveryError('slack', `cannot read ${reference}: ${name}`, { cause: err, status: name });
    }
    if (typeof value !== 'string' || value.length === 0) throw new DeliveryError('slack', `${reference} is empty`);
    return value;
  };
}
