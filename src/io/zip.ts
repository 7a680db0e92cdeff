/**
 * Reading and writing the `.keras` zip. Writing is fflate's `zipSync` (stored, as Keras 3 writes). Reading
 * is our own walk of the central directory, so that every declared size is checked before anything is
 * inflated and every entry's CRC-32 is checked after, as Python's `zipfile` does (one flipped bit in stored
 * weights otherwise loads silently). Inflating streams through fflate's `Inflate` and stops as soon as an
 * entry outgrows its declared size: fflate's one-shot inflate keeps decoding a zero bomb to its end even
 * into a small buffer.
 */

import { Inflate, zipSync } from 'fflate';
import { DEFLATE_CEILING, formatBytes, formatLimit } from './budget.js';
import { crc32 } from './crc32.js';
import { LIMITS, ModelFileError } from './errors.js';

/**
 * Real model data stays far below the ceiling (float weights about 1.1:1, a Keras config 35:1, a config of
 * 20,000 identical layers 88:1): an entry inflating more than this is a zip bomb, unless small enough not
 * to matter.
 */
export const MAX_INFLATE_RATIO = 250;
const RATIO_FREE_BYTES = 2 ** 20;
/**
 * Compressed bytes fed per step: what is left of the declared size over the ceiling, so that a lying entry
 * is caught having decoded at most 4 MiB past its size, but at least 4 KiB (fflate's per-step cost adds
 * up on small steps) and at most 1 MiB.
 */
const MIN_STEP = 4 * 1024;
const MAX_STEP = 2 ** 20;

interface Entry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  rawName: Uint8Array;
}

function corrupt(file: string, problem: string): ModelFileError {
  return new ModelFileError(file, `truncated or corrupt zip archive: ${problem}`);
}

/** The end-of-central-directory record: where the directory is and how many entries it lists. */
function endRecord(view: DataView, file: string): { count: number; offset: number; size: number } {
  const last = view.byteLength - 22;
  for (let at = last; at >= Math.max(0, last - 65535); at--) {
    if (view.getUint32(at, true) !== 0x06054b50) continue;
    const count = view.getUint16(at + 10, true);
    const size = view.getUint32(at + 12, true);
    const offset = view.getUint32(at + 16, true);
    if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) throw new ModelFileError(file, 'is a zip64 archive (over 4 GiB or 65,535 entries), which is not supported');
    if (view.getUint16(at + 4, true) !== 0 || view.getUint16(at + 8, true) !== count) throw new ModelFileError(file, 'is a multi-part zip archive, which is not supported');
    if (offset + size > at) throw corrupt(file, 'the central directory lies outside the archive');
    return { count, offset, size };
  }
  throw corrupt(file, 'no end-of-central-directory record');
}

function centralDirectory(bytes: Uint8Array, file: string): Entry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = endRecord(view, file);
  if (end.count > LIMITS.zipEntries) throw new ModelFileError(file, `the archive has ${end.count} entries; at most ${LIMITS.zipEntries} are allowed`);
  const entries: Entry[] = [];
  const decoder = new TextDecoder();
  let at = end.offset;
  for (let i = 0; i < end.count; i++) {
    if (at + 46 > end.offset + end.size || view.getUint32(at, true) !== 0x02014b50) throw corrupt(file, `central directory record ${i} is damaged`);
    const nameLength = view.getUint16(at + 28, true);
    const next = at + 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    if (next > end.offset + end.size) throw corrupt(file, `central directory record ${i} runs past the directory`);
    const rawName = bytes.subarray(at + 46, at + 46 + nameLength);
    entries.push({
      name: decoder.decode(rawName),
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
      rawName,
    });
    at = next;
  }
  return entries;
}

/** The entry's stored bytes, found through its local header (which must agree on the name). */
function storedData(bytes: Uint8Array, entry: Entry, file: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== 0x04034b50) throw corrupt(file, `the local header of '${entry.name}' is missing`);
  const nameLength = view.getUint16(at + 26, true);
  const start = at + 30 + nameLength + view.getUint16(at + 28, true);
  const local = bytes.subarray(at + 30, at + 30 + nameLength);
  if (local.length !== entry.rawName.length || local.some((b, i) => b !== entry.rawName[i])) throw corrupt(file, `the local header of '${entry.name}' names another file`);
  if (start + entry.compressedSize > bytes.length) throw corrupt(file, `'${entry.name}' runs past the end of the archive`);
  return bytes.subarray(start, start + entry.compressedSize);
}

/** Inflates into exactly `size` bytes, stopping early when the stream would produce more. */
function inflateBounded(data: Uint8Array, size: number, name: string, file: string): Uint8Array {
  const out = new Uint8Array(size);
  let written = 0;
  let overflow = false;
  const inflater = new Inflate((chunk) => {
    if (written + chunk.length > size) overflow = true;
    else out.set(chunk, written);
    written += chunk.length;
  });
  try {
    for (let i = 0; i < data.length && !overflow; ) {
      const step = Math.min(MAX_STEP, Math.max(MIN_STEP, Math.floor((size - written) / DEFLATE_CEILING)));
      inflater.push(data.subarray(i, i + step), i + step >= data.length);
      i += step;
    }
    if (data.length === 0) inflater.push(data, true);
  } catch (error) {
    throw corrupt(file, `'${name}' does not inflate (${(error as Error).message})`);
  }
  if (overflow) throw corrupt(file, `'${name}' inflates to more than the ${size} bytes it declares`);
  if (written !== size) throw corrupt(file, `'${name}' inflates to ${written} bytes, not the ${size} it declares`);
  return out;
}

function checkDeclared(entry: Entry, maxSize: number, file: string): void {
  if (entry.flags & 1) throw new ModelFileError(file, `zip entry '${entry.name}' is encrypted`);
  if (entry.method !== 0 && entry.method !== 8) throw new ModelFileError(file, `zip entry '${entry.name}' uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
  if (entry.method === 0 && entry.size !== entry.compressedSize) throw corrupt(file, `stored entry '${entry.name}' declares ${entry.size} bytes but holds ${entry.compressedSize}`);
  if (entry.size > maxSize) throw new ModelFileError(file, `zip entry '${entry.name}' declares ${formatBytes(entry.size)}; the limit for it is ${formatLimit(maxSize)} (the load options maxConfigBytes and maxBytes raise it)`);
  if (entry.method === 8 && entry.size > RATIO_FREE_BYTES && entry.size > entry.compressedSize * MAX_INFLATE_RATIO) {
    throw new ModelFileError(
      file,
      `zip entry '${entry.name}' would inflate from ${formatBytes(entry.compressedSize)} to ${formatBytes(entry.size)} (${Math.round(entry.size / Math.max(entry.compressedSize, 1))}:1); ` +
        `real model data compresses far less than ${MAX_INFLATE_RATIO}:1, so this is refused as a zip bomb`,
    );
  }
}

/**
 * The named entries of a zip, each no larger than its limit in `expected` (name → bytes). Other entries are
 * ignored. Declared sizes, compression ratios and local headers are checked before anything is inflated,
 * and each entry's CRC-32 after.
 *
 * @example
 * ```ts
 * const entries = readZip(bytes, 'model.keras', { 'config.json': 2 ** 24 });
 * ```
 */
export function readZip(bytes: Uint8Array, file: string, expected: Readonly<Record<string, number>>): Map<string, Uint8Array> {
  if (bytes.byteLength < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new ModelFileError(file, 'not a zip archive (a .keras file is a zip)');
  const wanted = new Map<string, Entry>();
  for (const entry of centralDirectory(bytes, file)) {
    if (!Object.hasOwn(expected, entry.name)) continue;
    if (wanted.has(entry.name)) throw new ModelFileError(file, `the archive holds '${entry.name}' twice`);
    checkDeclared(entry, expected[entry.name], file);
    wanted.set(entry.name, entry);
  }
  const out = new Map<string, Uint8Array>();
  for (const name of Object.keys(expected)) {
    const entry = wanted.get(name);
    if (entry === undefined) throw new ModelFileError(file, `the archive has no '${name}' (a Keras 3 .keras file holds ${Object.keys(expected).join(', ')})`);
    const stored = storedData(bytes, entry, file);
    const data = entry.method === 0 ? stored : inflateBounded(stored, entry.size, name, file);
    const crc = crc32(data);
    if (crc !== entry.crc) {
      throw new ModelFileError(file, `zip entry '${name}' fails its CRC-32 check (the archive says ${hex(entry.crc)}, the data gives ${hex(crc)}): the file is corrupt`);
    }
    out.set(name, data);
  }
  return out;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/** A zip of the entries in order, stored uncompressed as Keras 3 writes `.keras` files. */
export function writeZip(entries: readonly (readonly [string, Uint8Array])[]): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0; mtime: Date }]> = {};
  // A fixed time keeps saved files byte-identical across runs; Keras's date lives in metadata.json.
  const mtime = new Date(1980, 0, 1);
  for (const [name, data] of entries) files[name] = [data, { level: 0, mtime }];
  return zipSync(files);
}
