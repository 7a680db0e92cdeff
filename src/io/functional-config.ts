/** Rebuilding a functional model from Keras's `layers` + `inbound_nodes` (Keras 3 and Keras 2 node forms). */

import { InputLayer } from '../layers/input-layer.js';
import type { Layer, SymbolicShape, SymbolicTensor } from '../layers/layer.js';
import { isSymbolicTensor } from '../layers/layer.js';
import { Functional } from '../models/functional.js';
import { Model } from '../models/model.js';
import type { Nested, Structure } from '../models/structure.js';
import type { LoadBudget } from './budget.js';
import { ModelFileError } from './errors.js';
import type { WeightLedger } from './weight-ledger.js';
import { outputShapeOf } from './weight-ledger.js';

/** A reference to a call's output: the layer, its call (node) index, and which of the call's outputs. */
type Ref = readonly [string, number, number];

function isHistory(value: unknown): value is [string, number, number] {
  return Array.isArray(value) && (value.length === 3 || value.length === 4) && typeof value[0] === 'string' && Number.isInteger(value[1]) && (value[1] as number) >= 0 && Number.isInteger(value[2]) && (value[2] as number) >= 0;
}

/** `[name, node, tensor]` (Keras 2 adds a kwargs dict) or Keras 3's `{class_name: '__keras_tensor__', config: {keras_history}}`. */
function parseRef(value: unknown, where: string, file: string): Ref {
  let history: unknown = value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const config = (value as Record<string, unknown>).config;
    history = typeof config === 'object' && config !== null ? (config as Record<string, unknown>).keras_history : undefined;
  }
  if (!isHistory(history)) {
    throw new ModelFileError(file, `${where}: expected a tensor reference [layer, node, tensor], found ${JSON.stringify(value)?.slice(0, 120)}`);
  }
  return [history[0], history[1], history[2]];
}

function isKerasTensor(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as Record<string, unknown>).class_name === '__keras_tensor__';
}

/** How a call's inputs were given: one tensor, a list, or a dict (a nested model of named inputs). */
type CallInput = { kind: 'single' } | { kind: 'list' } | { kind: 'dict'; keys: string[] };

/** A parsed node: its input references, how they were given, and an explicit `training` flag. */
interface ParsedNode {
  refs: Ref[];
  input: CallInput;
  training: boolean | undefined;
  /** Keras 2 numbered a nested model's calls from 1 in node references too (its first node was internal). */
  legacy: boolean;
}

function parseKwargs(kwargs: unknown, where: string, file: string): boolean | undefined {
  if (kwargs === undefined) return undefined;
  if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs)) throw new ModelFileError(file, `${where}: kwargs must be an object`);
  const { training, mask, ...rest } = kwargs as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || (mask !== undefined && mask !== null) || (training !== undefined && training !== null && typeof training !== 'boolean')) {
    throw new ModelFileError(file, `${where}: unsupported call keyword arguments ${JSON.stringify(kwargs)?.slice(0, 120)} (only training: true/false/null)`);
  }
  return typeof training === 'boolean' ? training : undefined;
}

/** A node's input references, how the layer took them, and its `training` flag. */
function parseNode(node: unknown, where: string, file: string): ParsedNode {
  if (Array.isArray(node)) {
    // Keras 2: a node is a list of [name, node, tensor, kwargs].
    const refs = node.map((r, i) => parseRef(r, `${where}[${i}]`, file));
    const kwargs: unknown = Array.isArray(node[0]) ? node[0][3] : undefined;
    return { refs, input: { kind: refs.length > 1 ? 'list' : 'single' }, training: parseKwargs(kwargs, where, file), legacy: true };
  }
  if (typeof node !== 'object' || node === null) throw new ModelFileError(file, `${where}: a node must be an object {args, kwargs}`);
  const { args, kwargs } = node as Record<string, unknown>;
  if (!Array.isArray(args) || args.length !== 1) throw new ModelFileError(file, `${where}: expected one positional argument in args`);
  const training = parseKwargs(kwargs, where, file);
  const arg: unknown = args[0];
  if (Array.isArray(arg) && arg.length > 0 && arg.every(isKerasTensor)) {
    return { refs: arg.map((r, i) => parseRef(r, `${where}.args[0][${i}]`, file)), input: { kind: 'list' }, training, legacy: false };
  }
  if (typeof arg === 'object' && arg !== null && !Array.isArray(arg) && !isKerasTensor(arg)) {
    const keys = Object.keys(arg);
    if (keys.length > 0 && keys.every((k) => isKerasTensor((arg as Record<string, unknown>)[k]))) {
      return { refs: keys.map((k) => parseRef((arg as Record<string, unknown>)[k], `${where}.args[0].${k}`, file)), input: { kind: 'dict', keys }, training, legacy: false };
    }
  }
  return { refs: [parseRef(arg, `${where}.args[0]`, file)], input: { kind: 'single' }, training, legacy: false };
}

/** A model's inputs or outputs: the references in order and the structure they were given in. */
interface Endpoints {
  refs: Ref[];
  structure: Structure;
}

/** `input_layers`/`output_layers`: one `[name, node, tensor]`, a list of them, or a dict of them. */
function parseEndpoints(value: unknown, what: string, file: string): Endpoints {
  if (isHistory(value)) return { refs: [parseRef(value, what, file)], structure: { kind: 'single' } };
  if (Array.isArray(value) && value.length > 0) {
    const refs = value.map((v, i) => parseRef(v, `${what}[${i}]`, file));
    return { refs, structure: { kind: 'list' } };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0) {
    const keys = Object.keys(value);
    return { refs: keys.map((k) => parseRef((value as Record<string, unknown>)[k], `${what}.${k}`, file)), structure: { kind: 'dict', keys } };
  }
  throw new ModelFileError(file, `${what}: expected [layer, node, tensor], a non-empty list or a dict of them, found ${JSON.stringify(value)?.slice(0, 120)}`);
}

interface PendingCall extends ParsedNode {
  info: EntryInfo;
  /** The call's place in the layer's inbound_nodes: other calls refer to its outputs as `name/index`. */
  index: number;
}

/**
 * The calls in an order that respects their dependencies, as Keras's `functional_from_config` drains its
 * node queue, in linear time: each call waits on a count of unresolved inputs, and each output, once
 * produced, releases the calls that read it (Kahn's algorithm).
 */
function callSchedule(calls: readonly PendingCall[], produced: ReadonlySet<string>, file: string): PendingCall[] {
  const waiting = new Map<string, PendingCall[]>();
  const missing = new Map<PendingCall, number>();
  const ready: PendingCall[] = [];
  for (const call of calls) {
    let count = 0;
    for (const [layer, node] of call.refs) {
      const key = `${layer}/${node}`;
      if (produced.has(key)) continue;
      count += 1;
      const list = waiting.get(key);
      if (list === undefined) waiting.set(key, [call]);
      else list.push(call);
    }
    missing.set(call, count);
    if (count === 0) ready.push(call);
  }
  const order: PendingCall[] = [];
  for (let i = 0; i < ready.length; i++) {
    const call = ready[i];
    order.push(call);
    const key = `${call.info.name}/${call.index}`;
    for (const reader of waiting.get(key) ?? []) {
      const left = (missing.get(reader) as number) - 1;
      missing.set(reader, left);
      if (left === 0) ready.push(reader);
    }
    waiting.delete(key);
  }
  if (order.length < calls.length) {
    const stuck = calls.find((c) => (missing.get(c) as number) > 0) as PendingCall;
    const done = new Set([...produced, ...order.map((c) => `${c.info.name}/${c.index}`)]);
    const [layer, node] = stuck.refs.find(([l, n]) => !done.has(`${l}/${n}`)) as Ref;
    throw new ModelFileError(file, `layer '${stuck.info.name}' is called on '${layer}' node ${node}, which no layer produces (or the graph has a cycle)`);
  }
  return order;
}

/** A layer entry before its layer is constructed: its name, its calls, and how to construct it. */
interface EntryInfo {
  name: string;
  index: number;
  entry: unknown;
  layer: Layer | null;
}

function entryName(entry: unknown): string | null {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return null;
  const { name, config } = entry as Record<string, unknown>;
  if (typeof name === 'string') return name;
  const inner = typeof config === 'object' && config !== null ? (config as Record<string, unknown>).name : undefined;
  return typeof inner === 'string' ? inner : null;
}

/** Constructs the layer of one entry (nested models included); given by model-config.ts. */
export type EntryReader = (entry: unknown, where: string) => Layer;

const MODEL_CLASSES = new Set(['Functional', 'Model', 'Sequential']);

/**
 * The shapes of a call's outputs for the given input shapes, computed without building; a nested model
 * (built when constructed) gives its outputs' shapes with the batch size of the call. Null when unknown.
 */
function callOutputShapes(layer: Layer, given: readonly SymbolicShape[], input: CallInput): (SymbolicShape | null)[] {
  if (layer instanceof Model) return layer.outputs.map((t) => [given[0]?.[0] ?? null, ...t.shape.slice(1)]);
  return [outputShapeOf(layer, input.kind === 'single' ? given[0] : given)];
}

/**
 * A Functional config in two passes (see weight-ledger.ts). The calls are read and ordered from the entries
 * alone; then each layer is constructed when first called and its weights counted along the shapes, so a
 * config that the budget or the file cannot cover is refused at the first layer that crosses it. Layers
 * no call reaches are constructed last (a bad one is still refused); the graph is built afterwards.
 */
export function planFunctional(config: Record<string, unknown>, file: string, ledger: WeightLedger, budget: LoadBudget, readEntry: EntryReader): () => Model {
  const entries = config.layers;
  if (!Array.isArray(entries)) throw new ModelFileError(file, 'the Functional config has no `layers` list');
  budget.checkLayers(file, 'the Functional config', entries.length);
  const infos = new Map<string, EntryInfo>();
  const construct = (info: EntryInfo): Layer => (info.layer ??= readEntry(info.entry, `layers[${info.index}]`));
  const inputs = new Map<string, InputLayer>();
  const calls: PendingCall[] = [];
  entries.forEach((entry, i) => {
    const info: EntryInfo = { name: entryName(entry) ?? '', index: i, entry, layer: null };
    // Without a name in the entry, the layer's own (generated) name is the only one there is.
    if (info.name === '') info.name = construct(info).name;
    if (infos.has(info.name)) throw new ModelFileError(file, `layers[${i}]: the layer name '${info.name}' appears twice`);
    infos.set(info.name, info);
    if ((entry as Record<string, unknown>).class_name === 'InputLayer') {
      const layer = construct(info);
      if (layer instanceof InputLayer) inputs.set(`${info.name}/0`, layer);
      return;
    }
    const nodes = (entry as Record<string, unknown>).inbound_nodes ?? [];
    if (!Array.isArray(nodes)) throw new ModelFileError(file, `layers[${i}] ('${info.name}'): inbound_nodes must be a list`);
    if (calls.length + nodes.length > budget.maxLayers) budget.checkLayers(file, 'the Functional config (counting every call of a shared layer)', calls.length + nodes.length);
    nodes.forEach((node, n) => calls.push({ info, ...parseNode(node, `layers[${i}] ('${info.name}').inbound_nodes[${n}]`, file), index: n }));
  });
  // Files count a nested model's calls from 1 where its first node was internal: Keras 3 in input_layers
  // and output_layers for a Functional, Keras 2 everywhere for any model. Ours start at 0.
  const modelEntry = (name: string): { model: boolean; legacy: boolean } => {
    const entry = infos.get(name)?.entry as Record<string, unknown> | undefined;
    return { model: typeof entry?.class_name === 'string' && MODEL_CLASSES.has(entry.class_name), legacy: entry !== undefined && !('module' in entry) };
  };
  const shift = (ref: Ref, endpoint: boolean): Ref => {
    const { model, legacy } = modelEntry(ref[0]);
    const className = (infos.get(ref[0])?.entry as Record<string, unknown> | undefined)?.class_name;
    const offset = model && (legacy || (endpoint && className !== 'Sequential')) ? 1 : 0;
    return offset === 0 ? ref : [ref[0], Math.max(ref[1] - offset, 0), ref[2]];
  };
  for (const call of calls) if (call.legacy) call.refs = call.refs.map((r) => shift(r, false));
  const order = callSchedule(calls, new Set(inputs.keys()), file);
  const inputEnds = parseEndpoints(config.input_layers, 'input_layers', file);
  const outputEnds = parseEndpoints(config.output_layers, 'output_layers', file);
  inputEnds.refs = inputEnds.refs.map((r) => shift(r, true));
  outputEnds.refs = outputEnds.refs.map((r) => shift(r, true));
  const key = ([l, n]: Ref): string => `${l}/${n}`;
  const shapes = new Map<string, (SymbolicShape | null)[]>([...inputs].map(([k, layer]) => [k, [layer.output.shape]]));
  for (const call of order) {
    const layer = construct(call.info);
    const given = call.refs.map((r) => shapes.get(key(r))?.[r[2]] ?? null);
    const known = given.every((shape): shape is SymbolicShape => shape !== null);
    if (known) ledger.declare(layer, given[0]);
    shapes.set(`${call.info.name}/${call.index}`, known ? callOutputShapes(layer, given, call.input) : [null]);
  }
  for (const info of infos.values()) construct(info);
  return () => {
    const produced = new Map<string, readonly SymbolicTensor[]>([...inputs].map(([k, layer]) => [k, [layer.output]]));
    const tensorAt = (ref: Ref, what: string): SymbolicTensor => {
      const tensor = produced.get(key(ref))?.[ref[2]];
      if (tensor === undefined) throw new ModelFileError(file, `${what} names output ${ref[2]} of layer '${ref[0]}' node ${ref[1]}, which the config does not produce`);
      return tensor;
    };
    for (const { info, refs, input, training, index } of order) {
      const layer = construct(info);
      const given = refs.map((r) => tensorAt(r, `layer '${info.name}'`));
      ledger.declare(layer, given[0].shape);
      const args = input.kind === 'single' ? given[0] : input.kind === 'list' ? given : Object.fromEntries(input.keys.map((k, i) => [k, given[i]]));
      try {
        const result = layer.applyAll(args as never, training === undefined ? {} : { training });
        // A nested model's dict of outputs comes keyed in the order written; node references count them in
        // its flat (sorted-key) order, which its last call's outputs are in.
        produced.set(`${info.name}/${index}`, Array.isArray(result) ? (result as SymbolicTensor[]) : isSymbolicTensor(result) ? [result] : [...layer.calls[layer.calls.length - 1].outputs]);
      } catch (error) {
        throw new ModelFileError(file, `layer '${info.name}' cannot be called on its recorded inputs: ${(error as Error).message}`, { cause: error });
      }
    }
    const nested = (ends: Endpoints, what: string): Nested<SymbolicTensor> => {
      const tensors = ends.refs.map((r) => tensorAt(r, what));
      return ends.structure.kind === 'single' ? tensors[0] : ends.structure.kind === 'list' ? tensors : Object.fromEntries(ends.structure.keys.map((k, i) => [k, tensors[i]]));
    };
    return new Functional({ inputs: nested(inputEnds, 'input_layers'), outputs: nested(outputEnds, 'output_layers'), name: typeof config.name === 'string' ? config.name : undefined });
  };
}
