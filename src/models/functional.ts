/**
 * Keras's functional `Model`: a graph of layer calls from symbolic inputs to symbolic outputs. Inputs and
 * outputs may be one tensor, an array or a dict by name; layers may be shared (called on several tensors),
 * models may be layers of other models, and a call's explicit `training` flag is kept on the graph.
 */

import { isRecording } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { isTensor } from '../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { InputLayer } from '../layers/input-layer.js';
import type { CallOptions, Layer, LayerCall, SymbolicShape, SymbolicTensor } from '../layers/layer.js';
import { isSymbolicTensor } from '../layers/layer.js';
import { formatShape } from '../engine/shape.js';
import { mapGraph } from './graph-map.js';
import { matchFusedChain } from './inference-fusion.js';
import { deserializeAs, Model } from './model.js';
import type { Config } from '../serialization/keras-object.js';
import type { Nested } from './structure.js';
import { flatten } from './structure.js';
import type { SummaryRow } from './summary.js';
import { assertUniqueLayerNames } from './unique-names.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

export interface FunctionalOptions {
  /** `layerInput(...)` placeholders: one, an array, or an object of them by name. */
  inputs: Nested<SymbolicTensor>;
  /** Placeholders computed from `inputs`: one, an array, or an object of them by name. */
  outputs: Nested<SymbolicTensor>;
  /** Default `functional`, `functional_1`, ... */
  name?: string;
}

const CONTEXT = 'kerasModel';
const FUNCTIONAL_KEYS = optionKeys<FunctionalOptions>()(['inputs', 'outputs', 'name']);

/**
 * A model defined by calling layers on symbolic tensors.
 *
 * @example
 * ```ts
 * const image = layerInput({ shape: [32, 32, 3], name: 'image' });
 * const features = layerGlobalAveragePooling2d(layerDepthwiseConv2d(image, { kernelSize: 3 }));
 * const model = kerasModel({ inputs: image, outputs: [layerDense(features, { units: 10 }), layerDense(features, { units: 1 })] });
 * ```
 */
export class Functional extends Model {
  readonly className: string = 'Functional';

  /**
   * A functional model from a config of `getConfig()` (layers, `input_layers`, `output_layers`), as Keras's
   * `Functional.from_config`: new layers in the same graph, fresh weights.
   *
   * @example
   * ```ts
   * const copy = Functional.fromConfig(model.getConfig());
   * ```
   */
  static override fromConfig(config: Config): Functional {
    return deserializeAs(config, 'Functional', Functional, 'Functional.fromConfig');
  }

  private readonly inputTensors: readonly SymbolicTensor[];
  private readonly outputTensors: readonly SymbolicTensor[];
  private readonly graphCalls: readonly LayerCall[];
  /** Each layer once, in Keras's order (see graph-map.ts). */
  private readonly layerList: readonly Layer[];
  /** Every call of the graph (inputs' included) with Keras's node depth. */
  private readonly callDepths: ReadonlyMap<LayerCall, number>;
  private soleConsumerCache: Map<number, LayerCall> | null = null;

  constructor(options: FunctionalOptions) {
    checkOptions(options, FUNCTIONAL_KEYS, CONTEXT, { required: true });
    const inputs = flatten(options.inputs, isSymbolicTensor, 'inputs', 'a SymbolicTensor returned by layerInput()', CONTEXT);
    for (const t of inputs.leaves) {
      if (!(t.producer.layer instanceof InputLayer)) {
        throw new InvalidArgumentError('inputs', t.toString(), `placeholders returned by layerInput() (this one is the output of layer '${t.producer.layer.name}')`, CONTEXT);
      }
    }
    if (new Set(inputs.leaves).size !== inputs.leaves.length) throw new InvalidArgumentError('inputs', inputs.leaves.map(String), 'each input once', CONTEXT);
    const outputs = flatten(options.outputs, isSymbolicTensor, 'outputs', 'a SymbolicTensor computed from `inputs`', CONTEXT);
    const { calls, layers, depths } = mapGraph(inputs.leaves, outputs.leaves, CONTEXT);
    assertUniqueLayerNames(layers, CONTEXT);
    super({ name: options.name }, 'Functional');
    this.inputTensors = inputs.leaves;
    this.outputTensors = outputs.leaves;
    this.inputStructure = inputs.structure;
    this.outputStructure = outputs.structure;
    this.graphCalls = calls;
    this.layerList = layers;
    this.callDepths = depths;
    this.built = true;
  }

  get layers(): Layer[] {
    return [...this.layerList];
  }

  get inputs(): SymbolicTensor[] {
    return [...this.inputTensors];
  }

  get outputs(): SymbolicTensor[] {
    return [...this.outputTensors];
  }

  /** The layer calls in execution order (for io and tools that walk the graph). */
  get graph(): readonly LayerCall[] {
    return this.graphCalls;
  }

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    if (shapes.length !== this.inputTensors.length) {
      throw new InvalidArgumentError('inputs', `${shapes.length} tensors`, `${this.inputTensors.length} input tensors (${this.inputNames.join(', ')})`, `model '${this.name}'`);
    }
    shapes.forEach((shape, i) => {
      const expected = this.inputTensors[i].shape;
      const fits = shape.length === expected.length && expected.every((d, k) => d === null || d === shape[k]);
      if (!fits) {
        throw new ShapeError(
          `Input ${i} of model '${this.name}' is incompatible: expected shape ${formatShape(expected)}, but received input with shape ${formatShape(shape)}`,
        );
      }
    });
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    this.checkInputShapes([inputShape]);
  }

  /** The graph fixes every non-batch dimension, so only the batch size comes from the inputs. */
  override computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    return [inputShape[0], ...this.outputTensors[0].shape.slice(1)];
  }

  protected override symbolicOutputs(shapes: readonly SymbolicShape[]): { shapes: (number | null)[][]; list: boolean } {
    const batch = shapes[0]?.[0] ?? null;
    return { shapes: this.outputTensors.map((t) => [batch, ...t.shape.slice(1)]), list: this.outputStructure.kind !== 'single' };
  }

  protected call(x: Tensor, options: CallOptions): Tensor {
    return this.run([x], options)[0];
  }

  protected override callInputs(inputs: readonly Tensor[], options: CallOptions): Tensor | Tensor[] {
    const outputs = this.run(inputs, options);
    return this.outputStructure.kind === 'single' ? outputs[0] : outputs;
  }

  /** Runs the graph on one tensor per input; returns one tensor per output. */
  private run(inputs: readonly Tensor[], options: CallOptions): Tensor[] {
    const inference = options.training !== true && !isRecording();
    const values = new Map<number, Tensor>(this.inputTensors.map((t, i) => [t.id, inputs[i]]));
    const fusedAway = new Set<LayerCall>();
    for (const call of this.graphCalls) {
      if (fusedAway.has(call)) continue;
      const computed = call.inputs.map((t) => values.get(t.id));
      if (!computed.every((t) => t !== undefined)) {
        throw new ShapeError(`model '${this.name}': layer '${call.layer.name}' has no computed input`);
      }
      const args = computed as Tensor[];
      // Keras 3 (functional.py, operation_fn): the flag the model is run with (fit: true, predict and
      // evaluate: false) overrides the one recorded at the call; the recorded one applies only when the
      // model is run without one. A frozen base stays in inference through its layers' `trainable`.
      const training = options.training ?? call.training;
      if (inference && training !== true && !call.listInput && call.outputs.length === 1) {
        // Conv → BatchNormalization → ReLU runs as one fused kernel call when no one else reads the
        // intermediate outputs.
        const chainCalls = this.soleConsumerChain(call);
        const chain = matchFusedChain(chainCalls.map((c) => c.layer), args[0]);
        if (chain !== null) {
          const last = chainCalls[chain.length - 1];
          for (const skipped of chainCalls.slice(1, chain.length)) fusedAway.add(skipped);
          values.set(last.outputs[0].id, chain.run(args[0]));
          continue;
        }
      }
      const result: unknown = call.layer.applyAll(call.listInput ? args : args[0], { ...options, training });
      // A nested model of dict outputs gives them by key: read them back in its output order.
      const results = Array.isArray(result) ? (result as Tensor[]) : isTensor(result) ? [result] : outputsInOrder(call.layer, result as Record<string, Tensor>);
      call.outputs.forEach((t, i) => values.set(t.id, results[i]));
    }
    return this.outputTensors.map((t) => values.get(t.id) as Tensor);
  }

  /** `call` followed by up to three calls that each are the only reader of the previous one's output. */
  private soleConsumerChain(call: LayerCall): LayerCall[] {
    const chain = [call];
    for (let current = call; chain.length < 4; ) {
      const next = this.soleConsumers.get(current.outputs[0].id);
      if (next === undefined || next.training !== undefined) break;
      chain.push(next);
      current = next;
    }
    return chain;
  }

  /** For each output read by exactly one single-input, single-output call (and not a model output): that call. */
  private get soleConsumers(): Map<number, LayerCall> {
    if (this.soleConsumerCache !== null) return this.soleConsumerCache;
    const readers = new Map<number, LayerCall[]>();
    for (const call of this.graphCalls) {
      for (const input of call.inputs) readers.set(input.id, [...(readers.get(input.id) ?? []), call]);
    }
    const outputs = new Set(this.outputTensors.map((t) => t.id));
    const sole = new Map<number, LayerCall>();
    for (const [id, list] of readers) {
      const [reader] = list;
      if (list.length === 1 && !outputs.has(id) && reader.inputs.length === 1 && !reader.listInput && reader.outputs.length === 1) sole.set(id, reader);
    }
    this.soleConsumerCache = sole;
    return sole;
  }

  /**
   * One row per layer in `layers` order, as Keras 3's summary: the output shapes of the layer's last call
   * (Keras loops over its inbound nodes and keeps the last), and, for a graph that is not a chain, what the
   * layer's calls in this model read.
   */
  protected summaryRows(): SummaryRow[] {
    const connected = !this.isSequentialLike();
    return this.layerList.map((layer) => {
      const last = layer.calls[layer.calls.length - 1];
      const row: SummaryRow = { layer, outputShapes: last === undefined ? null : last.outputs.map((t) => t.shape) };
      if (!connected) return row;
      const inputs = layer.calls.filter((c) => this.callDepths.has(c)).flatMap((c) => c.inputs);
      return { ...row, connectedTo: inputs.map((t) => `${t.producer.layer.name}[${nodeIndex(t.producer)}][${t.outputIndex}]`) };
    });
  }

  /**
   * Keras's `sequential_like` (summary_utils.py): one call per depth, none reading several tensors, and no
   * layer called twice in the graph. Such a summary has no "Connected to" column.
   */
  private isSequentialLike(): boolean {
    const perDepth = new Map<number, number>();
    for (const [call, depth] of this.callDepths) {
      if (call.inputs.length > 1) return false;
      perDepth.set(depth, (perDepth.get(depth) ?? 0) + 1);
    }
    if ([...perDepth.values()].some((n) => n > 1)) return false;
    const layers = [...this.callDepths.keys()].map((c) => c.layer);
    return new Set(layers).size === layers.length;
  }
}

/** The outputs of a nested model that returned them as an object, in its output order. */
function outputsInOrder(layer: Layer, result: Readonly<Record<string, Tensor>>): Tensor[] {
  const structure = layer instanceof Model ? layer.outputStructure : null;
  return structure?.kind === 'dict' ? structure.keys.map((k) => result[k]) : Object.values(result);
}

/** The index of `call` among its layer's calls (Keras's node index). */
function nodeIndex(call: LayerCall): number {
  return Math.max(0, call.layer.calls.indexOf(call));
}

/**
 * Builds a functional model from input and output placeholders (Keras's `keras_model`): one of each, arrays,
 * or objects by name.
 *
 * @example
 * ```ts
 * const model = kerasModel({ inputs, outputs });
 * model.summary();
 * ```
 */
export function kerasModel(options: FunctionalOptions): Functional {
  return new Functional(options);
}
