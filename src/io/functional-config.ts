/** Rebuilding a functional model from Keras's `layers` + `inbound_nodes` (Keras 3 and Keras 2 node forms). */

import { InputLayer } from '../layers/input-layer.js';
import type { Layer, SymbolicShape, SymbolicTensor } from '../layers/layer.js';
import type { FunctionalOptions } from '../models/functional.js';
import type { Model } from '../models/model.js';
import type { LoadBudget } from './budget.js';
import { ModelFileError } from './errors.js';
import { layerFromEntry } from './layer-entry.js';
import type { WeightLedger } from './weight-ledger.js';
import { outputShapeOf } from './weight-ledger.js';

type Ref = readonly [string, number];

/** `[name, node, tensor]` (Keras 2 adds a kwargs dict) or Keras 3's `{class_name: '__keras_tensor__', config: {keras_history}}`. */
function parseRef(value: unknown, where: string, file: string): Ref {
  let history: unknown = value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const config = (value as Record<string, unknown>).config;
    history = typeof config === 'object' && config !== null ? (config as Record<string, unknown>).keras_history : undefined;
  }
  if (!Array.isArray(history) || typeof history[0] !== 'string' || !Number.isInteger(history[1]) || history[2] !== 0) {
    throw new ModelFileError(file, `${where}: expected a tensor reference [layer, node, 0], found ${JSON.stringify(value)?.slice(0, 120)}`);
  }
  return [history[0], history[1] as number];
}

/** A node's input references and whether the layer took a list. */
function parseNode(node: unknown, where: string, file: string): { refs: Ref[]; list: boolean } {
  if (Array.isArray(node)) {
    // Keras 2: a node is a list of [name, node, tensor, kwargs].
    const refs = node.map((r, i) => parseRef(r, `${where}[${i}]`, file));
    return { refs, list: refs.length > 1 };
  }
  if (typeof node !== 'object' || node === null) throw new ModelFileError(file, `${where}: a node must be an object {args, kwargs}`);
  const { args, kwargs } = node as Record<string, unknown>;
  if (!Array.isArray(args) || args.length !== 1) throw new ModelFileError(file, `${where}: expected one positional argument in args`);
  if (kwargs !== undefined && (typeof kwargs !== 'object' || kwargs === null || Object.keys(kwargs).some((k) => k !== 'training' && k !== 'mask'))) {
    throw new ModelFileError(file, `${where}: unsupported call keyword arguments ${JSON.stringify(kwargs)}`);
  }
  const arg: unknown = args[0];
  if (Array.isArray(arg) && arg.length > 0 && typeof arg[0] === 'object' && arg[0] !== null && !Array.isArray(arg[0])) {
    return { refs: arg.map((r, i) => parseRef(r, `${where}.args[0][${i}]`, file)), list: true };
  }
  return { refs: [parseRef(arg, `${where}.args[0]`, file)], list: false };
}

function single(value: unknown, what: string, file: string): Ref {
  // Keras 3 writes ["name", 0, 0] for one tensor, Keras 2 [["name", 0, 0]].
  const list = Array.isArray(value) && Array.isArray(value[0]) ? value : [value];
  if (list.length !== 1) throw new ModelFileError(file, `${what}: models with ${list.length} inputs or outputs are not supported (exactly one)`);
  return parseRef(list[0], what, file);
}

interface PendingCall {
  info: EntryInfo;
  refs: Ref[];
  list: boolean;
  /** The call's place in the layer's inbound_nodes: other calls refer to its output as `name/index`. */
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

/**
 * A Functional config in two passes (see weight-ledger.ts). The calls are read and ordered from the entries
 * alone; then each layer is constructed when first called and its weights counted along the shapes, so a
 * config that the budget or the file cannot cover is refused at the first layer that crosses it. Layers
 * no call reaches are constructed last (a bad one is still refused); the graph is built afterwards.
 */
export function planFunctional(config: Record<string, unknown>, file: string, ledger: WeightLedger, budget: LoadBudget, make: (options: FunctionalOptions) => Model): () => Model {
  const entries = config.layers;
  if (!Array.isArray(entries)) throw new ModelFileError(file, 'the Functional config has no `layers` list');
  budget.checkLayers(file, 'the Functional config', entries.length);
  const infos = new Map<string, EntryInfo>();
  const construct = (info: EntryInfo): Layer => (info.layer ??= layerFromEntry(info.entry, `layers[${info.index}]`, file));
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
  const order = callSchedule(calls, new Set(inputs.keys()), file);
  const [inName, inNode] = single(config.input_layers, 'input_layers', file);
  const [outName, outNode] = single(config.output_layers, 'output_layers', file);
  const shapes = new Map<string, SymbolicShape | null>([...inputs].map(([key, layer]) => [key, layer.output.shape]));
  for (const call of order) {
    const layer = construct(call.info);
    const given = call.refs.map(([l, n]) => shapes.get(`${l}/${n}`) ?? null);
    const known = given.every((shape): shape is SymbolicShape => shape !== null);
    if (known) ledger.declare(layer, given[0]);
    shapes.set(`${call.info.name}/${call.index}`, known ? outputShapeOf(layer, call.list ? given : given[0]) : null);
  }
  for (const info of infos.values()) construct(info);
  return () => {
    const outputs = new Map<string, SymbolicTensor>([...inputs].map(([key, layer]) => [key, layer.output]));
    for (const { info, refs, list, index } of order) {
      const layer = construct(info);
      const given = refs.map(([l, n]) => outputs.get(`${l}/${n}`) as SymbolicTensor);
      ledger.declare(layer, given[0].shape);
      try {
        outputs.set(`${info.name}/${index}`, layer.apply(list ? given : given[0]));
      } catch (error) {
        throw new ModelFileError(file, `layer '${info.name}' cannot be called on its recorded inputs: ${(error as Error).message}`, { cause: error });
      }
    }
    const input = outputs.get(`${inName}/${inNode}`);
    const output = outputs.get(`${outName}/${outNode}`);
    if (input === undefined || output === undefined) throw new ModelFileError(file, `input_layers/output_layers name layers that the config does not produce ('${inName}', '${outName}')`);
    return make({ inputs: input, outputs: output, name: typeof config.name === 'string' ? config.name : undefined });
  };
}
