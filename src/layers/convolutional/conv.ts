/**
 * Keras's `BaseConv`: the grouped convolution layer of any rank, of which `Conv1D`, `Conv2D` and
 * `Conv3D` are declarations (class name, rank, paddings). Kernel `[...kernelSize, C / groups, filters]`,
 * bias `[filters]`, weights in the order `[kernel, bias]`.
 */

import type { ConstraintIdentifier } from '../../constraints/index.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { formatShape } from '../../engine/shape.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import type { ExplicitPadding, SpatialRank } from '../../kernels/conv/params.js';
import { conv } from '../../ops/conv.js';
import type { EpilogueTensors } from '../../ops/windowed-op.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import { defineOptions, option } from '../options-schema.js';
import type { ResolvedOptions } from '../options-schema.js';
import type { BaseConvOptions, ConvPadding, WeightArgs } from './base-conv.js';
import { BaseConv, checkStridesAndDilation, checkWeightCount, requireOptions, windowSchema } from './base-conv.js';

/** The options of `Conv1D` / `Conv2D` / `Conv3D`: Keras's arguments in camelCase. */
export interface ConvOptions extends BaseConvOptions {
  /** Number of output channels. Required; divisible by `groups`. */
  filters: number;
  /** Default 1: channels and filters split into this many independent convolutions. */
  groups?: number;
  /** Default 'glorot_uniform'. */
  kernelInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  kernelConstraint?: ConstraintIdentifier;
}

/** The declared options of a grouped convolution class of `rank` spatial axes (Keras's config order). */
export function convSpec(className: string, rank: SpatialRank, paddings: readonly ConvPadding[] = ['valid', 'same']) {
  const { kernelSize, strides, padding, dataFormat, dilationRate } = windowSchema(rank, paddings);
  const options = defineOptions<ConvOptions>()(className, {
    filters: option.size({ required: true }),
    kernelSize,
    strides,
    padding,
    dataFormat,
    dilationRate,
    groups: option.size({ default: 1 }),
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

export type ConvSpec = ReturnType<typeof convSpec>;
type ConvArgs = ResolvedOptions<ConvSpec['options']['schema']>;

/** Validates every argument before the layer exists, so a bad call leaves nothing behind. */
function resolveConvArgs(options: ConvOptions, spec: ConvSpec): ConvArgs {
  requireOptions(options, spec.className);
  const args = spec.options.resolve(options);
  checkStridesAndDilation(args, options, spec.className);
  if (args.filters % args.groups !== 0) {
    throw new InvalidArgumentError('groups', options.groups, `a divisor of filters (${args.filters})`, spec.className);
  }
  checkWeightCount(options.weights, args.useBias ? ['kernel', 'bias'] : ['kernel'], spec.className);
  return args;
}

/** The grouped convolution layer of any rank (Keras's `BaseConv`); use `Conv1D`, `Conv2D` or `Conv3D`. */
export abstract class Conv extends BaseConv {
  readonly filters: number;
  readonly groups: number;
  readonly kernelInitializer: WeightArgs['initializer'];
  readonly kernelRegularizer: WeightArgs['regularizer'];
  readonly kernelConstraint: WeightArgs['constraint'];
  kernel: Variable | null = null;
  private readonly spec: ConvSpec;
  private readonly args: ConvArgs;

  protected constructor(options: ConvOptions, spec: ConvSpec) {
    const args = resolveConvArgs(options, spec);
    super(options, spec.rank, args, spec.className);
    this.spec = spec;
    this.args = args;
    this.filters = args.filters;
    this.groups = args.groups;
    this.kernelInitializer = args.kernelInitializer;
    this.kernelRegularizer = args.kernelRegularizer;
    this.kernelConstraint = args.kernelConstraint;
    this.checkDeclaredInput();
  }

  protected outputChannels(): number {
    return this.filters;
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    super.assertInputCompatible(inputShape);
    const channels = inputShape[this.channelAxis()] as number;
    if (channels % this.groups !== 0) {
      throw new ShapeError(
        `Layer '${this.name}': the number of input channels must be evenly divisible by the number of groups; received groups=${this.groups}, but the input has ${channels} channels (full input shape ${formatShape(inputShape)})`,
      );
    }
  }

  override weightShapesFor(inputShape: SymbolicShape): number[][] {
    const channels = inputShape[this.channelAxis()] as number;
    const kernel = [...this.kernelSize, channels / this.groups, this.filters];
    return this.useBias ? [kernel, [this.filters]] : [kernel];
  }

  override build(inputShape: SymbolicShape): void {
    const kernel = { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint };
    [this.kernel] = this.buildWeights(inputShape, [{ name: 'kernel', args: kernel }]);
  }

  /** Conv1D 'causal': pad `(k - 1) * d` before the steps only, so output t never sees inputs after t. */
  private opPadding(): ExplicitPadding | 'valid' | 'same' {
    if (this.padding !== 'causal') return this.padding;
    return [[(this.kernelSize[0] - 1) * this.dilationRate[0], 0]];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return this.activation.apply(this.convolve(x));
  }

  /** @internal Inference with a fused per-channel epilogue (see `models/inference-fusion.ts`). */
  callFused(x: Tensor, epilogue: EpilogueTensors): Tensor {
    return this.convolve(x, epilogue);
  }

  private convolve(x: Tensor, epilogue?: EpilogueTensors): Tensor {
    if (!this.kernel) throw new ShapeError(`layer '${this.name}' used before it was built`);
    return conv(x, this.kernel, {
      strides: this.strides,
      dilationRate: this.dilationRate,
      padding: this.opPadding(),
      dataFormat: this.dataFormat,
      groups: this.groups,
      bias: this.bias,
      epilogue,
    });
  }

  override getConfig(): Config {
    return this.convConfig(this.spec.options.toConfig(this.args));
  }
}
