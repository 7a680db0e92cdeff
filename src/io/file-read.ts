/**
 * Reading untrusted paths. Only regular files are read: a directory gives a raw EISDIR, a FIFO blocks the
 * reader forever and a link to `/dev/zero` reads until memory runs out, so each is refused by its type
 * before it is opened. The size is checked against the caller's limit before anything is allocated, and
 * the descriptor is checked again after opening, in case the path was swapped in between.
 */

import type { Stats } from 'node:fs';
import type { NodeBuiltins } from '../platform/node-builtins.js';
import { requireNodeBuiltin } from '../platform/node-builtins.js';
import { ModelFileError } from './errors.js';

/** Node's `fs`, looked up when first needed (a path is a file on a disk: Node only). */
const fs = (): NodeBuiltins['node:fs'] => requireNodeBuiltin('node:fs', 'Loading from a file path');

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function unreadable(file: string, error: unknown): ModelFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read: ${(error as Error).message}`;
  return new ModelFileError(file, reason, { cause: error });
}

function refuseSpecial(file: string, stat: Stats): never {
  let target = '';
  try {
    const real = fs().realpathSync(file);
    if (real !== file) target = ` (it resolves to ${real})`;
  } catch {
    // The type is the reason; where a link leads is only a courtesy.
  }
  throw new ModelFileError(file, `is ${kindOf(stat)}${target}, not a regular file; only regular files are read`);
}

/**
 * The size of the regular file at `file` (links followed), refusing directories, FIFOs, devices and
 * sockets without opening them.
 *
 * @example
 * ```ts
 * const bytes = regularFileSize('web/group1-shard1of1.bin');
 * ```
 */
export function regularFileSize(file: string): number {
  let stat: Stats;
  try {
    stat = fs().statSync(file);
  } catch (error) {
    throw unreadable(file, error);
  }
  if (!stat.isFile()) refuseSpecial(file, stat);
  return stat.size;
}

/**
 * The bytes of the regular file at `file`. `checkSize` sees the size first and throws to refuse it; the read
 * never goes past that size, however the file changes meanwhile.
 *
 * @example
 * ```ts
 * const bytes = readRegularFile('model.keras', (size) => budget.checkFileBytes('model.keras', size));
 * ```
 */
export function readRegularFile(file: string, checkSize: (bytes: number) => void): Uint8Array {
  checkSize(regularFileSize(file));
  let fd: number;
  try {
    // Non-blocking, so that a FIFO swapped in after the check cannot block the open.
    fd = fs().openSync(file, fs().constants.O_RDONLY | (fs().constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    const stat = fs().fstatSync(fd);
    if (!stat.isFile()) refuseSpecial(file, stat);
    checkSize(stat.size);
    const out = new Uint8Array(stat.size);
    let offset = 0;
    while (offset < out.length) {
      const n = fs().readSync(fd, out, offset, out.length - offset, offset);
      if (n === 0) throw new ModelFileError(file, `shrank from ${out.length} to ${offset} bytes while it was read`);
      offset += n;
    }
    return out;
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw unreadable(file, error);
  } finally {
    fs().closeSync(fd);
  }
}
