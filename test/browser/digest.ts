/**
 * Bit-for-bit comparison across engines: a digest of a float array's bytes, and inputs from an integer
 * generator (exact on every engine, unlike Math.sin). Shared by the Node side and the pages.
 */

/** A float array, summed up: equal hashes mean equal bits (NaN payloads and -0 included). */
export interface Digest {
  readonly length: number;
  /** Two 32-bit FNV-1a hashes of the bytes (different offsets), as hex. */
  readonly hash: string;
  /** The first values and the sum, to say how two digests differ. */
  readonly head: number[];
  readonly sum: number;
}

/** The digest of `values`' bytes. */
export function digest(values: Float32Array | Float64Array): Digest {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < bytes.length; i++) {
    a = Math.imul(a ^ bytes[i], 0x01000193) >>> 0;
    b = Math.imul(b ^ bytes[i] ^ (i & 0xff), 0x01000193) >>> 0;
  }
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return { length: values.length, hash: a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0'), head: Array.from(values.subarray(0, 4)), sum };
}

/** `n` float32 values in [-scale, scale) from a linear congruential generator (exact on every engine). */
export function lcg(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s >>> 8) / 2 ** 24 * 2 - 1) * scale;
  }
  return out;
}
