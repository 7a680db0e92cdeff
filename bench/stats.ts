/** Timing loop and robust summary statistics. */

export interface Summary {
  reps: number;
  medianMs: number;
  q1Ms: number;
  q3Ms: number;
  /** Interquartile range, ms. */
  iqrMs: number;
  minMs: number;
  maxMs: number;
  /** True when the first (cold) run was counted as a sample because each run takes seconds. */
  countedWarmup?: boolean;
}

/** Linear-interpolated quantile of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  return {
    reps: sorted.length,
    medianMs: quantile(sorted, 0.5),
    q1Ms: q1,
    q3Ms: q3,
    iqrMs: q3 - q1,
    minMs: sorted[0],
    maxMs: sorted[sorted.length - 1],
  };
}

export interface TimingOptions {
  warmup: number;
  minReps: number;
  maxReps: number;
  /** Stop adding repetitions once this much time was measured (after `minReps`). */
  budgetMs: number;
  /** Timed runs for a case whose single run exceeds the budget (default 3). */
  slowReps?: number;
  /**
   * A warm-up run longer than this counts as the first sample (default: never). At seconds per run,
   * JIT warm-up is noise, and a second untimed run of tfjs-cpu's training step would cost a minute.
   */
  countWarmupAboveMs?: number;
}

/** Warm-up runs, then timed repetitions (each timed alone) until the budget or `maxReps` is reached. */
export async function measure(run: () => void | Promise<void>, options: TimingOptions): Promise<Summary> {
  let minReps = options.minReps;
  const samples: number[] = [];
  for (let i = 0; i < options.warmup; i++) {
    const t0 = performance.now();
    await run();
    const dt = performance.now() - t0;
    // A run slower than the whole budget (tfjs-cpu's kernel gradient takes seconds): one warm-up and
    // a few timed runs are enough to place it, and keep the full benchmark within minutes.
    if (dt > options.budgetMs) {
      minReps = Math.min(minReps, options.slowReps ?? 3);
      if (dt > (options.countWarmupAboveMs ?? Number.POSITIVE_INFINITY)) samples.push(dt);
      break;
    }
  }
  const countedWarmup = samples.length > 0;
  let total = samples.reduce((a, b) => a + b, 0);
  while (samples.length < options.maxReps && (samples.length < minReps || total < options.budgetMs)) {
    const t0 = performance.now();
    const pending = run();
    if (pending !== undefined) await pending;
    const dt = performance.now() - t0;
    samples.push(dt);
    total += dt;
  }
  return countedWarmup ? { ...summarize(samples), countedWarmup } : summarize(samples);
}
