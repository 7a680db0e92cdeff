/**
 * Byte-level and container-level mutations for the fuzzer: bit flips, truncation, spliced garbage, zip
 * central-directory edits (sizes, CRC, method, offsets), zero bombs, and HDF5 datasets grown to 2^28-2^40
 * elements with nothing written (through h5wasm, as a tool would).
 */

import { Deflate, unzipSync, zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import h5wasm from 'h5wasm';
import { crc32 } from '../../../src/io/crc32.js';

/** A seeded source of choices (see test/io/helpers.ts `random`, here mapped to [0, 1)). */
export interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
}

export function rng(seed: number): Rng {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (items) => items[Math.floor(next() * items.length)] };
}

export function flipBits(bytes: Uint8Array, r: Rng, count = 1 + r.int(16)): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < count; i++) out[r.int(out.length)] ^= 1 << r.int(8);
  return out;
}

export function truncate(bytes: Uint8Array, r: Rng): Uint8Array {
  return bytes.slice(0, r.int(bytes.length));
}

/** Overwrites a run of bytes with random ones, or with 0xff (lengths and offsets at their maximum). */
export function splice(bytes: Uint8Array, r: Rng): Uint8Array {
  const out = bytes.slice();
  const at = r.int(out.length);
  const length = 1 + r.int(16);
  const ones = r.next() < 0.5;
  for (let i = at; i < Math.min(out.length, at + length); i++) out[i] = ones ? 0xff : r.int(256);
  return out;
}

function centralRecords(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 22;
  const count = view.getUint16(end + 10, true);
  const records: number[] = [];
  let at = view.getUint32(end + 16, true);
  for (let i = 0; i < count; i++) {
    records.push(at);
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return records;
}

const HUGE_32 = [0xffffffff, 0x7fffffff, 0x40000000, 0x10000000, 0, 1];

/** Edits one field of one central-directory record: a size, the CRC, the method or the local offset. */
export function editZipDirectory(bytes: Uint8Array, r: Rng): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const record = r.pick(centralRecords(out));
  const field = r.pick([
    { offset: 16, width: 4 }, // CRC-32
    { offset: 20, width: 4 }, // compressed size
    { offset: 24, width: 4 }, // uncompressed size
    { offset: 42, width: 4 }, // local header offset
    { offset: 10, width: 2 }, // method
  ]);
  const value = field.width === 2 ? r.pick([8, 12, 99, 0xffff]) : r.next() < 0.5 ? r.pick(HUGE_32) : view.getUint32(record + field.offset, true) ^ (1 << r.int(32));
  if (field.width === 2) view.setUint16(record + field.offset, value, true);
  else view.setUint32(record + field.offset, value >>> 0, true);
  return out;
}

/** The archive with one entry replaced (stored, or deflated when `deflate`). */
export function replaceEntry(bytes: Uint8Array, name: string, data: Uint8Array, deflate = false): Uint8Array {
  const files: Zippable = {};
  for (const [entry, content] of Object.entries(unzipSync(bytes))) files[entry] = [content, { level: 0 }];
  files[name] = [data, { level: deflate ? 1 : 0 }];
  return zipSync(files);
}

/** One entry of {@link writeRawZip}: the bytes as stored, and what the directory declares about them. */
export interface RawEntry {
  name: string;
  method: 0 | 8;
  stored: Uint8Array;
  size: number;
  crc: number;
}

/** A zip written field by field, so that a fuzzer can declare anything (fflate's writer is honest). */
export function writeRawZip(entries: readonly RawEntry[]): Uint8Array {
  const names = entries.map((e) => new TextEncoder().encode(e.name));
  const localSize = entries.reduce((n, e, i) => n + 30 + names[i].length + e.stored.length, 0);
  const centralSize = names.reduce((n, name) => n + 46 + name.length, 0);
  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  let at = 0;
  const offsets: number[] = [];
  entries.forEach((e, i) => {
    offsets.push(at);
    view.setUint32(at, 0x04034b50, true);
    view.setUint16(at + 8, e.method, true);
    view.setUint32(at + 14, e.crc, true);
    view.setUint32(at + 18, e.stored.length, true);
    view.setUint32(at + 22, e.size, true);
    view.setUint16(at + 26, names[i].length, true);
    out.set(names[i], at + 30);
    out.set(e.stored, at + 30 + names[i].length);
    at += 30 + names[i].length + e.stored.length;
  });
  const central = at;
  entries.forEach((e, i) => {
    view.setUint32(at, 0x02014b50, true);
    view.setUint16(at + 10, e.method, true);
    view.setUint32(at + 16, e.crc, true);
    view.setUint32(at + 20, e.stored.length, true);
    view.setUint32(at + 24, e.size, true);
    view.setUint16(at + 28, names[i].length, true);
    view.setUint32(at + 42, offsets[i], true);
    out.set(names[i], at + 46);
    at += 46 + names[i].length;
  });
  view.setUint32(at, 0x06054b50, true);
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, at - central, true);
  view.setUint32(at + 16, central, true);
  return out;
}

/** Deflated `size` bytes of `fill` (zeros, or spaces inside JSON braces), with their CRC-32, made 1 MiB at a time. */
const bombs = new Map<string, { stored: Uint8Array; crc: number }>();
function deflatedFill(size: number, json: boolean): { stored: Uint8Array; crc: number } {
  const key = `${size}/${json}`;
  const cached = bombs.get(key);
  if (cached !== undefined) return cached;
  const parts: Uint8Array[] = [];
  const deflater = new Deflate({ level: 9 }, (chunk) => parts.push(chunk));
  const step = new Uint8Array(2 ** 20).fill(json ? 0x20 : 0);
  let crc = 0;
  const push = (data: Uint8Array, final = false): void => {
    crc = crc32(data, crc);
    deflater.push(data, final);
  };
  if (json) push(new TextEncoder().encode('{'));
  for (let left = size - (json ? 2 : 0); left > 0; left -= step.length) push(step.subarray(0, Math.min(left, step.length)));
  push(json ? new TextEncoder().encode('}') : new Uint8Array(0), true);
  const stored = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    stored.set(p, offset);
    offset += p.length;
  }
  const bomb = { stored, crc };
  bombs.set(key, bomb);
  return bomb;
}

/**
 * A `.keras` whose entry `name` is a zero bomb inflating to `size` bytes (spaces in a JSON object for the
 * JSON entries), its directory honest (declaring `size`) or lying (declaring 16 bytes, so that only
 * inflating reveals it).
 */
export function zipBomb(bytes: Uint8Array, name: string, size: number, lying: boolean): Uint8Array {
  const bomb = deflatedFill(size, name.endsWith('.json'));
  const entries: RawEntry[] = Object.entries(unzipSync(bytes)).map(([entry, data]) =>
    entry === name ? { name, method: 8, stored: bomb.stored, size: lying ? 16 : size, crc: bomb.crc } : { name: entry, method: 0, stored: data, size: data.length, crc: crc32(data) },
  );
  return writeRawZip(entries);
}

let h5Counter = 0;

type H5Group = InstanceType<typeof h5wasm.Group>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

/** What {@link rewriteH5} changes while copying: grow or damage one float dataset, or replace string attributes. */
export interface H5Rewrite {
  /** Picks a float dataset to chunk and resize to 2^28-2^40 elements with nothing written. */
  grow?: Rng;
  /** Picks a float dataset to write with one more element, as integers, or not at all: a well-formed file that does not fit. */
  damage?: Rng;
  /** A new value for a string attribute, or undefined to keep it. */
  attr?: (name: string, value: string | string[]) => string | undefined;
}

/**
 * A copy of an HDF5 file (groups, string attributes, numeric datasets) with `rewrite` applied: a grown
 * dataset makes HDF5 read fill values for its whole extent, as a file resized by a tool without writing
 * data does. h5wasm cannot delete or resize a contiguous dataset, hence the copy. Needs h5wasm loaded.
 */
export async function rewriteH5(bytes: Uint8Array, rewrite: H5Rewrite): Promise<Uint8Array> {
  const module = await h5wasm.ready;
  const source = `/fuzz-source-${h5Counter}.h5`;
  const target = `/fuzz-rewritten-${h5Counter++}.h5`;
  module.FS.writeFile(source, bytes);
  const from = new h5wasm.File(source, 'r');
  const to = new h5wasm.File(target, 'w');
  try {
    const floats: string[] = [];
    const list = (group: H5Group, at: string): void => {
      for (const name of group.keys()) {
        const child = group.get(name);
        if (child instanceof h5wasm.Group) list(child, `${at}/${name}`);
        else if (child instanceof h5wasm.Dataset && child.metadata.type === 1 && (child.shape?.length ?? 0) > 0) floats.push(`${at}/${name}`);
      }
    };
    list(from, '');
    const picker = rewrite.grow ?? rewrite.damage;
    const chosen = picker !== undefined && floats.length > 0 ? picker.pick(floats) : null;
    const damage = rewrite.damage?.pick(['reshape', 'integers', 'drop'] as const);
    const copyAttrs = (src: H5Group | H5Dataset, dst: H5Group | H5Dataset): void => {
      for (const [name, attr] of Object.entries(src.attrs)) {
        const value = attr.value;
        if (typeof value !== 'string' && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) continue;
        dst.create_attribute(name, rewrite.attr?.(name, value as string | string[]) ?? (value as string | string[]));
      }
    };
    const copy = (src: H5Group, dst: H5Group, at: string): void => {
      copyAttrs(src, dst);
      for (const name of src.keys()) {
        const child = src.get(name);
        if (child instanceof h5wasm.Group) copy(child, dst.create_group(name), `${at}/${name}`);
        else if (child instanceof h5wasm.Dataset && child.shape !== null && (child.metadata.type === 0 || child.metadata.type === 1)) {
          if (`${at}/${name}` === chosen && damage !== undefined) {
            const data = child.value as Float32Array;
            if (damage === 'reshape') dst.create_dataset({ name, data: new Float32Array(data.length + 1), shape: [data.length + 1], dtype: '<f' });
            if (damage === 'integers') dst.create_dataset({ name, data: Int32Array.from(data), shape: child.shape, dtype: '<i' });
            continue;
          }
          if (`${at}/${name}` === chosen) {
            const ones = child.shape.map(() => 1);
            const grown = dst.create_dataset({ name, data: new Float32Array(1), shape: ones, maxshape: ones.map(() => null), chunks: ones, dtype: '<f' });
            grown.resize([2 ** (28 + (rewrite.grow as Rng).int(13)), ...ones.slice(1)]);
            continue;
          }
          const value = child.value;
          const scalar = child.metadata.type === 0 ? new Int32Array([Number(value)]) : child.metadata.size === 8 ? new Float64Array([Number(value)]) : new Float32Array([Number(value)]);
          const data = ArrayBuffer.isView(value) ? value : scalar;
          const dtype = child.metadata.type === 1 ? (child.metadata.size === 8 ? '<d' : '<f') : '<i';
          copyAttrs(child, dst.create_dataset({ name, data: data as Float32Array, shape: child.shape, dtype }));
        }
      }
    };
    copy(from, to, '');
  } finally {
    from.close();
    to.close();
  }
  const out = module.FS.readFile(target).slice();
  module.FS.unlink(source);
  module.FS.unlink(target);
  return out;
}
