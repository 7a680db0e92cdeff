/**
 * A plain snapshot of an HDF5 file (groups, attributes, numeric datasets), taken by h5wasm inside a worker
 * so that a corrupt file that sends the HDF5 library into an endless loop can be abandoned on a timeout.
 * Everything downstream reads this snapshot, never h5wasm objects.
 */

import type { Dataset, Group } from 'h5wasm';
import { DEFLATE_CEILING, elementCount, formatBytes, formatLimit } from './budget.js';
import { ModelFileError } from './errors.js';

export type AttrValue = string | string[] | number | null;

export interface DatasetNode {
  kind: 'dataset';
  shape: number[];
  /** HDF5 type class (0 integer, 1 float), element size in bytes, byte order. */
  typeClass: number;
  size: number;
  littleEndian: boolean;
  /** The values, or null when too large to read or not numeric. */
  value: Float32Array | Float64Array | number | null;
  attrs: Record<string, AttrValue>;
}

export interface GroupNode {
  kind: 'group';
  children: string[];
  attrs: Record<string, AttrValue>;
}

export type H5Node = GroupNode | DatasetNode;
/** Nodes by absolute path without the leading slash ('' is the root). */
export type H5Snapshot = Record<string, H5Node>;

const MAX_NODES = 100_000;
const MAX_DEPTH = 32;

/** What a snapshot may read: plain numbers, as they cross to the worker thread. */
export interface SnapshotLimits {
  /** Bytes of the HDF5 file: declared data that cannot fit in it was never written. */
  fileBytes: number;
  /** Bytes of numeric data to read in all (the budget's `maxBytes`). */
  maxBytes: number;
  /** Bytes of one attribute (the budget's `maxConfigBytes`: Keras 2 keeps its JSON config in one). */
  maxAttrBytes: number;
}

/**
 * The attributes the loaders read (Keras 2's index of layers and weights, and its JSON config). Reading an
 * attribute costs tens of microseconds in h5wasm and Keras 3 writes one per layer that nothing reads, so a
 * snapshot reads these only, and only where Keras 2 puts them: on the root, on `model_weights` or a layer
 * group of a weights-only file (depth 1), and on a layer group under `model_weights` (depth 2). Listing a
 * group's attributes is a call into h5wasm too: skipping the 20,000 `vars` groups of a 10,000-block Keras 3
 * file, and its 20,000 layer groups, saves 40,000 of them.
 */
const READ_ATTRIBUTES = ['layer_names', 'weight_names', 'model_config'] as const;

function mayHoldAttributes(path: string, depth: number): boolean {
  return depth <= 1 || (depth === 2 && path.startsWith('model_weights/'));
}

function attrsOf(obj: Group, where: string, limits: SnapshotLimits, file: string): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  const attrs = obj.attrs;
  for (const name of READ_ATTRIBUTES) {
    if (!Object.hasOwn(attrs, name)) continue;
    const attr = attrs[name];
    const declared = attr.metadata.size * (attr.metadata.total_size ?? 1);
    if (!(declared <= Math.min(limits.maxAttrBytes, limits.fileBytes))) {
      throw new ModelFileError(file, `attribute '${name}' of '/${where}' declares ${formatBytes(declared)}, more than ${formatLimit(Math.min(limits.maxAttrBytes, limits.fileBytes))}; pass { maxConfigBytes } to raise the limit`);
    }
    let value: unknown;
    try {
      value = attr.value;
    } catch {
      value = null;
    }
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[name] = value as string[];
    else out[name] = null;
  }
  return out;
}

/**
 * Reads one numeric dataset's values after checking that its data can be in the file (`stored` accumulates
 * each dataset's least possible share of it) and within the byte budget (`read` accumulates what was read).
 * A dataset resized to 2^40 elements with nothing written costs nothing this way: it is refused unread.
 */
function readNumeric(entity: Dataset, path: string, shape: number[], totals: { stored: number; read: number }, limits: SnapshotLimits, file: string): DatasetNode['value'] {
  const meta = entity.metadata;
  const declared = elementCount(shape) * meta.size;
  if (Number.isNaN(declared) || shape.length > 16) throw new ModelFileError(file, `dataset '/${path}' has an invalid shape [${shape.join(', ')}]`);
  // Filters need chunked storage: a contiguous dataset (Keras's) has none, and asking costs a call.
  const filtered = meta.chunks !== null && entity.filters.length > 0;
  totals.stored += filtered ? declared / DEFLATE_CEILING : declared;
  if (!(totals.stored <= limits.fileBytes)) {
    throw new ModelFileError(
      file,
      `dataset '/${path}' declares shape [${shape.join(', ')}] of ${meta.size}-byte values (${formatBytes(declared)}), which with the datasets before it cannot fit in the ${formatBytes(limits.fileBytes)} file: its data was never written`,
    );
  }
  totals.read += declared;
  if (!(totals.read <= limits.maxBytes)) throw new ModelFileError(file, `the HDF5 data declares more than ${formatLimit(limits.maxBytes)} of weights (at '/${path}'); the limit is ${formatLimit(limits.maxBytes)}; pass { maxBytes } to raise it`);
  const raw = entity.value;
  if (raw instanceof Float32Array || raw instanceof Float64Array) return raw;
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number(raw);
  if (ArrayBuffer.isView(raw) && shape.length === 0) return Number((raw as Int32Array)[0]);
  return null;
}

/** Opens a child as a given kind without asking HDF5 its type (see `hdf5.ts`'s `h5ChildAs`). */
export type ChildOpener = (parent: Group, name: string, kind: 'group' | 'dataset') => Group | Dataset;

/**
 * Walks an open h5wasm file into a snapshot (inside the worker), within node, depth, size and byte caps;
 * `progress` is called once per object, so the waiting thread can tell a slow read from a stuck one.
 *
 * Asking HDF5 what a child is (`group.get`) is a path lookup of its own, as costly as reading the child
 * (about 120 µs a call at a load average of 12). Files are regular: every child at one depth of a Keras 3
 * file is a group (`layers/<name>`, `.../vars`) or every one a dataset (`vars/<i>`). So with `openAs`, a
 * child is opened as the kind last found at its depth, and its first read (`keys()` or the dataset's
 * metadata) checks the guess; a wrong guess throws and the child is then asked for its type, as before.
 */
export function snapshotH5(
  root: Group,
  isGroup: (e: unknown) => e is Group,
  isDataset: (e: unknown) => e is Dataset,
  limits: SnapshotLimits,
  file: string,
  progress: () => void = () => {},
  openAs: ChildOpener | null = null,
): H5Snapshot {
  const nodes: H5Snapshot = {};
  let count = 0;
  const totals = { stored: 0, read: 0 };
  const kindAt: ('group' | 'dataset' | undefined)[] = [];
  /** The child, and a group's children when the guess read them. */
  const open = (group: Group, name: string, depth: number): { entity: unknown; children?: string[] } => {
    const guess = kindAt[depth];
    if (openAs !== null && guess !== undefined && name !== '') {
      try {
        const entity = openAs(group, name, guess);
        if (isGroup(entity)) return { entity, children: entity.keys() };
        if (isDataset(entity)) {
          void entity.metadata; // cached on the object: the walk below reads it again for free
          return { entity };
        }
      } catch {
        // Not that kind (or not there): ask, below.
      }
    }
    const entity = group.get(name);
    kindAt[depth] = isGroup(entity) ? 'group' : isDataset(entity) ? 'dataset' : undefined;
    return { entity };
  };
  const visit = (group: Group, path: string, depth: number, listed?: string[]): void => {
    if (depth > MAX_DEPTH) throw new Error(`groups nested deeper than ${MAX_DEPTH}`);
    const children = listed ?? group.keys();
    nodes[path] = { kind: 'group', children, attrs: mayHoldAttributes(path, depth) ? attrsOf(group, path, limits, file) : {} };
    for (const name of children) {
      if (++count > MAX_NODES) throw new Error(`more than ${MAX_NODES} objects`);
      progress();
      const childPath = path === '' ? name : `${path}/${name}`;
      const { entity, children: grandchildren } = open(group, name, depth + 1);
      if (isGroup(entity)) visit(entity, childPath, depth + 1, grandchildren);
      else if (isDataset(entity)) {
        const meta = entity.metadata;
        const shape = entity.shape ?? [];
        const numeric = (meta.type === 0 || meta.type === 1) && [1, 2, 4, 8].includes(meta.size) && entity.shape !== null;
        const value = numeric ? readNumeric(entity, childPath, shape, totals, limits, file) : null;
        nodes[childPath] = { kind: 'dataset', shape, typeClass: meta.type, size: meta.size, littleEndian: meta.littleEndian, value, attrs: {} };
      }
    }
  };
  visit(root, '', 0);
  return nodes;
}

/** Read access to a snapshot, with the checks every reader needs; errors name the file. */
export class H5Tree {
  constructor(
    private readonly nodes: H5Snapshot,
    readonly file: string,
  ) {}

  group(path: string): GroupNode | null {
    const node = this.nodes[path];
    return node !== undefined && node.kind === 'group' ? node : null;
  }

  dataset(path: string): DatasetNode | null {
    const node = this.nodes[path];
    return node !== undefined && node.kind === 'dataset' ? node : null;
  }

  stringAttr(path: string, name: string): string | null {
    const value = (this.nodes[path] as H5Node | undefined)?.attrs[name];
    return typeof value === 'string' ? value : null;
  }

  stringListAttr(path: string, name: string): string[] | null {
    const value = (this.nodes[path] as H5Node | undefined)?.attrs[name];
    if (typeof value === 'string') return [value];
    return Array.isArray(value) ? value : null;
  }

  /** A float weight: checked type, byte order, declared shape and stored length. */
  floats(path: string, expectedShape: readonly number[] | null = null): Float32Array | Float64Array {
    const ds = this.dataset(path);
    if (ds === null) throw new ModelFileError(this.file, `${path} is not a dataset`);
    if (expectedShape !== null && (ds.shape.length !== expectedShape.length || !ds.shape.every((d, i) => d === expectedShape[i]))) {
      throw new ModelFileError(this.file, `${path}: shape [${ds.shape.join(', ')}] does not match the expected [${expectedShape.join(', ')}]`);
    }
    if (ds.typeClass !== 1 || (ds.size !== 4 && ds.size !== 8)) throw new ModelFileError(this.file, `${path}: expected float32 or float64 data, found HDF5 type class ${ds.typeClass} of ${ds.size} bytes`);
    if (!ds.littleEndian) throw new ModelFileError(this.file, `${path}: big-endian floats are not supported`);
    const n = ds.shape.reduce((a, d) => a * d, 1);
    const value = ds.value;
    if (!(value instanceof Float32Array || value instanceof Float64Array) || value.length !== n) {
      throw new ModelFileError(this.file, `${path}: the stored data does not match its declared shape [${ds.shape.join(', ')}] (or is larger than allowed)`);
    }
    return value;
  }

  /** Elements of the numeric datasets under `prefix` ('' for all): what the file can supply to a model. */
  storedElements(prefix: string): number {
    let total = 0;
    for (const [path, node] of Object.entries(this.nodes)) {
      if (node.kind === 'dataset' && node.value !== null && (prefix === '' || path.startsWith(`${prefix}/`))) total += elementCount(node.shape);
    }
    return total;
  }

  scalar(path: string): number {
    const ds = this.dataset(path);
    const value = ds?.value;
    if (ds === null || ds.shape.length !== 0 || typeof value !== 'number' || !Number.isFinite(value)) throw new ModelFileError(this.file, `${path}: expected a numeric scalar`);
    return value;
  }
}
