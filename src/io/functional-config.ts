/** Rebuilding a functional model from Keras's `layers` + `inbound_nodes` (Keras 3 and Keras 2 node forms). */

import { InputLayer } from '../layers/input-layer.js';
import type { Layer, SymbolicTensor } from '../layers/layer.js';
import type { FunctionalOptions } from '../models/functional.js';
import type { Model } from '../models/model.js';
import { LIMITS, ModelFileError } from './errors.js';
import { assertBuildable, layerFromEntry } from './layer-entry.js';

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

/**
 * Creates every layer, then replays the recorded calls in an order that respects their dependencies,
 * the way Keras's `functional_from_config` drains its node queue (bounded: each pass must make progress).
 */
export function functionalFromConfig(config: Record<string, unknown>, file: string, make: (options: FunctionalOptions) => Model): Model {
  const entries = config.layers;
  if (!Array.isArray(entries)) throw new ModelFileError(file, 'the Functional config has no `layers` list');
  if (entries.length > LIMITS.layers) throw new ModelFileError(file, `the config lists ${entries.length} layers, more than ${LIMITS.layers}`);
  const outputs = new Map<string, SymbolicTensor>();
  const byName = new Map<string, Layer>();
  const pending: { layer: Layer; name: string; node: { refs: Ref[]; list: boolean }; index: number }[] = [];
  entries.forEach((entry, i) => {
    const layer = layerFromEntry(entry, `layers[${i}]`, file);
    const name = typeof (entry as Record<string, unknown>).name === 'string' ? ((entry as Record<string, unknown>).name as string) : layer.name;
    if (byName.has(name)) throw new ModelFileError(file, `layers[${i}]: the layer name '${name}' appears twice`);
    byName.set(name, layer);
    if (layer instanceof InputLayer) {
      outputs.set(`${name}/0`, layer.output);
      return;
    }
    const nodes = (entry as Record<string, unknown>).inbound_nodes ?? [];
    if (!Array.isArray(nodes)) throw new ModelFileError(file, `layers[${i}] ('${name}'): inbound_nodes must be a list`);
    nodes.forEach((node, n) => pending.push({ layer, name, node: parseNode(node, `layers[${i}] ('${name}').inbound_nodes[${n}]`, file), index: n }));
  });
  while (pending.length > 0) {
    const ready = pending.findIndex((p) => p.node.refs.every(([layer, node]) => outputs.has(`${layer}/${node}`)));
    if (ready < 0) {
      const missing = pending[0].node.refs.find(([layer, node]) => !outputs.has(`${layer}/${node}`)) as Ref;
      throw new ModelFileError(file, `layer '${pending[0].name}' is called on '${missing[0]}' node ${missing[1]}, which no layer produces (or the graph has a cycle)`);
    }
    const [{ layer, name, node, index }] = pending.splice(ready, 1);
    const inputs = node.refs.map(([l, n]) => outputs.get(`${l}/${n}`) as SymbolicTensor);
    assertBuildable(layer, inputs[0].shape, file);
    try {
      outputs.set(`${name}/${index}`, layer.apply(node.list ? inputs : inputs[0]));
    } catch (error) {
      throw new ModelFileError(file, `layer '${name}' cannot be called on its recorded inputs: ${(error as Error).message}`, { cause: error });
    }
  }
  const [inName, inNode] = single(config.input_layers, 'input_layers', file);
  const [outName, outNode] = single(config.output_layers, 'output_layers', file);
  const input = outputs.get(`${inName}/${inNode}`);
  const output = outputs.get(`${outName}/${outNode}`);
  if (input === undefined || output === undefined) throw new ModelFileError(file, `input_layers/output_layers name layers that the config does not produce ('${inName}', '${outName}')`);
  return make({ inputs: input, outputs: output, name: typeof config.name === 'string' ? config.name : undefined });
}
