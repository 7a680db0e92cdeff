/** Reading and writing the `.keras` zip with fflate (pure JS, sync, browser and Node), with size caps. */

import { unzipSync, zipSync } from 'fflate';
import { LIMITS, ModelFileError } from './errors.js';

/**
 * The named entries of a zip, refusing absurd declared sizes before inflating anything (fflate allocates
 * the declared uncompressed size up front) and entries we do not expect.
 */
export function readZip(bytes: Uint8Array, file: string, expected: readonly string[]): Map<string, Uint8Array> {
  if (bytes.byteLength < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new ModelFileError(file, 'not a zip archive (a .keras file is a zip)');
  let entries = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (entry) => {
        entries += 1;
        if (entries > LIMITS.zipEntries) throw new ModelFileError(file, `the archive has more than ${LIMITS.zipEntries} entries`);
        if (!expected.includes(entry.name)) return false;
        if (entry.originalSize > LIMITS.fileBytes || (entry.compression !== 0 && entry.originalSize > entry.size * 1100 + 1024)) {
          throw new ModelFileError(file, `zip entry '${entry.name}' declares ${entry.originalSize} bytes from ${entry.size} stored, which is not believable`);
        }
        if (entry.compression !== 0 && entry.compression !== 8) throw new ModelFileError(file, `zip entry '${entry.name}' uses unsupported compression method ${entry.compression}`);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(file, `truncated or corrupt zip archive (${(error as Error).message})`, { cause: error });
  }
  const out = new Map<string, Uint8Array>();
  for (const name of expected) {
    const data = files[name];
    if (data === undefined) throw new ModelFileError(file, `the archive has no '${name}' (a Keras 3 .keras file holds ${expected.join(', ')})`);
    out.set(name, data);
  }
  return out;
}

/** A zip of the entries in order, stored uncompressed as Keras 3 writes `.keras` files. */
export function writeZip(entries: readonly (readonly [string, Uint8Array])[]): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0; mtime: Date }]> = {};
  // A fixed time keeps saved files byte-identical across runs; Keras's date lives in metadata.json.
  const mtime = new Date(1980, 0, 1);
  for (const [name, data] of entries) files[name] = [data, { level: 0, mtime }];
  return zipSync(files);
}
