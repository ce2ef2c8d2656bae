import type { Command } from 'commander';
import { watch, type FSWatcher } from 'node:fs';
import { lstat, mkdir, readdir, realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { localRequestRefusal, type LocalRuntime, type RunSummary } from '../../shared/adapters/local/index.js';
import { intake, type IntakeResult, type Rejection } from '../../shared/sources/index.js';
import { readInputs } from '../../shared/events/index.js';
import { describeError, redactString } from '../../shared/kernel/index.js';
import { parseJson } from '../../shared/kernel/index.js';
import { CliError, HttpError } from '../errors.js';
import { openRuntime, runtimeOptions, type RuntimeOptions } from './replay.js';
import { MAX_PRINTED_REJECTIONS, rejectionPrinter, safe, safeJson } from '../terminal.js';

/** Largest request body accepted by POST /events. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Largest body after gunzip. */
const MAX_INFLATED_BYTES = 8 * MAX_BODY_BYTES;
export const DEFAULT_PORT = 8787;
/**
 * Events one request may carry. A request is ingested in one go on the queue the inbox shares:
 * 28,000 events in a 255 KB gzip body held it for five minutes. More: 413, split the body.
 */
export const MAX_EVENTS_PER_REQUEST = 1000;
/** Requests waiting for the queue before the next one is answered 503 (Retry-After: 1). */
export const MAX_QUEUED_REQUESTS = 8;
/** The media types of POST /events: a browser cannot send them cross-site without a preflight, which is refused. */
const EVENT_MEDIA_TYPES = ['application/json', 'application/x-ndjson'];

/** An ordered queue of work, and how many items wait in it (running one included). */
export type SerialQueue = (<T>(fn: () => Promise<T>) => Promise<T>) & { pending(): number };

/** Runs ingestion one input at a time: the HTTP endpoint and the inbox share one ordered queue. */
export function serialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  const run = <T>(fn: () => Promise<T>) => {
    waiting++;
    const next = tail.then(fn).finally(() => void waiting--);
    tail = next.catch(() => undefined);
    return next;
  };
  return Object.assign(run, { pending: () => waiting });
}

/** More than {@link MAX_EVENTS_PER_REQUEST} events: 413 with the count. */
function tooMany(count: number | string): HttpError {
  return new HttpError(
    413,
    `too many events in one request (${count}, limit ${MAX_EVENTS_PER_REQUEST}): send smaller requests or use the inbox folder`,
  );
}

/** Intake of one parsed document, stopped as soon as it holds more events than one request may. */
function boundedIntake(value: unknown, where: string): IntakeResult[] {
  const items: IntakeResult[] = [];
  for (const item of intake(value, where)) {
    items.push(item);
    if (items.length > MAX_EVENTS_PER_REQUEST) throw tooMany(`more than ${MAX_EVENTS_PER_REQUEST}`);
  }
  return items;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES)
    throw new HttpError(413, `body too large (${declared} bytes, limit ${MAX_BODY_BYTES})`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body too large (more than ${MAX_BODY_BYTES} bytes)`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The body as intake results: one JSON document (event, array, log file, SNS delivery) or NDJSON; gzip allowed. */
export function parseEventsBody(body: Buffer): IntakeResult[] {
  let bytes = body;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
    } catch (err) {
      throw new HttpError(
        (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 413 : 400,
        `gzip body: ${describeError(err)}`,
      );
    }
  }
  const text = bytes.toString('utf8');
  if (text.trim().length === 0)
    throw new HttpError(400, 'empty body: POST an event, an array, a CloudTrail log file or NDJSON');
  let parsed: unknown;
  try {
    parsed = parseJson(text, MAX_INFLATED_BYTES);
  } catch (err) {
    const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
    if (lines.length < 2) throw new HttpError(400, describeError(err));
    if (lines.length > MAX_EVENTS_PER_REQUEST) throw tooMany(lines.length);
    return text.split(/\r?\n/).flatMap((line, i): IntakeResult[] => {
      if (line.trim().length === 0) return [];
      try {
        return boundedIntake(parseJson(line), `body:${i}`);
      } catch (err) {
        if (err instanceof HttpError) throw err;
        return [{ ok: false, rejection: { where: `body:${i}`, reason: describeError(err) } }];
      }
    });
  }
  return boundedIntake(parsed, 'body');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  // Answers are read in terminals (curl): escaped like every other output.
  const text = `${safeJson(body, 2)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function answer(run: RunSummary, items: IntakeResult[], refused: readonly Rejection[]) {
  // What intake could not read, then what ingest refused (dated too far ahead of the clock).
  const rejected = [...items.flatMap((i) => (i.ok ? [] : [i.rejection])), ...refused];
  return {
    accepted: items.length - rejected.length,
    // The first 20 reasons (redacted: a reason may quote a field), and how many there were.
    rejected: rejected
      .slice(0, MAX_PRINTED_REJECTIONS)
      .map((r) => ({ where: r.where, reason: redactString('', r.reason) })),
    rejectedTotal: rejected.length,
    routed: run.routed,
    unrouted: run.unrouted,
    findings: run.findings,
    transitions: run.transitions,
    errors: run.errors,
  };
}

async function postEvents(
  req: IncomingMessage,
  res: ServerResponse,
  rt: LocalRuntime,
  serial: SerialQueue,
): Promise<void> {
  const media = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!EVENT_MEDIA_TYPES.includes(media))
    throw new HttpError(
      415,
      `POST /events takes Content-Type application/json or application/x-ndjson (got ${media || 'none'}): e.g. curl -H 'Content-Type: application/json' --data-binary @event.json`,
    );
  if (serial.pending() >= MAX_QUEUED_REQUESTS) {
    res.setHeader('retry-after', '1');
    throw new HttpError(503, `busy: ${serial.pending()} requests wait for the queue, retry in a second`);
  }
  const items = parseEventsBody(await readBody(req));
  // Bounded by MAX_EVENTS_PER_REQUEST.
  const refused: Rejection[] = [];
  const run = await serial(() => rt.ingest(items, (r) => void refused.push(r)));
  const body = answer(run, items, refused);
  send(res, body.accepted === 0 ? 400 : run.errors.length > 0 ? 500 : 200, body);
}

/**
 * The local HTTP intake on 127.0.0.1: `POST /events` (same shapes as scan, 1 MiB cap: 413; nothing
 * usable: 400 with the reasons), `GET /drift` (open drift, JSON), `GET /health`.
 * @example const server = await startEventServer(rt, 8787); // curl -H 'Content-Type: application/json' --data-binary @event.json http://127.0.0.1:8787/events
 */
export async function startEventServer(rt: LocalRuntime, port: number, serial = serialQueue()): Promise<Server> {
  const server = createServer((req, res) => {
    // A web page must not reach this server: no foreign Origin, a local Host (DNS rebinding), no preflight.
    const own = (server.address() as AddressInfo | null)?.port ?? port;
    const refusal = localRequestRefusal(req.headers, req.method, own, { origins: 'own' });
    if (refusal) {
      send(res, 403, { error: refusal });
      req.resume();
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    const routes: Record<string, () => Promise<void>> = {
      'POST /events': () => postEvents(req, res, rt, serial),
      'GET /drift': async () => send(res, 200, await rt.store.queryRecords({ statuses: ['open'] })),
      'GET /health': async () =>
        send(res, 200, {
          ok: true,
          packVersion: rt.deps.evaluator.pack.version,
          rules: rt.deps.evaluator.pack.rules.length,
        }),
    };
    const route = routes[`${req.method} ${path}`];
    if (!route) {
      const known = Object.keys(routes).some((k) => k.endsWith(` ${path}`));
      send(res, known ? 405 : 404, {
        error: known
          ? `method ${req.method} not allowed on ${path}`
          : `no route ${path}: POST /events, GET /drift, GET /health`,
      });
      return;
    }
    route().catch((err: unknown) => {
      if (err instanceof HttpError) send(res, err.status, { error: err.message });
      else send(res, 500, { error: describeError(err) });
      if (err instanceof HttpError && err.status >= 413) req.resume();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new CliError(`port ${port} is in use on 127.0.0.1: choose another with --port`)
          : err,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

/**
 * Watches a folder for event files: each new or changed file is ingested once (by name, size and
 * modification time) through the same queue; files already there at start are ingested too.
 */
export async function watchInbox(
  dir: string,
  rt: LocalRuntime,
  serial: SerialQueue,
  log: (line: string) => void,
): Promise<FSWatcher> {
  await mkdir(dir, { recursive: true });
  const seen = new Map<string, string>();
  const timers = new Map<string, NodeJS.Timeout>();
  const root = await realpath(dir);
  const ingestFile = async (name: string) => {
    const file = join(dir, name);
    // The inbox reads its own regular files only: a symbolic link (ln -s /etc/passwd inbox/x.json)
    // or a name that leads out of it is refused, said once, and never opened.
    const info = await lstat(file).catch(() => undefined);
    if (!info) return;
    if (info.isSymbolicLink() || name.includes('/') || name.includes('\\') || name === '..') {
      if (!seen.has(name)) log(`inbox ${safe(name)}: symbolic link, not followed`);
      seen.set(name, 'refused');
      return;
    }
    if (!info.isFile() || seen.get(name) === `${info.size}:${info.mtimeMs}`) return;
    const real = await realpath(file).catch(() => undefined);
    if (real !== join(root, name)) return;
    seen.set(name, `${info.size}:${info.mtimeMs}`);
    const lines: string[] = [];
    const rejections = rejectionPrinter((line) => void lines.push(line), 'rejected ');
    const run = await serial(() =>
      rt.ingest(
        (async function* () {
          for await (const item of readInputs([file])) {
            if (!item.ok) rejections.print(item.rejection);
            yield item;
          }
        })(),
        rejections.print,
      ),
    );
    rejections.flush();
    for (const line of lines) log(line);
    log(
      `inbox ${safe(name)}: ${run.inputs - run.rejected} events, ${run.rejected} rejected, ${Object.values(run.transitions).reduce((a, b) => a + b, 0)} transitions`,
    );
  };
  const schedule = (name: string | null) => {
    if (!name || name.startsWith('.')) return;
    clearTimeout(timers.get(name));
    // Writers take a moment: wait until the file has been quiet for 200 ms.
    timers.set(
      name,
      setTimeout(
        () => void ingestFile(name).catch((err: unknown) => log(`inbox ${safe(name)}: ${safe(describeError(err))}`)),
        200,
      ),
    );
  };
  const watcher = watch(dir, (_event, name) => schedule(name));
  for (const name of (await readdir(dir)).sort()) schedule(name);
  watcher.on('close', () => {
    for (const t of timers.values()) clearTimeout(t);
  });
  return watcher;
}

/** Resolves on Ctrl-C (SIGINT) or SIGTERM. */
export function untilInterrupted(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

interface ServeOptions extends RuntimeOptions {
  port: string;
  inbox?: string;
}

/** Parses --port (0 = any free port). */
export function portOf(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port must be a port number (0-65535), got ${value}`);
  return port;
}

/** Serves HTTP and the inbox on a running runtime until interrupted; prints where. */
export async function serveUntilInterrupted(
  rt: LocalRuntime,
  opts: ServeOptions,
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const serial = serialQueue();
  const server = await startEventServer(rt, portOf(opts.port), serial);
  const inbox = opts.inbox ?? join(opts.dataDir, 'inbox');
  const watcher = await watchInbox(inbox, rt, serial, (l) => void out.write(`${l}\n`));
  const port = (server.address() as AddressInfo).port;
  out.write(
    `serving on http://127.0.0.1:${port}: POST /events, GET /drift, GET /health; inbox ${inbox}; Ctrl-C to stop\n`,
  );
  await untilInterrupted();
  watcher.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await serial(async () => undefined);
  out.write('stopped\n');
}

export function registerServe(program: Command): void {
  runtimeOptions(
    program
      .command('serve')
      .description(
        'local intake: HTTP POST /events on 127.0.0.1 and an inbox folder; prints transitions as they happen',
      ),
  )
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', String(DEFAULT_PORT))
    .option('--inbox <dir>', 'folder watched for new event files (default: <data-dir>/inbox)')
    .addHelpText(
      'after',
      `\nPOST /events takes the same shapes as scan (one event, an array, a CloudTrail log file, NDJSON, gzip)\nas Content-Type application/json or application/x-ndjson (415 otherwise), at most 1 MiB and ${MAX_EVENTS_PER_REQUEST} events:\n413 above, 400 with the reasons when nothing in it is usable. Requests with a foreign Origin or a Host\nother than 127.0.0.1/localhost are refused (403).\n\nExamples:\n  $ tpguard serve --port ${DEFAULT_PORT}\n  $ curl -s -H 'Content-Type: application/json' --data-binary @events/story/0805-jdoe-suspends-versioning-vision-images.json http://127.0.0.1:${DEFAULT_PORT}/events`,
    )
    .action(async (opts: ServeOptions, cmd: Command) => {
      const rt = await openRuntime(opts, cmd, 'serve', { printTransitions: true });
      try {
        await serveUntilInterrupted(rt, opts);
      } finally {
        await rt.close();
      }
    });
}
