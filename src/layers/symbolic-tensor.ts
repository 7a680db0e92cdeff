/**
 * A placeholder for a tensor in a model graph (Keras's `KerasTensor`): a shape with `null` for unknown
 * dimensions, a dtype, and the layer call that produces it. Applying a layer to one records the call and
 * returns the next placeholder; `kerasModel` later replays the recorded calls on real tensors.
 */

import type { FloatDType } from '../engine/dtype.js';
import { formatShape } from '../engine/shape.js';
import type { Layer } from './layer.js';

export type SymbolicShape = readonly (number | null)[];

/** The recorded call that produced a symbolic tensor. */
export interface LayerCall {
  readonly layer: Layer;
  readonly inputs: readonly SymbolicTensor[];
  /** Whether the layer was given an array (merge layers) rather than a single placeholder. */
  readonly listInput?: boolean;
}

let nextSymbolicId = 0;

export class SymbolicTensor {
  readonly id = nextSymbolicId++;
  readonly shape: SymbolicShape;
  readonly dtype: FloatDType;
  /** The call that produced this tensor; for a model input, the InputLayer's call with no inputs. */
  readonly producer: LayerCall;

  constructor(shape: SymbolicShape, dtype: FloatDType, producer: LayerCall) {
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.producer = producer;
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `<SymbolicTensor shape=${formatShape(this.shape)}, dtype=${this.dtype}, source=${this.producer.layer.name}>`;
  }
}

export function isSymbolicTensor(value: unknown): value is SymbolicTensor {
  return value instanceof SymbolicTensor;
}
