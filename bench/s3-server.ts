import type { AddressInfo } from 'node:net';
import { buildApp } from 'fauxqs';

/**
 * fauxqs (an S3 API, objects in memory) in its own process on 127.0.0.1, so that the S3 scan's CPU
 * time is the scan's, not the server's. Prints `{"port":N}` on stdout, then serves until killed.
 * Usage: node --import tsx bench/s3-server.ts
 */
const app = buildApp({ logger: false, defaultRegion: 'eu-west-1' });
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: (app.server.address() as AddressInfo).port })}\n`);
