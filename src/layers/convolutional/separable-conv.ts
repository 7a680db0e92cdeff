/**
 * Keras's `BaseSeparableConv`, of any rank: a depthwise convolution, then a pointwise one (unit window)
 * to `filters` channels; `SeparableConv1D` and `SeparableConv2D` are declarations. Weights, in Keras's
 * order: `depthwise_kernel [...kernelSize, C, dm]`, `pointwise_kernel [...1s, C * dm, filters]`,
 * `bias [filters]`.
 */

import type { ConstraintIdentifier } from '../../constraints/index.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { ShapeError } from '../../errors.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import type { SpatialRank } from '../../kernels/conv/params.js';
import { conv } from '../../ops/conv.js';
import { depthwiseConv } from '../../ops/depthwise-conv.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import { defineOptions, option } from '../options-schema.js';
import type { ResolvedOptions } from '../options-schema.js';
import type { BaseConvOptions, WeightArgs } from './base-conv.js';
import { BaseConv, checkStridesAndDilation, checkWeightCount, requireOptions, windowSchema } from './base-conv.js';

/** The options of the separable layers: Keras's arguments in camelCase. */
export interface SeparableConvOptions extends BaseConvOptions {
  /** Output channels of the pointwise step. Required. */
  filters: number;
  /** Depthwise output channels per input channel (default 1). */
  depthMultiplier?: number;
  /** Default 'glorot_uniform'. */
  depthwiseInitializer?: InitializerIdentifier;
  /** Default 'glorot_uniform'. */
  pointwiseInitializer?: InitializerIdentifier;
  depthwiseRegularizer?: RegularizerIdentifier;
  pointwiseRegularizer?: RegularizerIdentifier;
  depthwiseConstraint?: ConstraintIdentifier;
  pointwiseConstraint?: ConstraintIdentifier;
}

/** The declared options of a separable class of `rank` spatial axes (Keras's config order). */
export function separableConvSpec(className: string, rank: SpatialRank) {
  const { kernelSize, strides, padding, dataFormat, dilationRate } = windowSchema(rank);
  const options = defineOptions<SeparableConvOptions>()(className, {
    depthMultiplier: option.size({ default: 1 }),
    filters: option.size({ required: true }),
    kernelSize,
    strides,
    padding,
    dataFormat,
    dilationRate,
    activation: option.activation(),
    useBias: option.boolean(true),
    depthwiseInitializer: option.initializer('glorot_uniform'),
    pointwiseInitializer: option.initializer('glorot_uniform'),
    biasInitializer: option.initializer('zeros'),
    depthwiseRegularizer: option.regularizer(),
    pointwiseRegularizer: option.regularizer(),
    biasRegularizer: option.regularizer(),
    depthwiseConstraint: option.constraint(),
    pointwiseConstraint: option.constraint(),
    biasConstraint: option.constraint(),
  });
  return { className, rank, options };
}

export type SeparableConvSpec = ReturnType<typeof separableConvSpec>;
type SeparableArgs = ResolvedOptions<SeparableConvSpec['options']['schema']>;

function resolveSeparableArgs(options: SeparableConvOptions, spec: SeparableConvSpec): SeparableArgs {
  requireOptions(options, spec.className);
  const args = spec.options.resolve(options);
  checkStridesAndDilation(args, options, spec.className);
  checkWeightCount(options.weights, ['depthwise_kernel', 'pointwise_kernel', ...(args.useBias ? ['bias'] : [])], spec.className);
  return args;
}

/** The separable convolution layer of any rank (Keras's `BaseSeparableConv`). */
export abstract class SeparableConv extends BaseConv {
  readonly filters: number;
  readonly depthMultiplier: number;
  readonly depthwise: WeightArgs;
  readonly pointwise: WeightArgs;
  depthwiseKernel: Variable | null = null;
  pointwiseKernel: Variable | null = null;
  private readonly spec: SeparableConvSpec;
  private readonly args: SeparableArgs;

  protected constructor(options: SeparableConvOptions, spec: SeparableConvSpec) {
    const args = resolveSeparableArgs(options, spec);
    super(options, spec.rank, args, spec.className);
    this.spec = spec;
    this.args = args;
    this.filters = args.filters;
    this.depthMultiplier = args.depthMultiplier;
    this.depthwise = { initializer: args.depthwiseInitializer, regularizer: args.depthwiseRegularizer, constraint: args.depthwiseConstraint };
    this.pointwise = { initializer: args.pointwiseInitializer, regularizer: args.pointwiseRegularizer, constraint: args.pointwiseConstraint };
    this.checkDeclaredInput();
  }

  protected outputChannels(): number {
    return this.filters;
  }

  override weightShapesFor(inputShape: SymbolicShape): number[][] {
    const channels = inputShape[this.channelAxis()] as number;
    const shapes = [
      [...this.kernelSize, channels, this.depthMultiplier],
      [...this.kernelSize.map(() => 1), channels * this.depthMultiplier, this.filters],
    ];
    return this.useBias ? [...shapes, [this.filters]] : shapes;
  }

  override build(inputShape: SymbolicShape): void {
    [this.depthwiseKernel, this.pointwiseKernel] = this.buildWeights(inputShape, [
      { name: 'depthwise_kernel', args: this.depthwise },
      { name: 'pointwise_kernel', args: this.pointwise },
    ]);
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    if (!this.depthwiseKernel || !this.pointwiseKernel) throw new ShapeError(`layer '${this.name}' used before it was built`);
    const mid = depthwiseConv(x, this.depthwiseKernel, { strides: this.strides, padding: this.padding, dilationRate: this.dilationRate, dataFormat: this.dataFormat });
    // The pointwise step is a unit-window convolution: the kernels' matrix-product fast path.
    return this.activation.apply(conv(mid, this.pointwiseKernel, { dataFormat: this.dataFormat, bias: this.bias }));
  }

  override getConfig(): Config {
    return this.convConfig(this.spec.options.toConfig(this.args));
  }
}
