/**
 * Reverse-mode autograd bookkeeping. While `valueAndGrads` runs, every op whose inputs depend on a watched
 * tensor appends a node to the active tape: its inputs, its output and a closure mapping the output's
 * gradient to the inputs' gradients. Ops that touch nothing watched record nothing, so inference pays only
 * a set lookup.
 */

import type { Tensor } from './tensor.js';

/**
 * Maps the gradient of an op's output to one gradient per input (`null` where none flows). `needed[k]`
 * says whether input `k` depends on a watched tensor at all: an op may skip (return null for) the
 * gradients nobody will read, such as a first convolution's gradient w.r.t. the input images.
 */
export type BackwardFn = (dy: Tensor, needed: readonly boolean[]) => readonly (Tensor | null)[];

export interface TapeNode {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly backward: BackwardFn;
}

export class Tape {
  readonly nodes: TapeNode[] = [];
  private readonly tracked = new Set<number>();

  watch(t: Tensor): void {
    this.tracked.add(t.id);
  }

  isTracked(t: Tensor): boolean {
    return this.tracked.has(t.id);
  }

  /** Records the op if any input is tracked, and then marks its output tracked. */
  record(inputs: readonly Tensor[], output: Tensor, backward: BackwardFn): void {
    if (!inputs.some((t) => this.tracked.has(t.id))) return;
    this.tracked.add(output.id);
    this.nodes.push({ inputs, output, backward });
  }
}

const activeTapes: Tape[] = [];
let pauseDepth = 0;

/** Called by every differentiable op after computing `output`. */
export function recordOp(inputs: readonly Tensor[], output: Tensor, backward: BackwardFn): void {
  if (pauseDepth > 0) return;
  for (const tape of activeTapes) tape.record(inputs, output, backward);
}

export function isRecording(): boolean {
  return pauseDepth === 0 && activeTapes.length > 0;
}

export function withTape<T>(tape: Tape, fn: () => T): T {
  activeTapes.push(tape);
  try {
    return fn();
  } finally {
    activeTapes.splice(activeTapes.lastIndexOf(tape), 1);
  }
}

/** Runs `fn` without recording: gradient computations and weight updates. */
export function noGrad<T>(fn: () => T): T {
  pauseDepth++;
  try {
    return fn();
  } finally {
    pauseDepth--;
  }
}
