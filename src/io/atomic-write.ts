/**
 * Saving never corrupts an existing file: the bytes go to a temporary file in the same directory (same
 * file system, so the rename is atomic), which is flushed and then renamed over the target. A failure at
 * any point removes the temporary file and leaves the old one untouched.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelFileError } from './errors.js';

/** The file-system calls the writer makes; tests inject failures through this. */
export interface WriteFs {
  openSync(file: string, flags: string): number;
  writeSync(fd: number, data: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  rmSync(file: string, options: { force: boolean }): void;
}

let writeFs: WriteFs = fs;

/** Replaces the file-system calls (tests only); returns the previous ones. */
export function setWriteFs(replacement: WriteFs): WriteFs {
  const previous = writeFs;
  writeFs = replacement;
  return previous;
}

/**
 * Writes `data` to `target` atomically.
 *
 * @example
 * ```ts
 * writeFileAtomic('model.keras', bytes);
 * ```
 */
export function writeFileAtomic(target: string, data: Uint8Array): void {
  const dir = path.dirname(path.resolve(target));
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
  let fd: number | null = null;
  try {
    fd = writeFs.openSync(temp, 'wx');
    let offset = 0;
    while (offset < data.byteLength) offset += writeFs.writeSync(fd, data, offset, data.byteLength - offset);
    writeFs.fsyncSync(fd);
    writeFs.closeSync(fd);
    fd = null;
    writeFs.renameSync(temp, target);
  } catch (error) {
    if (fd !== null) {
      try {
        writeFs.closeSync(fd);
      } catch {
        // Already failing; the original error is the one to report.
      }
    }
    writeFs.rmSync(temp, { force: true });
    throw new ModelFileError(target, `could not be written (the existing file, if any, is unchanged): ${(error as Error).message}`, { cause: error });
  }
}

/** Reads a whole file with the size cap applied before reading, naming the file on failure. */
export function readFileChecked(file: string, maxBytes: number): Uint8Array {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (error) {
    throw new ModelFileError(file, `cannot be read: ${(error as Error).message}`, { cause: error });
  }
  if (size > maxBytes) throw new ModelFileError(file, `is ${size} bytes, more than the ${maxBytes} allowed`);
  return new Uint8Array(fs.readFileSync(file));
}
