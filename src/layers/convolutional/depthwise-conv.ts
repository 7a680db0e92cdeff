/**
 * Keras's `BaseDepthwiseConv`: each input channel convolved with its own `depthMultiplier` filters, of
 * any rank; `DepthwiseConv1D` and `DepthwiseConv2D` are declarations. Kernel
 * `[...kernelSize, C, depthMultiplier]`, bias `[C * depthMultiplier]`, weights `[kernel, bias]`.
 */

import type { ConstraintIdentifier } from '../../constraints/index.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { ShapeError } from '../../errors.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import type { SpatialRank } from '../../kernels/conv/params.js';
import { depthwiseConv } from '../../ops/depthwise-conv.js';
import type { EpilogueTensors } from '../../ops/windowed-op.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import { defineOptions, option } from '../options-schema.js';
import type { ResolvedOptions } from '../options-schema.js';
import type { BaseConvOptions, WeightArgs } from './base-conv.js';
import { BaseConv, checkStridesAndDilation, checkWeightCount, requireOptions, windowSchema } from './base-conv.js';

/** The options of the depthwise layers: Keras's arguments in camelCase. */
export interface DepthwiseConvOptions extends BaseConvOptions {
  /** Output channels per input channel (default 1); output channel `c * depthMultiplier + m`. */
  depthMultiplier?: number;
  /** Default 'glorot_uniform'. */
  depthwiseInitializer?: InitializerIdentifier;
  depthwiseRegularizer?: RegularizerIdentifier;
  depthwiseConstraint?: ConstraintIdentifier;
}

/** The declared options of a depthwise class of `rank` spatial axes (Keras's config order). */
export function depthwiseConvSpec(className: string, rank: SpatialRank) {
  const { kernelSize, strides, padding, dataFormat, dilationRate } = windowSchema(rank);
  const options = defineOptions<DepthwiseConvOptions>()(className, {
    depthMultiplier: option.size({ default: 1 }),
    kernelSize,
    strides,
    padding,
    dataFormat,
    dilationRate,
    activation: option.activation(),
    useBias: option.boolean(true),
    depthwiseInitializer: option.initializer('glorot_uniform'),
    biasInitializer: option.initializer('zeros'),
    depthwiseRegularizer: option.regularizer(),
    biasRegularizer: option.regularizer(),
    depthwiseConstraint: option.constraint(),
    biasConstraint: option.constraint(),
  });
  return { className, rank, options };
}

export type DepthwiseConvSpec = ReturnType<typeof depthwiseConvSpec>;
type DepthwiseArgs = ResolvedOptions<DepthwiseConvSpec['options']['schema']>;

function resolveDepthwiseArgs(options: DepthwiseConvOptions, spec: DepthwiseConvSpec): DepthwiseArgs {
  requireOptions(options, spec.className);
  const args = spec.options.resolve(options);
  checkStridesAndDilation(args, options, spec.className);
  checkWeightCount(options.weights, args.useBias ? ['depthwise_kernel', 'bias'] : ['depthwise_kernel'], spec.className);
  return args;
}

/** The depthwise convolution layer of any rank (Keras's `BaseDepthwiseConv`). */
export abstract class DepthwiseConv extends BaseConv {
  readonly depthMultiplier: number;
  readonly depthwiseInitializer: WeightArgs['initializer'];
  readonly depthwiseRegularizer: WeightArgs['regularizer'];
  readonly depthwiseConstraint: WeightArgs['constraint'];
  depthwiseKernel: Variable | null = null;
  private readonly spec: DepthwiseConvSpec;
  private readonly args: DepthwiseArgs;

  protected constructor(options: DepthwiseConvOptions, spec: DepthwiseConvSpec) {
    const args = resolveDepthwiseArgs(options, spec);
    super(options, spec.rank, args, spec.className);
    this.spec = spec;
    this.args = args;
    this.depthMultiplier = args.depthMultiplier;
    this.depthwiseInitializer = args.depthwiseInitializer;
    this.depthwiseRegularizer = args.depthwiseRegularizer;
    this.depthwiseConstraint = args.depthwiseConstraint;
    this.checkDeclaredInput();
  }

  protected outputChannels(inputChannels: number): number {
    return inputChannels * this.depthMultiplier;
  }

  override weightShapesFor(inputShape: SymbolicShape): number[][] {
    const channels = inputShape[this.channelAxis()] as number;
    const kernel = [...this.kernelSize, channels, this.depthMultiplier];
    return this.useBias ? [kernel, [channels * this.depthMultiplier]] : [kernel];
  }

  override build(inputShape: SymbolicShape): void {
    const kernel = { initializer: this.depthwiseInitializer, regularizer: this.depthwiseRegularizer, constraint: this.depthwiseConstraint };
    // Keras 3 names the depthwise kernel 'kernel' (the config and `weights` order call it depthwise).
    [this.depthwiseKernel] = this.buildWeights(inputShape, [{ name: 'kernel', args: kernel }]);
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return this.activation.apply(this.convolve(x));
  }

  /** @internal Inference with a fused per-channel epilogue (see `models/inference-fusion.ts`). */
  callFused(x: Tensor, epilogue: EpilogueTensors): Tensor {
    return this.convolve(x, epilogue);
  }

  private convolve(x: Tensor, epilogue?: EpilogueTensors): Tensor {
    if (!this.depthwiseKernel) throw new ShapeError(`layer '${this.name}' used before it was built`);
    return depthwiseConv(x, this.depthwiseKernel, {
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      dataFormat: this.dataFormat,
      bias: this.bias,
      epilogue,
    });
  }

  override getConfig(): Config {
    return this.convConfig(this.spec.options.toConfig(this.args));
  }
}
