/** The convolution classes by Keras class name, for tests driven by the Keras fixtures. */
import type { Config } from '../../../src/serialization/keras-object.js';
import type { BaseConv } from '../../../src/layers/convolutional/index.js';
import {
  Conv1D,
  Conv1DTranspose,
  Conv2D,
  Conv2DTranspose,
  Conv3D,
  Conv3DTranspose,
  DepthwiseConv1D,
  DepthwiseConv2D,
  SeparableConv1D,
  SeparableConv2D,
} from '../../../src/layers/convolutional/index.js';

export const CLASSES: Record<string, { fromConfig(config: Config): BaseConv; new (options: never): BaseConv }> = {
  Conv1D,
  Conv1DTranspose,
  Conv2D,
  Conv2DTranspose,
  Conv3D,
  Conv3DTranspose,
  DepthwiseConv1D,
  DepthwiseConv2D,
  SeparableConv1D,
  SeparableConv2D,
};

/** Keras keyword arguments (snake_case) as our camelCase options. */
export function kwargsToOptions(kwargs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}
