/**
 * Where a model or weights file comes from, besides a path: a URL (fetched, in Node too), a `File` or
 * `Blob` (a browser's file input or drop), the bytes themselves (`ArrayBuffer`, `Uint8Array`), or a
 * browser's IndexedDB (`indexeddb://name`). Everything is read into bytes, within the budget, and the
 * format is told by the bytes (a zip is `.keras`, an HDF5 signature a Keras 2 `.h5` or `.weights.h5`, a
 * `{` a TensorFlow.js `model.json`), never by a name a server or a user chose.
 */

import { isNode, nodeBuiltin } from '../platform/node-builtins.js';
import type { LoadBudget } from './budget.js';
import { ModelFileError } from './errors.js';
import { readFromIndexedDb } from './indexeddb.js';

/**
 * What `loadModel` and `loadWeights` read: a path (Node), a URL (`http(s)://…`, a `URL` object, or in a
 * browser any string, resolved against the page), `indexeddb://name`, a `File`/`Blob`, the bytes, or a
 * TensorFlow.js `model.json` together with its shards as a list of `File`s (a multi-file drop).
 */
export type ModelSource = string | URL | Blob | ArrayBuffer | ArrayBufferView | readonly Blob[];

/** A source read into bytes: its name for messages, and how to get the files a `model.json` names. */
export interface LoadedSource {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** The bytes of a file named beside this one (TF.js shards), or null when there is nowhere to look. */
  readonly sibling: ((fileName: string) => Promise<Uint8Array>) | null;
}

/** The prefix of models kept in the browser's IndexedDB, as TF.js writes it. */
export const INDEXEDDB_SCHEME = 'indexeddb://';
/** The prefix that makes `save` hand the file to the browser as a download, as TF.js writes it. */
export const DOWNLOADS_SCHEME = 'downloads://';

/**
 * The path `source` names on a disk (Node: a string that is not a URL, or a `file:` URL), or null for
 * everything this module reads.
 */
export function pathOf(source: unknown): string | null {
  if (source instanceof URL) return source.protocol === 'file:' ? (nodeBuiltin('node:url')?.fileURLToPath(source) ?? null) : null;
  if (typeof source !== 'string') return null;
  if (source.startsWith(INDEXEDDB_SCHEME) || /^https?:\/\//i.test(source)) return null;
  return isNode() ? source : null;
}

/** The file name at the end of a URL or path (for messages and format hints). */
function baseName(name: string): string {
  return name.replace(/[?#].*$/, '').split(/[/\\]/).pop() ?? name;
}

function asBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The page's URL (relative URLs resolve against it), or null outside a page. */
function pageUrl(): string | undefined {
  const g = globalThis as { document?: { baseURI?: string }; location?: { href?: string } };
  return g.document?.baseURI ?? g.location?.href;
}

async function fetchBytes(url: URL, budget: LoadBudget): Promise<Uint8Array> {
  const name = url.href;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new ModelFileError(name, `cannot be fetched (${(error as Error).message})`, { cause: error });
  }
  if (!response.ok) throw new ModelFileError(name, `cannot be fetched: HTTP ${response.status} ${response.statusText}`.trim());
  // A declared length is checked before the body is read; the body itself after (a server may lie).
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > 0) budget.checkFileBytes(name, declared);
  const bytes = new Uint8Array(await response.arrayBuffer());
  budget.checkFileBytes(name, bytes.byteLength);
  return bytes;
}

async function blobBytes(blob: Blob, name: string, budget: LoadBudget): Promise<Uint8Array> {
  budget.checkFileBytes(name, blob.size);
  return new Uint8Array(await blob.arrayBuffer());
}

function blobName(blob: Blob): string {
  const name = (blob as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : '<blob>';
}

/** The URL a non-path string or URL object names, or null for a string that is a path. */
function urlOf(source: string | URL): URL {
  if (source instanceof URL) return source;
  return new URL(source, pageUrl());
}

/**
 * Reads `source` (anything but a Node path, see {@link pathOf}) into bytes within `budget`.
 * `context` names the caller in argument errors.
 */
export async function readSource(source: ModelSource, budget: LoadBudget, context: string): Promise<LoadedSource> {
  if (typeof source === 'string' && source.startsWith(INDEXEDDB_SCHEME)) {
    const bytes = await readFromIndexedDb(source.slice(INDEXEDDB_SCHEME.length), source);
    budget.checkFileBytes(source, bytes.byteLength);
    return { name: source, bytes, sibling: null };
  }
  if (typeof source === 'string' || source instanceof URL) {
    const url = urlOf(source);
    return { name: url.href, bytes: await fetchBytes(url, budget), sibling: (fileName) => fetchBytes(new URL(fileName, url), budget) };
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = blobName(source);
    return { name, bytes: await blobBytes(source, name, budget), sibling: null };
  }
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    const bytes = asBytes(source);
    budget.checkFileBytes('<bytes>', bytes.byteLength);
    return { name: '<bytes>', bytes, sibling: null };
  }
  if (Array.isArray(source) && source.length > 0 && source.every((f) => typeof Blob !== 'undefined' && f instanceof Blob)) {
    const files = source as readonly Blob[];
    const json = files.find((f) => blobName(f).toLowerCase().endsWith('.json')) ?? files[0];
    const name = blobName(json);
    const byName = new Map(files.map((f) => [baseName(blobName(f)), f]));
    return {
      name,
      bytes: await blobBytes(json, name, budget),
      sibling: async (fileName) => {
        const file = byName.get(fileName);
        if (file === undefined) throw new ModelFileError(fileName, `is missing: ${name} names it; pass it with the other files`);
        return blobBytes(file, fileName, budget);
      },
    };
  }
  throw new ModelFileError(
    String(source),
    `${context} reads a path (Node), a URL, 'indexeddb://name', a File or Blob, an ArrayBuffer or Uint8Array, or a list of Files (model.json and its shards)`,
  );
}

/** The kinds of file told apart by their first bytes. */
export type FileKind = 'keras' | 'hdf5' | 'json' | 'unknown';

/** What the bytes are: a zip (`.keras`), HDF5 (`.h5`), JSON (TF.js `model.json`), or unknown. */
export function fileKind(bytes: Uint8Array): FileKind {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'keras';
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46) return 'hdf5';
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3; // a UTF-8 byte order mark
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x7b ? 'json' : 'unknown';
}
