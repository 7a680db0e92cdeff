/**
 * Training data: in-memory tensors cut into (optionally shuffled) batches, or a user's iterable of
 * batches. Batches are pulled through a generator so that one loop serves synchronous arrays and
 * asynchronous datasets alike (see `run.ts`).
 */

import type { Random } from '../engine/random.js';
import { formatShape } from '../engine/shape.js';
import type { Tensor, TensorLike } from '../engine/tensor.js';
import { isTensor, tensor, tensorWithShape } from '../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { gatherRows } from '../ops/slice.js';
import type { Pull } from './run.js';

/** One batch: a tensor per model input and per model output, all with the same number of samples. */
export interface Batch {
  x: Tensor[];
  y: Tensor[];
  /**
   * Per-sample weights `[N]` for each output (from `sampleWeight` or `classWeight`), when given; one tensor
   * given for every output appears once per output.
   */
  sampleWeight?: Tensor[];
}

/** One input's (or target's) data: a tensor, nested arrays, or a flat typed array. */
export type DataLike = Tensor | TensorLike;

/**
 * What `fit`/`evaluate`/`predict` accept for the inputs (or targets) of a model: one input's data, an array
 * with one entry per input, or an object keyed by input name (Keras's list and dict forms).
 */
export type ModelData = DataLike | readonly DataLike[] | Readonly<Record<string, DataLike>>;

/** Sample weights: one per sample for all outputs, or per output as an array or by output name. */
export type SampleWeightData = DataLike | readonly (DataLike | null)[] | Readonly<Record<string, DataLike>>;

/** A source of batches for one pass (epoch); `null` marks its end. */
export interface BatchSource {
  /** Batches per pass, when known (drives the progress bar). */
  readonly steps: number | null;
  startPass(): void;
  nextBatch(): Pull<Batch | null>;
  /**
   * Called once the step that used `batch` is done: frees the tensors the source created for it (never
   * the user's own), so a long `fit` holds one batch at a time without waiting for garbage collection.
   */
  release(batch: Batch): void;
}

/**
 * Converts user data to a tensor. A flat typed array or list is reshaped to `[N, ...sampleShape]` when
 * the sample shape is known (the model's input shape for x), else to `[N]` or `[N, k]` for targets.
 */
export function toTensor(value: DataLike, argument: string, sampleShape: readonly (number | null)[] | null, count?: number): Tensor {
  if (isTensor(value)) return value;
  if (ArrayBuffer.isView(value) || (Array.isArray(value) && !Array.isArray(value[0]))) {
    const flat = tensor(value as TensorLike);
    const known = sampleShape && sampleShape.every((d): d is number => d !== null) ? sampleShape : null;
    if (known) {
      const size = known.reduce((a, b) => a * b, 1);
      if (flat.size % size !== 0) {
        throw new InvalidArgumentError(argument, `${flat.size} values`, `a multiple of the sample size ${size} (sample shape ${formatShape(known)})`);
      }
      return tensorWithShape(flat, [flat.size / size, ...known]);
    }
    if (count !== undefined && count > 0 && flat.size !== count) {
      if (flat.size % count !== 0) throw new InvalidArgumentError(argument, `${flat.size} values`, `a multiple of the ${count} samples`);
      return tensorWithShape(flat, [count, flat.size / count]);
    }
    return flat;
  }
  if (Array.isArray(value)) return tensor(value);
  throw new InvalidArgumentError(argument, value, 'a Tensor, nested arrays of numbers, or a typed array');
}

/** Rows `indices` of a tensor along its first axis, copied into a new tensor. */
export function takeRows(t: Tensor, indices: ArrayLike<number>): Tensor {
  return gatherRows(t, indices);
}

/** Checks that every input and target holds the same number of samples, naming the shapes otherwise. */
export function assertSameSamples(batch: Batch): void {
  const all = [...batch.x.map((t, i) => ['x', i, t] as const), ...batch.y.map((t, i) => ['y', i, t] as const)];
  const n = batch.x[0]?.shape[0];
  const several = batch.x.length > 1 || batch.y.length > 1;
  if (all.every(([, , t]) => t.rank > 0 && t.shape[0] === n)) return;
  const describe = all.map(([k, i, t]) => `${several ? `${k}[${i}]` : k} has shape ${formatShape(t.shape)}`).join(', ');
  throw new ShapeError(`x and y must have the same number of samples (first dimension), but ${describe}`);
}

/** The number of samples of a batch. */
export function sampleCount(batch: Batch): number {
  return batch.x[0].shape[0];
}

/** Rows `indices` of every tensor of a batch (a tensor shared between outputs stays shared). */
export function batchRows(batch: Batch, indices: ArrayLike<number>): Batch {
  const taken = new Map<Tensor, Tensor>();
  const rows = (t: Tensor): Tensor => {
    let r = taken.get(t);
    if (r === undefined) taken.set(t, (r = takeRows(t, indices)));
    return r;
  };
  const result: Batch = { x: batch.x.map(rows), y: batch.y.map(rows) };
  if (batch.sampleWeight) result.sampleWeight = batch.sampleWeight.map(rows);
  return result;
}

/** Every distinct tensor of a batch. */
export function batchTensors(batch: Batch): Set<Tensor> {
  return new Set([...batch.x, ...batch.y, ...(batch.sampleWeight ?? [])]);
}

/** Frees every tensor of a batch. */
function disposeBatch(batch: Batch): void {
  for (const t of batchTensors(batch)) t.dispose();
}

/** Keras's validation_split: the last fraction of the samples, taken before any shuffling. */
export function splitValidation(samples: Batch, fraction: number): { train: Batch; validation: Batch } {
  if (!(typeof fraction === 'number' && fraction > 0 && fraction < 1)) {
    throw new InvalidArgumentError('validationSplit', fraction, 'a number strictly between 0 and 1');
  }
  const n = sampleCount(samples);
  const splitAt = Math.floor(n * (1 - fraction));
  if (splitAt === 0 || splitAt === n) {
    throw new InvalidArgumentError('validationSplit', fraction, `a fraction leaving samples on both sides of the split (the data has ${n} samples)`);
  }
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  return { train: batchRows(samples, range(0, splitAt)), validation: batchRows(samples, range(splitAt, n)) };
}

/** In-memory samples in batches of `batchSize`, reshuffled at the start of each pass when asked. */
export class ArraySource implements BatchSource {
  readonly steps: number;
  private order: Int32Array;
  private position = 0;

  constructor(
    private readonly data: Batch,
    private readonly batchSize: number,
    private readonly rng: Random | null,
  ) {
    const n = sampleCount(data);
    this.steps = Math.ceil(n / batchSize);
    this.order = Int32Array.from({ length: n }, (_, i) => i);
  }

  startPass(): void {
    this.position = 0;
    if (this.rng) {
      // Fisher–Yates from the seeded generator, so `setRandomSeed` makes runs repeat exactly.
      for (let i = this.order.length - 1; i > 0; i--) {
        const j = Math.floor(this.rng.nextDouble() * (i + 1));
        const t = this.order[i];
        this.order[i] = this.order[j];
        this.order[j] = t;
      }
    }
  }

  // A synchronous source: the generator returns without yielding.
  // eslint-disable-next-line require-yield
  *nextBatch(): Pull<Batch | null> {
    if (this.position >= this.order.length) return null;
    const indices = this.order.subarray(this.position, this.position + this.batchSize);
    this.position += indices.length;
    return batchRows(this.data, indices);
  }

  release(batch: Batch): void {
    disposeBatch(batch);
  }
}

/** What a dataset yields: `[x, y]` or `[x, y, sampleWeight]` pairs, or `{ x, y, sampleWeight? }` objects. */
export type DatasetBatch =
  | readonly [ModelData, ModelData]
  | readonly [ModelData, ModelData, SampleWeightData]
  | { x: ModelData; y: ModelData; sampleWeight?: SampleWeightData };
export type Dataset = AsyncIterable<DatasetBatch> | Iterable<DatasetBatch>;

export function isDataset(value: unknown): value is Dataset {
  if (value === null || typeof value !== 'object' || isTensor(value) || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  return Symbol.asyncIterator in value || Symbol.iterator in value;
}

/**
 * Turns one dataset item's `x`, `y` and sample weights into a batch for the model; `created` lists the
 * tensors it made from the user's arrays (the user's own tensors are never disposed).
 */
export type BatchMaker = (x: unknown, y: unknown, sampleWeight: unknown) => { batch: Batch; created: Tensor[] };

/** A user's (async) iterable of batches; a fresh iterator per pass, at most `steps` batches when given. */
export class DatasetSource implements BatchSource {
  private iterator: AsyncIterator<DatasetBatch> | Iterator<DatasetBatch> | null = null;
  private taken = 0;
  private readonly created = new Set<Tensor>();

  constructor(
    private readonly dataset: Dataset,
    readonly steps: number | null,
    private readonly makeBatch: BatchMaker,
  ) {}

  startPass(): void {
    this.taken = 0;
    this.iterator = Symbol.asyncIterator in this.dataset ? this.dataset[Symbol.asyncIterator]() : this.dataset[Symbol.iterator]();
  }

  *nextBatch(): Pull<Batch | null> {
    if (!this.iterator || (this.steps !== null && this.taken >= this.steps)) return null;
    const result = (yield this.iterator.next()) as IteratorResult<DatasetBatch>;
    if (result.done) return null;
    this.taken++;
    const item = result.value;
    const [xs, ys, ws] = Array.isArray(item)
      ? (item as readonly unknown[])
      : [(item as { x: unknown }).x, (item as { y: unknown }).y, (item as { sampleWeight?: unknown }).sampleWeight];
    const { batch, created } = this.makeBatch(xs, ys, ws);
    for (const t of created) this.created.add(t);
    return batch;
  }

  release(batch: Batch): void {
    for (const t of batchTensors(batch)) {
      if (this.created.delete(t)) t.dispose();
    }
  }
}

/** Per-sample weights as a float tensor `[samples]` (a `[samples, 1]` tensor is accepted too). */
export function sampleWeightTensor(value: DataLike, samples: number): Tensor {
  const w = toTensor(value, 'sampleWeight', null, samples);
  const ok = w.rank >= 1 && w.shape[0] === samples && w.size === samples && w.dtype !== 'int32';
  if (!ok) {
    throw new ShapeError(`sampleWeight must hold one float weight per sample (${samples}); received shape ${formatShape(w.shape)} (${w.dtype})`);
  }
  return w.rank === 1 ? w : tensorWithShape(w, [samples]);
}

/** Keras's class weights: class index → weight (classes not listed weigh 1). */
export type ClassWeight = Readonly<Record<number, number>> | ReadonlyMap<number, number>;

/**
 * Keras's `class_weight_to_sample_weights`: each sample weighs its class's weight, the class being the
 * label (integer labels, `[N]` or `[N, 1]`) or the argmax of a one-hot row.
 */
export function classWeightToSampleWeight(y: Tensor, classWeight: ClassWeight, context: string): Tensor {
  const table = classWeight instanceof Map ? classWeight : new Map(Object.entries(classWeight).map(([k, v]) => [Number(k), v] as const));
  for (const [k, v] of table) {
    if (!Number.isInteger(k) || k < 0 || typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidArgumentError('classWeight', Object.fromEntries(table), 'an object mapping class indices (integers ≥ 0) to finite weights', context);
    }
  }
  const n = y.shape[0];
  const width = y.rank > 1 ? y.size / n : 1;
  const labels = y.dataSync();
  const weights = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let label = labels[i * width];
    if (width > 1) {
      // One-hot rows: the index of the first maximum, as numpy's argmax.
      let best = label;
      label = 0;
      for (let j = 1; j < width; j++) {
        if (labels[i * width + j] > best) {
          best = labels[i * width + j];
          label = j;
        }
      }
    }
    weights[i] = table.get(Math.round(label)) ?? 1;
  }
  return tensor(weights, [n]);
}
