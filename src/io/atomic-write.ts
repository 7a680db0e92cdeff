/**
 * Saving never corrupts an existing file: the bytes go to a temporary file in the same directory (same
 * file system, so the rename is atomic), which is flushed and then renamed over the target. A failure at
 * any point removes the temporary file and leaves the old one untouched. A process killed mid-save cannot
 * clean up, so temporary files carry the writer's pid (`model.keras.<pid>.<random>.tmp`) and the next save
 * of the same path removes those whose writer is no longer alive.
 */

import type { NodeBuiltins } from '../platform/node-builtins.js';
import { requireNodeBuiltin } from '../platform/node-builtins.js';
import { ModelFileError } from './errors.js';

/** Node's `fs`, looked up when first needed (Saving to a path works on files: Node only). */
const fs = (): NodeBuiltins['node:fs'] => requireNodeBuiltin('node:fs', 'Saving to a path');

/** Node's `path`, looked up when first needed (Saving to a path works on files: Node only). */
const path = (): NodeBuiltins['node:path'] => requireNodeBuiltin('node:path', 'Saving to a path');

/** The file-system calls the writer makes; tests inject failures through this. */
export interface WriteFs {
  openSync(file: string, flags: string): number;
  writeSync(fd: number, data: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  rmSync(file: string, options: { force: boolean }): void;
}

/** Set by tests; null means Node's `fs`. */
let replacedFs: WriteFs | null = null;

function writer(): WriteFs {
  return replacedFs ?? fs();
}

/** Replaces the file-system calls (tests only); returns the previous ones. */
export function setWriteFs(replacement: WriteFs): WriteFs {
  const previous = writer();
  replacedFs = replacement;
  return previous;
}

/** A regular expression source matching `text` literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether a process with this id runs on this machine (ours counts: its saves clean up after themselves). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The temporary name for `target`, beside it: `<name>.<pid>.<random>.tmp`. */
function tempPath(target: string): string {
  return `${target}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
}

/**
 * Removes the files in `dir` that `leftover` picks. Best effort: a file that cannot be removed stays, and
 * the save goes on.
 */
export function removeLeftovers(dir: string, leftover: (name: string) => boolean): void {
  let names: string[];
  try {
    names = fs().readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!leftover(name)) continue;
    try {
      fs().rmSync(path().join(dir, name), { force: true });
    } catch {
      // Someone else's file we may not remove, or already gone: not this save's problem.
    }
  }
}

/**
 * Removes temporary files of earlier saves of `target` whose writer is gone (this version's names, and the
 * hidden ones before it). Another live process's temporary file is left: it may be mid-save.
 */
function removeStaleTemps(target: string): void {
  const name = escapeRegExp(path().basename(target));
  const pattern = new RegExp(`^(?:${name}\\.(\\d+)\\.[0-9a-z]+|\\.${name}\\.(\\d+)\\.\\d+\\.[0-9a-z]+)\\.tmp$`);
  removeLeftovers(path().dirname(path().resolve(target)), (entry) => {
    const match = pattern.exec(entry);
    return match !== null && !processAlive(Number(match[1] ?? match[2]));
  });
}

function writeTemp(target: string, data: Uint8Array): string {
  const temp = tempPath(path().resolve(target));
  let fd: number | null = null;
  try {
    fd = writer().openSync(temp, 'wx');
    let offset = 0;
    while (offset < data.byteLength) offset += writer().writeSync(fd, data, offset, data.byteLength - offset);
    writer().fsyncSync(fd);
    writer().closeSync(fd);
    fd = null;
    return temp;
  } catch (error) {
    if (fd !== null) {
      try {
        writer().closeSync(fd);
      } catch {
        // Already failing; the original error is the one to report.
      }
    }
    writer().rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Writes several files, each atomically, renaming them into place in the given order once all are written:
 * a file that names another (a TF.js `model.json` naming its shard) goes last, so it never points at a
 * file that is not there. On failure nothing temporary is left and files not yet renamed are unchanged.
 *
 * @example
 * ```ts
 * writeFilesAtomic([['web/model.group1-shard1of1.bin', shard], ['web/model.json', json]]);
 * ```
 */
export function writeFilesAtomic(files: readonly (readonly [string, Uint8Array])[]): void {
  for (const [target] of files) removeStaleTemps(target);
  const temps: string[] = [];
  let current = files[0]?.[0] ?? '';
  try {
    for (const [target, data] of files) {
      current = target;
      temps.push(writeTemp(target, data));
    }
    files.forEach(([target], i) => {
      current = target;
      writer().renameSync(temps[i], target);
      temps[i] = '';
    });
  } catch (error) {
    for (const temp of temps) if (temp !== '') writer().rmSync(temp, { force: true });
    throw new ModelFileError(current, `could not be written (the existing file, if any, is unchanged): ${(error as Error).message}`, { cause: error });
  }
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
  writeFilesAtomic([[target, data]]);
}
