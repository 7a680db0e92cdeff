/** Keras's `Dot`: per-sample dot products of two tensors along chosen axes (`batch_dot`). */

import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { minimum, mul } from '../../ops/elementwise.js';
import { sqrt, square } from '../../ops/pointwise.js';
import { sum } from '../../ops/reduce.js';
import { reshape, transpose } from '../../ops/shape-ops.js';
import { div } from '../../ops/elementwise.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions } from '../options-schema.js';
import type { OptionSpec } from '../options-schema.js';
import { commonBatchSize } from './base-merge.js';

/** The options of `layerDot`. */
export interface DotOptions extends LayerOptions {
  /** The axis of both inputs, or `[axisOfFirst, axisOfSecond]`, to contract (never the batch axis 0). */
  axes: number | readonly [number, number];
  /** L2-normalise both inputs along their axis first, so the result is a cosine similarity. Default false. */
  normalize?: boolean;
}

const axesOption: OptionSpec<number | readonly [number, number]> = {
  resolve: (value, argument, context) => {
    const ok = (a: unknown) => Number.isInteger(a) && Math.abs(a as number) <= 64;
    if (ok(value)) return value as number;
    if (Array.isArray(value) && value.length === 2 && value.every(ok)) return Object.freeze([value[0], value[1]]) as readonly [number, number];
    throw new InvalidArgumentError(argument, value, 'an integer axis or a pair of integer axes [a, b] (it is required)', context);
  },
  toConfig: (v) => (typeof v === 'number' ? v : [...v]),
};

const OPTIONS = defineOptions<DotOptions>()('Dot', {
  axes: axesOption,
  normalize: { resolve: (v, a, c) => { if (v === undefined || v === null) return false; if (typeof v !== 'boolean') throw new InvalidArgumentError(a, v, 'true or false', c); return v; }, toConfig: (v) => v as boolean },
});

/** Keras's epsilon: `normalize` divides by at least this norm. */
const EPSILON = 1e-7;

/**
 * The dot product of two tensors along `axes`, per sample (Keras's `Dot`): for `[N, M, K]` and `[N, K, P]`
 * with `axes: [2, 1]` the result is `[N, M, P]`; for two `[N, K]` vectors it is `[N, 1]`.
 *
 * @example
 * ```ts
 * const similarity = new Dot({ axes: 1, normalize: true }).apply([a, b]); // cosine, [N, 1]
 * ```
 */
export class Dot extends Layer {
  readonly className = 'Dot';
  readonly axes: number | readonly [number, number];
  readonly normalize: boolean;

  constructor(options: DotOptions) {
    const args = OPTIONS.resolve(options);
    super(options, 'Dot');
    this.axes = args.axes;
    this.normalize = args.normalize as boolean;
  }

  /** The contracted axis of each input, non-negative, as Keras resolves them (`axis % rank`). */
  private resolvedAxes(r1: number, r2: number): [number, number] {
    const [a, b] = typeof this.axes === 'number' ? [this.axes, this.axes] : this.axes;
    const fix = (axis: number, rank: number) => (axis < 0 ? ((axis % rank) + rank) % rank : axis);
    return [fix(a, r1), fix(b, r2)];
  }

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    if (shapes.length !== 2) {
      throw new InvalidArgumentError('inputs', `${shapes.length} tensors`, 'a list of exactly 2 input tensors (A `Dot` layer should be called on a list of 2 inputs)', `layer '${this.name}'`);
    }
    const [s1, s2] = shapes;
    if (s1.length < 2 || s2.length < 2) throw new ShapeError(`layer '${this.name}': Dot needs inputs of rank ≥ 2; received ${formatShape(s1)} and ${formatShape(s2)}`);
    commonBatchSize(shapes, this.name);
    const [a, b] = this.resolvedAxes(s1.length, s2.length);
    if (a === 0 || b === 0 || a >= s1.length || b >= s2.length) {
      throw new ShapeError(`layer '${this.name}': cannot contract axes [${a}, ${b}] of inputs ${formatShape(s1)} and ${formatShape(s2)} (never the batch axis 0)`);
    }
    if (s1[a] !== null && s2[b] !== null && s1[a] !== s2[b]) {
      throw new ShapeError(`layer '${this.name}': Incompatible input shapes: axis values ${s1[a]} (at axis ${a}) != ${s2[b]} (at axis ${b}). Full input shapes: ${formatShape(s1)}, ${formatShape(s2)}`);
    }
  }

  protected override outputShapeFor(shapes: readonly SymbolicShape[]): (number | null)[] {
    const [a, b] = this.resolvedAxes(shapes[0].length, shapes[1].length);
    const out = [...shapes[0].filter((_, i) => i !== a), ...shapes[1].filter((_, i) => i !== b).slice(1)];
    return out.length === 1 ? [...out, 1] : out;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    throw new InvalidArgumentError('inputShape', inputShape, 'a list of 2 input shapes: Dot is computed from two inputs', `layer '${this.name}'`);
  }

  /** The output shape for the two input shapes, validating them as a call would. */
  computeOutputShapes(inputShapes: readonly SymbolicShape[]): (number | null)[] {
    this.checkInputShapes(inputShapes);
    return this.outputShapeFor(inputShapes);
  }

  protected override callInputs(inputs: readonly Tensor[], _options: CallOptions): Tensor {
    let [x, y] = inputs;
    const [a, b] = this.resolvedAxes(x.rank, y.rank);
    if (this.normalize) {
      // Keras: x * min(rsqrt(sum(x²)), 1/ε).
      const unit = (t: Tensor, axis: number) => mul(t, minimum(div(1, sqrt(sum(square(t), { axis, keepDims: true }))), 1 / EPSILON));
      x = unit(x, a);
      y = unit(y, b);
    }
    // x → [N, M, K] with the contracted axis last, y → [N, K, P] with it second; then sum(x ⊗ y) over K.
    const xPerm = [...Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== a), a];
    const yPerm = [0, b, ...Array.from({ length: y.rank }, (_, i) => i).filter((i) => i !== 0 && i !== b)];
    const xt = transpose(x, xPerm);
    const yt = transpose(y, yPerm);
    const n = x.shape[0];
    const k = x.shape[a];
    const xRest = xt.shape.slice(1, -1);
    const yRest = yt.shape.slice(2);
    const m = xRest.reduce((p, d) => p * d, 1);
    const p = yRest.reduce((q, d) => q * d, 1);
    const product = mul(reshape(xt, [n, m, k, 1]), reshape(yt, [n, 1, k, p]));
    const out = sum(product, { axis: 2 });
    const shape = [n, ...xRest, ...yRest];
    return reshape(out, shape.length === 1 ? [n, 1] : shape);
  }

  protected call(_x: Tensor, _options: CallOptions): Tensor {
    throw new InvalidArgumentError('inputs', 'a single tensor', 'a list of exactly 2 input tensors', `layer '${this.name}'`);
  }

  /** Rebuilds a layer from `getConfig()` output. @example `Dot.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): Dot {
    return new Dot(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      ...activityRegularizerConfig(this),
      ...OPTIONS.toConfig(this),
    };
  }
}

/**
 * Creates a `Dot` layer and composes it with `object` (Keras's `layer_dot`).
 *
 * @example
 * ```ts
 * const scores = layerDot([queries, keys], { axes: [2, 2] });
 * ```
 */
export const layerDot = layerFunction((options: DotOptions) => new Dot(options));
