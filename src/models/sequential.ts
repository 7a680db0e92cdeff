/** Keras's `Sequential` model: a stack of single-input layers. */

import type { FloatDType } from '../engine/dtype.js';
import { isRecording } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { InputLayer } from '../layers/input-layer.js';
import type { CallOptions, LayerCall, SymbolicTensor } from '../layers/layer.js';
import { isSymbolicTensor, Layer } from '../layers/layer.js';
import { formatShape } from '../engine/shape.js';
import { matchFusedChain } from './inference-fusion.js';
import type { LayerStack } from '../layers/layer-stack.js';
import { LAYER_STACK } from '../layers/layer-stack.js';
import { deserializeAs, Model } from './model.js';
import type { Config } from '../serialization/keras-object.js';
import type { SummaryRow } from './summary.js';
import { assertUniqueLayerNames } from './unique-names.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

export interface SequentialOptions {
  /** Input shape without the batch axis; when given, each added layer is built at once. */
  inputShape?: readonly (number | null)[];
  /** Fixed batch size for the input. */
  inputBatchSize?: number;
  /** Input dtype, 'float32' (default) or 'float64'. */
  inputDtype?: FloatDType;
  /** Default `sequential`, `sequential_1`, ... */
  name?: string;
  /** Layers to add in order; the first may be a `layerInput(...)` placeholder, as in `keras.Sequential([keras.Input(shape), ...])`. */
  layers?: readonly (Layer | SymbolicTensor)[];
}

const SEQUENTIAL_KEYS = optionKeys<SequentialOptions>()(['inputShape', 'inputBatchSize', 'inputDtype', 'name', 'layers']);

/**
 * A linear stack of layers. With a known input shape (from `inputShape` here or from the first layer's
 * `inputShape`/`batchInputShape`) every layer is built as it is added, so shape errors surface at `add`.
 *
 * @example
 * ```ts
 * const model = kerasModelSequential({ inputShape: [28, 28, 1] });
 * layerDepthwiseConv2d(model, { kernelSize: 3, depthMultiplier: 2, activation: 'relu' });
 * ```
 */
export class Sequential extends Model implements LayerStack {
  readonly className = 'Sequential';

  /**
   * A Sequential from a config of `getConfig()`, as Keras's `Sequential.from_config`: new layers, fresh weights.
   *
   * @example
   * ```ts
   * const copy = Sequential.fromConfig(model.getConfig());
   * ```
   */
  static override fromConfig(config: Config): Sequential {
    return deserializeAs(config, 'Sequential', Sequential, 'Sequential.fromConfig');
  }

  readonly [LAYER_STACK] = true as const;
  private inputLayer: InputLayer | null = null;
  private readonly stack: Layer[] = [];
  /** The names in `stack`, so that adding a layer checks uniqueness in constant time. */
  private readonly names = new Set<string>();
  /** Symbolic outputs of each layer in `stack`, when the input is known. */
  private readonly layerOutputs: SymbolicTensor[] = [];

  constructor(options: SequentialOptions = {}) {
    // Before the InputLayer below exists, so a refused call consumes no automatic name.
    checkOptions(options, SEQUENTIAL_KEYS, 'kerasModelSequential');
    const input =
      options.inputShape === undefined && options.inputBatchSize === undefined
        ? null
        : new InputLayer({ shape: options.inputShape, batchSize: options.inputBatchSize, dtype: options.inputDtype });
    super({ name: options.name }, 'Sequential');
    this.inputLayer = input;
    for (const layer of options.layers ?? []) this.add(layer);
  }

  get layers(): Layer[] {
    return [...this.stack];
  }

  get inputs(): SymbolicTensor[] {
    return this.inputLayer ? [this.inputLayer.output] : [];
  }

  get outputs(): SymbolicTensor[] {
    if (!this.inputLayer) return [];
    return [this.layerOutputs.length > 0 ? this.layerOutputs[this.layerOutputs.length - 1] : this.inputLayer.output];
  }

  get graph(): readonly LayerCall[] {
    return this.inputLayer ? this.layerOutputs.map((t) => t.producer) : [];
  }

  /**
   * Appends a layer (or sets the input, given `layerInput(...)`), building it against the current output
   * shape when that is known. On any error the model is left as it was.
   */
  add(layer: Layer | SymbolicTensor): this {
    // An input placeholder, or the InputLayer holding one (as `otherModel.layers` lists it first), sets the input.
    const input = isSymbolicTensor(layer) ? layer.producer.layer : layer;
    if (input instanceof InputLayer) {
      if (this.inputLayer || this.stack.length > 0) {
        throw new InvalidArgumentError('layer', String(layer), `an input only as the first layer (model '${this.name}' already has ${this.inputLayer ? 'an input' : 'layers'})`, `${this.name}.add`);
      }
      this.inputLayer = input;
      return this;
    }
    if (isSymbolicTensor(layer)) {
      throw new InvalidArgumentError('layer', layer.toString(), `a Layer instance or a layerInput() placeholder (this tensor is the output of layer '${layer.producer.layer.name}')`, `${this.name}.add`);
    }
    if (!(layer instanceof Layer)) {
      throw new InvalidArgumentError('layer', layer, 'a Layer instance', `${this.name}.add`);
    }
    if (layer.outputCount > 1) {
      throw new InvalidArgumentError('layer', layer.name, `a layer of one output ('${layer.name}' returns ${layer.outputCount}); use the functional API for layers of several outputs`, `${this.name}.add`);
    }
    if (this.names.has(layer.name)) assertUniqueLayerNames([...this.stack, layer], `${this.name}.add`);
    const [first] = this.stack;
    if (!this.inputLayer && this.stack.length === 1 && first instanceof Model && first.inputs.length === 1) {
      // Keras 3 (Sequential._maybe_rebuild): a first layer that is a model with one input gives the
      // model its input shape once a second layer is added, so `[pretrained, Dense(5)]` is built at once.
      const input = new InputLayer({ batchShape: first.inputs[0].shape, dtype: first.inputs[0].dtype });
      const firstOutput = first.apply(input.output);
      const output = layer.apply(firstOutput); // may throw: nothing is committed before it returns
      this.inputLayer = input;
      this.layerOutputs.push(firstOutput, output);
      this.stack.push(layer);
      this.names.add(layer.name);
      this.built = true;
      return this;
    }
    if (!this.inputLayer && this.stack.length === 0 && layer.batchInputShape) {
      const input = new InputLayer({ batchShape: layer.batchInputShape, dtype: layer.dtype });
      this.layerOutputs.push(layer.apply(input.output));
      this.inputLayer = input;
    } else {
      const [previous] = this.outputs;
      if (previous) this.layerOutputs.push(layer.apply(previous));
    }
    this.stack.push(layer);
    this.names.add(layer.name);
    this.built = this.inputLayer !== null;
    return this;
  }

  /**
   * Removes the last layer and returns it, as Keras's `Sequential.pop()`.
   *
   * @example
   * ```ts
   * const head = model.pop();
   * ```
   */
  pop(): Layer {
    const layer = this.stack.pop();
    if (layer === undefined) throw new InvalidArgumentError('model', this.name, 'a model with layers to pop (it has none)', `${this.name}.pop`);
    this.names.delete(layer.name);
    if (this.layerOutputs.length > this.stack.length) this.layerOutputs.pop();
    return layer;
  }

  protected override assertInputCompatible(inputShape: readonly (number | null)[]): void {
    const expected = this.inputLayer?.output.shape;
    if (!expected) return;
    const fits = inputShape.length === expected.length && expected.every((d, i) => d === null || d === inputShape[i]);
    if (!fits) {
      throw new ShapeError(
        `Input of model '${this.name}' is incompatible: expected shape ${formatShape(expected)}, but received input with shape ${formatShape(inputShape)}`,
      );
    }
  }

  override build(inputShape: readonly (number | null)[]): void {
    if (this.stack.length === 0) throw new ShapeError(`model '${this.name}' has no layers`);
    if (!this.inputLayer) {
      // Deferred build, as Keras does on the first call: the input shape comes from the data, batch left open.
      const input = new InputLayer({ batchShape: [null, ...inputShape.slice(1)], dtype: this.stack[0].dtype });
      let current = input.output;
      const outputs = this.stack.map((layer) => (current = layer.apply(current)));
      this.inputLayer = input;
      this.layerOutputs.push(...outputs);
    }
    this.built = true;
  }

  protected call(x: Tensor, options: CallOptions): Tensor {
    if (options.training === true || isRecording()) return this.stack.reduce((value, layer) => layer.apply(value, options), x);
    // Inference: Conv → BatchNormalization → ReLU runs as one fused kernel call.
    let value = x;
    for (let i = 0; i < this.stack.length; ) {
      const chain = matchFusedChain(this.stack.slice(i, i + 4), value);
      if (chain === null) {
        value = this.stack[i].apply(value, options);
        i += 1;
      } else {
        value = chain.run(value);
        i += chain.length;
      }
    }
    return value;
  }

  protected summaryRows(): SummaryRow[] {
    return this.stack.map((layer, i) => ({ layer, outputShapes: this.layerOutputs[i] ? [this.layerOutputs[i].shape] : null }));
  }
}

export function isSequential(value: unknown): value is Sequential {
  return value instanceof Sequential;
}

/**
 * Creates an empty Sequential model (Keras's `keras_model_sequential`).
 *
 * @example
 * ```ts
 * const model = kerasModelSequential({ inputShape: [28, 28, 1] });
 * ```
 */
export function kerasModelSequential(options: SequentialOptions = {}): Sequential {
  return new Sequential(options);
}
