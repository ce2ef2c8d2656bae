import { crc32, deflateRawSync } from 'node:zlib';

/** One file of a Lambda deployment package. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated (e.g. `policies/sagemaker/TPS-SM-01.yaml`). */
  name: string;
  data: Buffer;
}

// Every entry carries the same timestamp (1980-01-01 00:00, the earliest a zip can hold)
// and the same permissions, and entries are sorted: the same inputs give the same bytes,
// so a package's hash changes only when its content does (reproducible deployments).
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const UNIX_FILE_MODE = 0o100644;
const VERSION_MADE_BY = (3 << 8) | 20; // Unix, zip 2.0
const VERSION_NEEDED = 20;
const METHOD_DEFLATE = 8;
const UTF8_FLAG = 0x0800;

function localHeader(name: Buffer, crc: number, compressed: number, size: number): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(VERSION_NEEDED, 4);
  h.writeUInt16LE(UTF8_FLAG, 6);
  h.writeUInt16LE(METHOD_DEFLATE, 8);
  h.writeUInt16LE(DOS_TIME, 10);
  h.writeUInt16LE(DOS_DATE, 12);
  h.writeUInt32LE(crc, 14);
  h.writeUInt32LE(compressed, 18);
  h.writeUInt32LE(size, 22);
  h.writeUInt16LE(name.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, name]);
}

function centralHeader(name: Buffer, crc: number, compressed: number, size: number, offset: number): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(VERSION_MADE_BY, 4);
  h.writeUInt16LE(VERSION_NEEDED, 6);
  h.writeUInt16LE(UTF8_FLAG, 8);
  h.writeUInt16LE(METHOD_DEFLATE, 10);
  h.writeUInt16LE(DOS_TIME, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  h.writeUInt32LE(crc, 16);
  h.writeUInt32LE(compressed, 20);
  h.writeUInt32LE(size, 24);
  h.writeUInt16LE(name.length, 28);
  h.writeUInt32LE((UNIX_FILE_MODE << 16) >>> 0, 38);
  h.writeUInt32LE(offset, 42);
  return Buffer.concat([h, name]);
}

function endOfCentralDirectory(count: number, size: number, offset: number): Buffer {
  const h = Buffer.alloc(22);
  h.writeUInt32LE(0x06054b50, 0);
  h.writeUInt16LE(count, 8);
  h.writeUInt16LE(count, 10);
  h.writeUInt32LE(size, 12);
  h.writeUInt32LE(offset, 16);
  return h;
}

/**
 * Builds a deflated zip archive, byte-for-byte reproducible: sorted entries, fixed
 * timestamps and permissions. Packages stay far below the 4 GiB where zip64 would start.
 * @example writeFileSync('fn.zip', createZip([{ name: 'index.mjs', data: Buffer.from(code) }]))
 */
export function createZip(entries: readonly ZipEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of sorted) {
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(entry.data);
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const local = Buffer.concat([localHeader(name, crc, compressed.length, entry.data.length), compressed]);
    centrals.push(centralHeader(name, crc, compressed.length, entry.data.length, offset));
    locals.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(centrals);
  return Buffer.concat([...locals, central, endOfCentralDirectory(sorted.length, central.length, offset)]);
}
