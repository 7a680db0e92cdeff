/** Keras's functional `Model`: a graph of layer calls from symbolic inputs to symbolic outputs. */

import { isRecording } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { CallOptions, SymbolicTensor } from '../layers/layer.js';
import type { Layer } from '../layers/layer.js';
import { InputLayer } from '../layers/input-layer.js';
import { formatShape } from '../engine/shape.js';
import { matchFusedChain } from './inference-fusion.js';
import { Model } from './model.js';
import type { SummaryRow } from './summary.js';
import { assertUniqueLayerNames } from './unique-names.js';
import { isSymbolicTensor } from '../layers/layer.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

export interface FunctionalOptions {
  inputs: SymbolicTensor;
  outputs: SymbolicTensor;
  /** Default `functional`, `functional_1`, ... */
  name?: string;
}

const FUNCTIONAL_KEYS = optionKeys<FunctionalOptions>()(['inputs', 'outputs', 'name']);

/** The layer calls between inputs and outputs, each after the calls it depends on. */
function topologicalOrder(inputs: SymbolicTensor, outputs: SymbolicTensor): SymbolicTensor[] {
  const order: SymbolicTensor[] = [];
  const visited = new Set<number>();
  const visit = (t: SymbolicTensor): void => {
    if (visited.has(t.id)) return;
    visited.add(t.id);
    if (t.producer.inputs.length === 0 && t !== inputs) {
      throw new InvalidArgumentError(
        'outputs',
        t.toString(),
        `outputs computed from the model's inputs only, but it depends on another input ('${t.producer.layer.name}')`,
        'kerasModel',
      );
    }
    for (const parent of t.producer.inputs) visit(parent);
    order.push(t);
  };
  visit(outputs);
  if (!visited.has(inputs.id)) {
    throw new InvalidArgumentError('outputs', outputs.toString(), 'a tensor computed from `inputs`', 'kerasModel');
  }
  return order;
}

/**
 * A model defined by calling layers on symbolic tensors.
 *
 * @example
 * ```ts
 * const inputs = layerInput({ shape: [32, 32, 3] });
 * const outputs = layerDepthwiseConv2d(inputs, { kernelSize: 3, padding: 'same' });
 * const model = kerasModel({ inputs, outputs });
 * ```
 */
export class Functional extends Model {
  readonly className: string = 'Functional';
  private readonly inputTensor: SymbolicTensor;
  private readonly outputTensor: SymbolicTensor;
  private readonly steps: SymbolicTensor[];
  private soleConsumerCache: Map<number, SymbolicTensor> | null = null;

  constructor(options: FunctionalOptions) {
    checkOptions(options, FUNCTIONAL_KEYS, 'kerasModel', { required: true });
    if (!isSymbolicTensor(options.inputs) || !(options.inputs.producer.layer instanceof InputLayer)) {
      throw new InvalidArgumentError('inputs', options.inputs, 'a SymbolicTensor returned by layerInput()', 'kerasModel');
    }
    if (!isSymbolicTensor(options.outputs)) {
      throw new InvalidArgumentError('outputs', options.outputs, 'a SymbolicTensor computed from `inputs`', 'kerasModel');
    }
    const steps = topologicalOrder(options.inputs, options.outputs);
    assertUniqueLayerNames(uniqueLayers(steps), 'kerasModel');
    super({ name: options.name }, 'Functional');
    this.inputTensor = options.inputs;
    this.outputTensor = options.outputs;
    this.steps = steps;
    this.built = true;
  }

  get layers(): Layer[] {
    return uniqueLayers(this.steps);
  }

  get input(): SymbolicTensor {
    return this.inputTensor;
  }

  get output(): SymbolicTensor {
    return this.outputTensor;
  }

  protected override assertInputCompatible(inputShape: readonly (number | null)[]): void {
    const expected = this.inputTensor.shape;
    const fits = inputShape.length === expected.length && expected.every((d, i) => d === null || d === inputShape[i]);
    if (!fits) {
      throw new ShapeError(
        `Input of model '${this.name}' is incompatible: expected shape ${formatShape(expected)}, but received input with shape ${formatShape(inputShape)}`,
      );
    }
  }

  /** The graph fixes every non-batch dimension, so only the batch size comes from `inputShape`. */
  override computeOutputShape(inputShape: readonly (number | null)[]): (number | null)[] {
    this.assertInputCompatible(inputShape);
    return [inputShape[0], ...this.outputTensor.shape.slice(1)];
  }

  protected call(x: Tensor, options: CallOptions): Tensor {
    const inference = options.training !== true && !isRecording();
    const values = new Map<number, Tensor>([[this.inputTensor.id, x]]);
    const fusedAway = new Set<number>();
    for (const step of this.steps) {
      if (step === this.inputTensor || fusedAway.has(step.id)) continue;
      const inputs = step.producer.inputs.map((t) => values.get(t.id));
      if (!inputs.every((t) => t !== undefined)) {
        throw new ShapeError(`model '${this.name}': layer '${step.producer.layer.name}' has no computed input`);
      }
      const computed = inputs as Tensor[];
      if (inference && !step.producer.listInput) {
        // Conv → BatchNormalization → ReLU runs as one fused kernel call when no one else reads the
        // intermediate outputs.
        const chainSteps = this.soleConsumerChain(step);
        const chain = matchFusedChain(chainSteps.map((t) => t.producer.layer), computed[0]);
        if (chain !== null) {
          const last = chainSteps[chain.length - 1];
          for (const skipped of chainSteps.slice(1, chain.length)) fusedAway.add(skipped.id);
          values.set(last.id, chain.run(computed[0]));
          continue;
        }
      }
      values.set(step.id, step.producer.layer.apply(step.producer.listInput ? computed : computed[0], options));
    }
    return values.get(this.outputTensor.id) as Tensor;
  }

  /** `step` followed by up to three steps that each are the only reader of the previous one's output. */
  private soleConsumerChain(step: SymbolicTensor): SymbolicTensor[] {
    const chain = [step];
    for (let current = step; chain.length < 4; ) {
      const next = this.soleConsumers.get(current.id);
      if (next === undefined) break;
      chain.push(next);
      current = next;
    }
    return chain;
  }

  /** For each step output read by exactly one single-input step (and not the model output): that step. */
  private get soleConsumers(): Map<number, SymbolicTensor> {
    if (this.soleConsumerCache !== null) return this.soleConsumerCache;
    const readers = new Map<number, SymbolicTensor[]>();
    for (const step of this.steps) {
      for (const input of step.producer.inputs) readers.set(input.id, [...(readers.get(input.id) ?? []), step]);
    }
    const sole = new Map<number, SymbolicTensor>();
    for (const [id, list] of readers) {
      if (list.length === 1 && id !== this.outputTensor.id && list[0].producer.inputs.length === 1 && !list[0].producer.listInput) {
        sole.set(id, list[0]);
      }
    }
    this.soleConsumerCache = sole;
    return sole;
  }

  protected summaryRows(): SummaryRow[] {
    return this.steps.map((t) => ({ layer: t.producer.layer, outputShape: t.shape }));
  }
}

function uniqueLayers(steps: readonly SymbolicTensor[]): Layer[] {
  return [...new Set(steps.map((t) => t.producer.layer))];
}

/**
 * Builds a functional model from an input and an output placeholder (Keras's `keras_model`).
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
