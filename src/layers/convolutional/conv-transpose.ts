/**
 * Keras's `BaseConvTranspose`: the transposed convolution layer (the adjoint of a convolution, used to
 * upsample) of any rank; `Conv1DTranspose`, `Conv2DTranspose` and `Conv3DTranspose` are declarations.
 * Kernel `[...kernelSize, filters, C]` (Keras's layout: filters before input channels), bias `[filters]`,
 * weights `[kernel, bias]`.
 */

import type { ConstraintIdentifier } from '../../constraints/index.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { describeValue, InvalidArgumentError, ShapeError } from '../../errors.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import type { SpatialRank } from '../../kernels/conv/params.js';
import { convTransposeOutputLength } from '../../kernels/conv/transpose.js';
import type { IntOrTuple } from '../../ops/conv-args.js';
import { convTranspose } from '../../ops/conv-transpose.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import { defineOptions, option } from '../options-schema.js';
import type { ResolvedOptions } from '../options-schema.js';
import type { BaseConvOptions, WeightArgs } from './base-conv.js';
import { BaseConv, checkStridesAndDilation, checkWeightCount, requireOptions, windowSchema } from './base-conv.js';

/** The options of the transposed convolution layers: Keras's arguments in camelCase. */
export interface ConvTransposeOptions extends BaseConvOptions {
  /** Number of output channels. Required. */
  filters: number;
  /**
   * Extra outputs at the end of each spatial axis, each strictly less than its stride. Default null:
   * Keras's default output size (`in * stride` for 'same').
   */
  outputPadding?: IntOrTuple | null;
  /** Default 'glorot_uniform'. */
  kernelInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  kernelConstraint?: ConstraintIdentifier;
}

/** The declared options of a transposed convolution class of `rank` spatial axes (Keras's config order). */
export function convTransposeSpec(className: string, rank: SpatialRank) {
  const { kernelSize, strides, padding, dataFormat, dilationRate } = windowSchema(rank);
  const options = defineOptions<ConvTransposeOptions>()(className, {
    filters: option.size({ required: true }),
    kernelSize,
    strides,
    padding,
    outputPadding: option.outputPadding(rank),
    dataFormat,
    dilationRate,
    activation: option.activation(),
    useBias: option.boolean(true),
    kernelInitializer: option.initializer('glorot_uniform'),
    biasInitializer: option.initializer('zeros'),
    kernelRegularizer: option.regularizer(),
    biasRegularizer: option.regularizer(),
    kernelConstraint: option.constraint(),
    biasConstraint: option.constraint(),
  });
  return { className, rank, options };
}

export type ConvTransposeSpec = ReturnType<typeof convTransposeSpec>;
type ConvTransposeArgs = ResolvedOptions<ConvTransposeSpec['options']['schema']>;

function resolveConvTransposeArgs(options: ConvTransposeOptions, spec: ConvTransposeSpec): ConvTransposeArgs {
  requireOptions(options, spec.className);
  const args = spec.options.resolve(options);
  checkStridesAndDilation(args, options, spec.className);
  if (args.outputPadding !== null && args.outputPadding.some((op, i) => op >= args.strides[i])) {
    throw new InvalidArgumentError('outputPadding', options.outputPadding, `values strictly less than strides ${describeValue(args.strides)}`, spec.className);
  }
  checkWeightCount(options.weights, args.useBias ? ['kernel', 'bias'] : ['kernel'], spec.className);
  return args;
}

/** The transposed convolution layer of any rank (Keras's `BaseConvTranspose`). */
export abstract class ConvTranspose extends BaseConv {
  readonly filters: number;
  readonly outputPadding: readonly number[] | null;
  readonly kernelInitializer: WeightArgs['initializer'];
  readonly kernelRegularizer: WeightArgs['regularizer'];
  readonly kernelConstraint: WeightArgs['constraint'];
  kernel: Variable | null = null;
  private readonly spec: ConvTransposeSpec;
  private readonly args: ConvTransposeArgs;

  protected constructor(options: ConvTransposeOptions, spec: ConvTransposeSpec) {
    const args = resolveConvTransposeArgs(options, spec);
    super(options, spec.rank, args, spec.className);
    this.spec = spec;
    this.args = args;
    this.filters = args.filters;
    this.outputPadding = args.outputPadding;
    this.kernelInitializer = args.kernelInitializer;
    this.kernelRegularizer = args.kernelRegularizer;
    this.kernelConstraint = args.kernelConstraint;
    this.checkDeclaredInput();
  }

  protected outputChannels(): number {
    return this.filters;
  }

  protected override outputLength(size: number, axis: number): number {
    const padding = this.padding === 'causal' ? 'same' : this.padding;
    const op = this.outputPadding ? this.outputPadding[axis] : null;
    return convTransposeOutputLength(size, this.kernelSize[axis], this.strides[axis], this.dilationRate[axis], padding, op);
  }

  override weightShapesFor(inputShape: SymbolicShape): number[][] {
    const channels = inputShape[this.channelAxis()] as number;
    const kernel = [...this.kernelSize, this.filters, channels];
    return this.useBias ? [kernel, [this.filters]] : [kernel];
  }

  override build(inputShape: SymbolicShape): void {
    const kernel = { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint };
    [this.kernel] = this.buildWeights(inputShape, [{ name: 'kernel', args: kernel }]);
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    if (!this.kernel) throw new ShapeError(`layer '${this.name}' used before it was built`);
    const y = convTranspose(x, this.kernel, {
      strides: this.strides,
      padding: this.padding === 'causal' ? 'same' : this.padding,
      outputPadding: this.outputPadding,
      dilationRate: this.dilationRate,
      dataFormat: this.dataFormat,
      bias: this.bias,
    });
    return this.activation.apply(y);
  }

  override getConfig(): Config {
    return this.convConfig(this.spec.options.toConfig(this.args));
  }
}
