import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

/**
 * An in-memory dynalite in its own process, so that the handler benchmark's CPU time is the
 * handler's, not the store's. Prints `{"port":N}` on stdout, then serves until killed.
 * Usage: node --import tsx bench/dynalite-server.ts
 */
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
