/** Keras's `Embedding`: integer indices → rows of a trainable table. */

import type { Constraint, ConstraintIdentifier } from '../../constraints/index.js';
import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Initializer, InitializerIdentifier } from '../../initializers/index.js';
import { notEqual } from '../../ops/elementwise.js';
import { take } from '../../ops/gather.js';
import type { Regularizer, RegularizerIdentifier } from '../../regularizers/index.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';
import type { OptionSpec } from '../options-schema.js';

/** The options of `layerEmbedding`. */
export interface EmbeddingOptions extends LayerOptions {
  /** Vocabulary size: indices lie in `[0, inputDim)`. */
  inputDim: number;
  /** Length of each embedding vector. */
  outputDim: number;
  /** Default 'uniform' (RandomUniform in [-0.05, 0.05]). */
  embeddingsInitializer?: InitializerIdentifier;
  embeddingsRegularizer?: RegularizerIdentifier;
  embeddingsConstraint?: ConstraintIdentifier;
  /** Index 0 is padding: `computeMask` marks it invalid (so `inputDim` should count it). Default false. */
  maskZero?: boolean;
  /** Keras 2's sequence length argument: accepted (a positive integer or null) and not written back. */
  inputLength?: number | null;
  /** Accepted for Keras config compatibility; only `null` (no LoRA) is supported. */
  loraRank?: null;
  /** Accepted for Keras config compatibility; only `null` is supported. */
  loraAlpha?: null;
  /** Accepted for Keras config compatibility; only `null` (no quantization) is supported. */
  quantizationConfig?: null;
}

const inputLength: OptionSpec<number | null> = {
  resolve: (value, argument, context) => {
    if (value === undefined || value === null) return null;
    if (!Number.isInteger(value) || (value as number) < 1) throw new InvalidArgumentError(argument, value, 'a positive integer or null (Keras 2 only; it is ignored)', context);
    return value as number;
  },
};

const OPTIONS = defineOptions<EmbeddingOptions>()('Embedding', {
  inputDim: option.size({ required: true }),
  outputDim: option.size({ required: true }),
  embeddingsInitializer: option.initializer('uniform'),
  embeddingsRegularizer: option.regularizer(),
  embeddingsConstraint: option.constraint(),
  maskZero: option.boolean(false),
  inputLength,
  loraRank: { resolve: option.nullOnly('LoRA is not supported').resolve },
  loraAlpha: { resolve: option.nullOnly('LoRA is not supported').resolve },
  quantizationConfig: option.nullOnly('quantization is not supported'),
});

/**
 * Turns indices into dense vectors (Keras's `Embedding`): input `[...]` of integers (int32 tensors, or
 * floats holding integers, truncated as Keras casts them) → output `[..., outputDim]`. The table
 * `embeddings` is `[inputDim, outputDim]`; its gradient accumulates the rows each index selected. An index
 * outside `[-inputDim, inputDim)` reads NaN, as Keras on jax does.
 *
 * @example
 * ```ts
 * const emb = new Embedding({ inputDim: 1000, outputDim: 16, maskZero: true });
 * const vectors = emb.apply(tensor([[4, 9, 0]], undefined, 'int32')); // [1, 3, 16]
 * const mask = emb.computeMask(ids); // [[1, 1, 0]]
 * ```
 */
export class Embedding extends Layer {
  readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly embeddingsInitializer: Initializer;
  readonly embeddingsRegularizer: Regularizer | null;
  readonly embeddingsConstraint: Constraint | null;
  readonly maskZero: boolean;
  embeddings: Variable | null = null;
  protected override readonly autocastInputs = false;
  protected override readonly acceptsIntegerInputs = true;

  constructor(options: EmbeddingOptions) {
    const args = OPTIONS.resolve(options);
    super(options, 'Embedding');
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.embeddingsInitializer = args.embeddingsInitializer;
    this.embeddingsRegularizer = args.embeddingsRegularizer;
    this.embeddingsConstraint = args.embeddingsConstraint;
    this.maskZero = args.maskZero;
  }

  override weightShapesFor(_inputShape: SymbolicShape): number[][] {
    return [[this.inputDim, this.outputDim]];
  }

  override build(_inputShape: SymbolicShape): void {
    this.embeddings = this.addWeight({ name: 'embeddings', shape: [this.inputDim, this.outputDim], initializer: this.embeddingsInitializer, regularizer: this.embeddingsRegularizer, constraint: this.embeddingsConstraint });
    this.built = true;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    return [...inputShape, this.outputDim];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    if (!this.embeddings) throw new ShapeError(`layer '${this.name}' used before it was built`);
    return take(this.embeddings, x);
  }

  /**
   * The padding mask of `inputs` when `maskZero` is set: 1 where the index is not 0 (in the layer's
   * dtype), else null. Pass it as `{ mask }` to mask-aware layers.
   *
   * @example
   * ```ts
   * const mask = embedding.computeMask(tensor([[3, 0]])); // [[1, 0]]
   * ```
   */
  override computeMask(inputs: Tensor, _mask: Tensor | null = null): Tensor | null {
    if (!this.maskZero) return null;
    if (inputs.rank === 0) throw new ShapeError(`layer '${this.name}': cannot mask a scalar input of shape ${formatShape(inputs.shape)}`);
    return notEqual(inputs, 0);
  }

  /** Rebuilds a layer from `getConfig()` output (Keras 2's `input_length` accepted). @example `Embedding.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): Embedding {
    return new Embedding(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      ...OPTIONS.toConfig({ ...this, inputLength: null, loraRank: null, loraAlpha: null, quantizationConfig: null }),
      activity_regularizer: this.activityRegularizer ? this.activityRegularizer.serialize() : null,
    };
  }
}

/**
 * Creates an `Embedding` layer and composes it with `object` (Keras's `layer_embedding`).
 *
 * @example
 * ```ts
 * layerEmbedding(model, { inputDim: 10000, outputDim: 32 });
 * ```
 */
export const layerEmbedding = layerFunction((options: EmbeddingOptions) => new Embedding(options));
