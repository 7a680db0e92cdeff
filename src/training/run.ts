/**
 * One training loop for synchronous and asynchronous data. Loops are generators that yield only when
 * they need a value that is not ready (a promise from an async dataset); `runSync` drives them without
 * ever awaiting, `runAsync` awaits each yielded promise. In-memory arrays never yield, so `fit` on
 * tensors stays synchronous, as Keras's does.
 */

/** A step of a loop that may have to wait: yields promises, receives their values, returns T. */
export type Pull<T> = Generator<PromiseLike<unknown> | unknown, T, unknown>;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Drives a loop whose pulls are all immediate (arrays, synchronous iterables). */
export function runSync<T>(loop: Pull<T>): T {
  let step = loop.next();
  while (!step.done) {
    if (isThenable(step.value)) {
      throw new TypeError('this dataset is asynchronous: use `await model.fitDataset(...)` / `evaluateDataset(...)`');
    }
    step = loop.next(step.value);
  }
  return step.value;
}

export async function runAsync<T>(loop: Pull<T>): Promise<T> {
  let step = loop.next();
  while (!step.done) step = loop.next(await step.value);
  return step.value;
}
