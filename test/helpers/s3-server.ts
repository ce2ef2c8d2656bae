import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { buildApp } from 'fauxqs';
import { REPO_ROOT } from './fixtures.js';
import { type S3FaultProxy, startS3FaultProxy } from './s3-fault-proxy.js';

/**
 * A real S3 API on 127.0.0.1 for the tests that read archives: fauxqs (its S3 side, objects in
 * memory) on a free port, behind a fault-injecting proxy, and the environment the SDK reads
 * (`AWS_ENDPOINT_URL_S3`, region, static test credentials, no shared config files, no
 * instance metadata), so the code under test builds its client exactly as a user's would.
 */

export interface LocalS3 {
  /** The proxy the code under test talks to (faults and request log). */
  proxy: S3FaultProxy;
  /** The server itself, bypassing the proxy. */
  serverEndpoint: string;
  /** A client of the server (no faults) to set up buckets and objects. */
  admin: S3Client;
  stop(): Promise<void>;
}

const ENV = (endpoint: string): Record<string, string> => ({
  AWS_ENDPOINT_URL_S3: endpoint,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIAFAUXQSTEST000000',
  AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
  // Nothing outside the repository is read: these files do not exist.
  AWS_CONFIG_FILE: join(REPO_ROOT, 'test', 'helpers', 'no-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(REPO_ROOT, 'test', 'helpers', 'no-aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
});

/**
 * Starts fauxqs and the proxy, and points the SDK's environment at the proxy until `stop()`.
 * @example const s3 = await startLocalS3(); await putObjects(s3.admin, 'archive', objects); ...; await s3.stop()
 */
export async function startLocalS3(): Promise<LocalS3> {
  const app = buildApp({ logger: false, defaultRegion: 'eu-west-1' });
  // startFauxqs() listens on every interface; buildApp() + listen() keeps it on loopback.
  await app.listen({ port: 0, host: '127.0.0.1' });
  const serverEndpoint = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const proxy = await startS3FaultProxy(serverEndpoint);
  const env = ENV(proxy.endpoint);
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]] as const));
  Object.assign(process.env, env);
  const admin = new S3Client({
    endpoint: serverEndpoint,
    forcePathStyle: true,
    region: 'eu-west-1',
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
  });
  return {
    proxy,
    serverEndpoint,
    admin,
    stop: async () => {
      admin.destroy();
      await proxy.close();
      await app.close();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}

/** Creates a bucket and puts the objects, 16 at a time. */
export async function putObjects(admin: S3Client, bucket: string, objects: ReadonlyMap<string, Uint8Array>) {
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  const entries = [...objects];
  for (let i = 0; i < entries.length; i += 16)
    await Promise.all(
      entries.slice(i, i + 16).map(([Key, Body]) => admin.send(new PutObjectCommand({ Bucket: bucket, Key, Body }))),
    );
}
