/**
 * HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly; reads and writes, Node and browsers).
 * Files live only in h5wasm's in-memory file system: we hand it bytes and take bytes back, so reading
 * never touches a path the file names and writing goes through our own temp-file-and-rename.
 */

import type h5wasm from 'h5wasm';
import type { Dataset, Group } from 'h5wasm';
import { ModelFileError } from './errors.js';

type H5Lib = typeof h5wasm;
interface MemFs {
  writeFile(path: string, data: Uint8Array): void;
  readFile(path: string): Uint8Array;
  unlink(path: string): void;
}

let lib: H5Lib | null = null;
let memfs: MemFs | null = null;
let loading: Promise<void> | null = null;
let loadError: unknown = null;
let counter = 0;

/**
 * Loads the HDF5 WebAssembly module (about 0.2 s, once). The async savers and loaders call it; the `*Sync`
 * variants need it done first.
 *
 * @example
 * ```ts
 * await ioReady();
 * saveModelSync(model, 'model.keras');
 * ```
 */
export function ioReady(): Promise<void> {
  loading ??= (async () => {
    // Imported lazily: the module is 4 MB of JavaScript, paid only by programs that save or load.
    const mod = await import('h5wasm');
    const module = await mod.default.ready;
    // HDF5 prints its error stack to stderr by default; this handler turns it into a thrown error instead.
    (module as unknown as { activate_throwing_error_handler?: () => number }).activate_throwing_error_handler?.();
    lib = mod.default;
    memfs = module.FS as unknown as MemFs;
  })();
  loading.catch((error: unknown) => {
    loadError = error;
  });
  return loading;
}

/** Null once {@link ioReady} has finished (the synchronous savers and loaders can run), else why not. */
export function ioNotReady(): string | null {
  if (lib !== null) return null;
  if (loadError !== null) return `the HDF5 module failed to load: ${loadError instanceof Error ? loadError.message : String(loadError)}`;
  return 'the HDF5 module is still loading; `await ioReady()` once before a synchronous fit (the Node entry of the package loads it at import)';
}

function requireLib(): { h5: H5Lib; fs: MemFs } {
  if (lib === null || memfs === null) {
    throw new Error('the HDF5 module is not loaded yet: `await ioReady()` once before the synchronous save/load functions');
  }
  return { h5: lib, fs: memfs };
}

/** HDF5's error stack is dozens of lines; the innermost entry says what is wrong with the file. */
export function hdf5Message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const entries = [...text.matchAll(/#\d+: .*? in ([A-Za-z0-9_]+)\(\): ([^\n]*)/g)];
  const last = entries[entries.length - 1];
  return last === undefined ? text.slice(0, 300) : `${last[2].trim()} (HDF5 ${last[1]})`;
}

/** Opens `bytes` as an HDF5 file for the duration of `fn`; any failure names `file`. */
export function readH5<T>(bytes: Uint8Array, file: string, fn: (root: Group) => T): T {
  const { h5, fs } = requireLib();
  if (bytes.byteLength < 8 || bytes[0] !== 0x89 || bytes[1] !== 0x48 || bytes[2] !== 0x44 || bytes[3] !== 0x46) {
    throw new ModelFileError(file, 'not an HDF5 file (no HDF5 signature at the start)');
  }
  const path = `/depthwise-read-${counter++}.h5`;
  fs.writeFile(path, bytes);
  let handle: InstanceType<H5Lib['File']> | null = null;
  try {
    try {
      handle = new h5.File(path, 'r');
    } catch (error) {
      throw new ModelFileError(file, `the HDF5 data cannot be opened (truncated or corrupt): ${hdf5Message(error)}`, { cause: error });
    }
    if (!handle.file_id || handle.file_id < 0n) throw new ModelFileError(file, 'the HDF5 data cannot be opened (truncated or corrupt)');
    return fn(handle);
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(file, `corrupt HDF5 data: ${hdf5Message(error)}`, { cause: error });
  } finally {
    try {
      handle?.close();
    } finally {
      fs.unlink(path);
    }
  }
}

/** Creates an HDF5 file in memory, lets `fn` fill it, and returns its bytes. */
export function writeH5(fn: (root: Group) => void): Uint8Array {
  const { h5, fs } = requireLib();
  const path = `/depthwise-write-${counter++}.h5`;
  const handle = new h5.File(path, 'w');
  try {
    fn(handle);
  } finally {
    handle.close();
  }
  try {
    return fs.readFile(path).slice();
  } finally {
    fs.unlink(path);
  }
}

/** Type guards for h5wasm's Group and Dataset classes (the snapshot walker takes them as arguments). */
export function h5Classes(): { isGroup: (e: unknown) => e is Group; isDataset: (e: unknown) => e is Dataset } {
  const { h5 } = requireLib();
  return { isGroup: (e: unknown): e is Group => e instanceof h5.Group, isDataset: (e: unknown): e is Dataset => e instanceof h5.Dataset };
}

/**
 * The child `name` of `parent` as a Group or a Dataset object without asking HDF5 what it is (`get` asks, a
 * path lookup of its own); the first call on the object fails when the guess is wrong.
 */
export function h5ChildAs(parent: Group, name: string, kind: 'group' | 'dataset'): Group | Dataset {
  const { h5 } = requireLib();
  const path = `${parent.path === '/' ? '' : parent.path}/${name}`;
  return kind === 'group' ? new h5.Group(parent.file_id, path) : new h5.Dataset(parent.file_id, path);
}

/** Creates `path` group by group (h5wasm creates one level at a time), returning the last. */
export function ensureGroup(root: Group, path: string): Group {
  let group = root;
  for (const part of path.split('/').filter((p) => p !== '')) group = getGroup(group, part) ?? group.create_group(part);
  return group;
}

/** The group at `path`, or null when absent or not a group. */
export function getGroup(root: Group, path: string): Group | null {
  const entity = root.get(path);
  return entity instanceof requireLib().h5.Group ? entity : null;
}

export function getDataset(root: Group, path: string): Dataset | null {
  const entity = root.get(path);
  return entity instanceof requireLib().h5.Dataset ? entity : null;
}

/** Writes a weight as Keras does: a dataset of the tensor's shape and dtype (h5wasm's struct-style codes: `<f` float32, `<d` float64). */
export function writeFloatDataset(group: Group, name: string, data: Float32Array | Float64Array, shape: readonly number[]): void {
  group.create_dataset({ name, data, shape: [...shape], dtype: data instanceof Float32Array ? '<f' : '<d' });
}
