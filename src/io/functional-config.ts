/** Rebuilding a functional model from Keras's `layers` + `inbound_nodes` (Keras 3 and Keras 2 node forms). */

import { InputLayer } from '../layers/input-layer.js';
import type { Layer, SymbolicShape, SymbolicTensor } from '../layers/layer.js';
import type { FunctionalOptions } from '../models/functional.js';
import type { Model } from '../models/model.js';
import type { LoadBudget } from './budget.js';
import { ModelFileError } from './errors.js';
import { layerFromEntry } from './layer-entry.js';
import type { ModelPlan } from './weight-ledger.js';
import { outputShapeOf, WeightLedger } from './weight-ledger.js';

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
  layer: Layer;
  name: string;
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
    for (const reader of waiting.get(`${call.name}/${call.index}`) ?? []) {
      const left = (missing.get(reader) as number) - 1;
      missing.set(reader, left);
      if (left === 0) ready.push(reader);
    }
    waiting.delete(`${call.name}/${call.index}`);
  }
  if (order.length < calls.length) {
    const stuck = calls.find((c) => (missing.get(c) as number) > 0) as PendingCall;
    const done = new Set([...produced, ...order.map((c) => `${c.name}/${c.index}`)]);
    const [layer, node] = stuck.refs.find(([l, n]) => !done.has(`${l}/${n}`)) as Ref;
    throw new ModelFileError(file, `layer '${stuck.name}' is called on '${layer}' node ${node}, which no layer produces (or the graph has a cycle)`);
  }
  return order;
}

/**
 * A Functional config in two passes (see weight-ledger.ts): every layer constructed, the calls ordered and
 * the weights counted along the shapes; the graph is built only when the ledger allows.
 */
export function planFunctional(config: Record<string, unknown>, file: string, budget: LoadBudget, make: (options: FunctionalOptions) => Model): ModelPlan {
  const entries = config.layers;
  if (!Array.isArray(entries)) throw new ModelFileError(file, 'the Functional config has no `layers` list');
  budget.checkLayers(file, 'the Functional config', entries.length);
  const inputs = new Map<string, InputLayer>();
  const names = new Set<string>();
  const calls: PendingCall[] = [];
  entries.forEach((entry, i) => {
    const layer = layerFromEntry(entry, `layers[${i}]`, file);
    const name = typeof (entry as Record<string, unknown>).name === 'string' ? ((entry as Record<string, unknown>).name as string) : layer.name;
    if (names.has(name)) throw new ModelFileError(file, `layers[${i}]: the layer name '${name}' appears twice`);
    names.add(name);
    if (layer instanceof InputLayer) {
      inputs.set(`${name}/0`, layer);
      return;
    }
    const nodes = (entry as Record<string, unknown>).inbound_nodes ?? [];
    if (!Array.isArray(nodes)) throw new ModelFileError(file, `layers[${i}] ('${name}'): inbound_nodes must be a list`);
    if (calls.length + nodes.length > budget.maxLayers) budget.checkLayers(file, 'the Functional config (counting every call of a shared layer)', calls.length + nodes.length);
    nodes.forEach((node, n) => calls.push({ layer, name, ...parseNode(node, `layers[${i}] ('${name}').inbound_nodes[${n}]`, file), index: n }));
  });
  const order = callSchedule(calls, new Set(inputs.keys()), file);
  const [inName, inNode] = single(config.input_layers, 'input_layers', file);
  const [outName, outNode] = single(config.output_layers, 'output_layers', file);
  const ledger = new WeightLedger(budget, file);
  const shapes = new Map<string, SymbolicShape | null>([...inputs].map(([key, layer]) => [key, layer.output.shape]));
  for (const call of order) {
    const given = call.refs.map(([l, n]) => shapes.get(`${l}/${n}`) ?? null);
    const known = given.every((s): s is SymbolicShape => s !== null);
    if (known) ledger.declare(call.layer, given[0]);
    shapes.set(`${call.name}/${call.index}`, known ? outputShapeOf(call.layer, call.list ? given : given[0]) : null);
  }
  ledger.checkDeclared();
  return {
    checkStored: (elements, where) => ledger.checkStored(elements, where),
    build: () => {
      const outputs = new Map<string, SymbolicTensor>([...inputs].map(([key, layer]) => [key, layer.output]));
      for (const { layer, name, refs, list, index } of order) {
        const given = refs.map(([l, n]) => outputs.get(`${l}/${n}`) as SymbolicTensor);
        ledger.chargeBeforeBuild(layer, given[0].shape);
        try {
          outputs.set(`${name}/${index}`, layer.apply(list ? given : given[0]));
        } catch (error) {
          throw new ModelFileError(file, `layer '${name}' cannot be called on its recorded inputs: ${(error as Error).message}`, { cause: error });
        }
      }
      const input = outputs.get(`${inName}/${inNode}`);
      const output = outputs.get(`${outName}/${outNode}`);
      if (input === undefined || output === undefined) throw new ModelFileError(file, `input_layers/output_layers name layers that the config does not produce ('${inName}', '${outName}')`);
      return make({ inputs: input, outputs: output, name: typeof config.name === 'string' ? config.name : undefined });
    },
  };
}
