/**
 * A plain snapshot of an HDF5 file (groups, attributes, numeric datasets), taken by h5wasm inside a worker
 * so that a corrupt file that sends the HDF5 library into an endless loop can be abandoned on a timeout.
 * Everything downstream reads this snapshot, never h5wasm objects.
 */

import type { Dataset, Group } from 'h5wasm';
import { LIMITS, ModelFileError } from './errors.js';

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

function attrsOf(obj: Group | Dataset): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const [name, attr] of Object.entries(obj.attrs)) {
    let value: unknown;
    try {
      value = attr.value;
    } catch {
      value = null;
    }
    if (typeof value === 'string' || typeof value === 'number') out[name] = value;
    else if (typeof value === 'bigint') out[name] = Number(value);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[name] = value as string[];
    else if (ArrayBuffer.isView(value) && 'length' in value && (value as Float32Array).length === 1) out[name] = Number((value as Float32Array)[0]);
    else out[name] = null;
  }
  return out;
}

/** Walks an open h5wasm file into a snapshot (inside the worker), within node, depth and element caps. */
export function snapshotH5(root: Group, isGroup: (e: unknown) => e is Group, isDataset: (e: unknown) => e is Dataset): H5Snapshot {
  const nodes: H5Snapshot = {};
  let count = 0;
  let elements = 0;
  const visit = (group: Group, path: string, depth: number): void => {
    if (depth > MAX_DEPTH) throw new Error(`groups nested deeper than ${MAX_DEPTH}`);
    const children = group.keys();
    nodes[path] = { kind: 'group', children, attrs: attrsOf(group) };
    for (const name of children) {
      if (++count > MAX_NODES) throw new Error(`more than ${MAX_NODES} objects`);
      const childPath = path === '' ? name : `${path}/${name}`;
      const entity = group.get(name);
      if (isGroup(entity)) visit(entity, childPath, depth + 1);
      else if (isDataset(entity)) {
        const meta = entity.metadata;
        const shape = entity.shape ?? [];
        const n = shape.reduce((a, d) => a * d, 1);
        const numeric = (meta.type === 0 || meta.type === 1) && [1, 2, 4, 8].includes(meta.size);
        const readable = numeric && shape.length <= 16 && Number.isSafeInteger(n) && n <= LIMITS.weightElements && elements + n <= LIMITS.weightElements * 2;
        let value: DatasetNode['value'] = null;
        if (readable) {
          elements += n;
          const raw = entity.value;
          if (raw instanceof Float32Array || raw instanceof Float64Array) value = raw;
          else if (typeof raw === 'number') value = raw;
          else if (typeof raw === 'bigint') value = Number(raw);
          else if (ArrayBuffer.isView(raw) && shape.length === 0) value = Number((raw as Int32Array)[0]);
        }
        nodes[childPath] = { kind: 'dataset', shape, typeClass: meta.type, size: meta.size, littleEndian: meta.littleEndian, value, attrs: attrsOf(entity) };
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

  scalar(path: string): number {
    const ds = this.dataset(path);
    const value = ds?.value;
    if (ds === null || ds.shape.length !== 0 || typeof value !== 'number' || !Number.isFinite(value)) throw new ModelFileError(this.file, `${path}: expected a numeric scalar`);
    return value;
  }
}
