/**
 * The progress bar `fit` prints, a port of `keras.utils.Progbar` (Keras 3.15) that writes the same
 * characters: the bold `n/N` counter, a 20-cell bar of '━' (green done, white to do), ETA or elapsed time,
 * time per step and the metric values.
 */

import { InvalidArgumentError } from '../errors.js';
import type { Writer } from './callbacks/callback.js';
import { defaultWriter } from './callbacks/callback.js';
import { formatExponential, formatFixed } from '../utils/python-format.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

/** Options of {@link Progbar}; all optional, defaults as `keras.utils.Progbar`. */
export interface ProgbarOptions {
  /** Bar width in cells. Default 20. */
  width?: number;
  /** 0 silent, 1 the live bar, 2 one line when finished. Default 1. */
  verbose?: 0 | 1 | 2;
  /** Minimum seconds between two redraws of the live bar (the final one always draws). Default 0.05. */
  interval?: number;
  /** Metrics shown as given rather than averaged over steps. Give this or `statelessMetrics`, not both. */
  statefulMetrics?: Iterable<string>;
  /** Only these metrics are averaged; all others are shown as given (what ProgbarLogger uses, empty). */
  statelessMetrics?: Iterable<string>;
  /** The unit in the time per unit (`ms/step`). Default 'step'. */
  unitName?: string;
  /** Where to write. Default process.stdout. */
  writer?: Writer;
  /** Clock in seconds; injectable so tests get fixed timings. Default `performance.now() / 1000`. */
  now?: () => number;
  /**
   * Redraw one line in place with '\b', '\r' and ANSI colours (Keras's dynamic display). Defaults to
   * `writer.isTTY`. When false, verbose 1 writes only the final line of the bar, without control
   * characters, so logs redirected to a file stay readable (Keras 3 on POSIX writes the control
   * sequences to files too).
   */
  dynamicDisplay?: boolean;
}

const PROGBAR_KEYS = optionKeys<ProgbarOptions>()(['width', 'verbose', 'interval', 'statefulMetrics', 'statelessMetrics', 'unitName', 'writer', 'now', 'dynamicDisplay']);

/** The pair `[name, value]` Keras's `update(current, values)` takes. */
export type ProgbarValue = readonly [string, number];

const ANSI = /\x1b\[[0-9;]*m/g; // eslint-disable-line no-control-regex -- matching ANSI escapes is the point

/** Python's `%d` on a float: truncation toward zero. */
function pyInt(x: number): string {
  const t = Math.trunc(x);
  return String(t === 0 ? 0 : t);
}

/** Python's `int(math.log10(target)) + 1` for the counter width, computed on digits to avoid log10 error. */
function digitCount(target: number): number {
  return pyInt(target).replace('-', '').length;
}

/**
 * A text progress bar, as `keras.utils.Progbar`.
 *
 * @example
 * ```ts
 * const bar = new Progbar(4);
 * for (let step = 1; step <= 4; step++) bar.update(step, [['loss', 0.5]]);
 * // 4/4 ━━━━━━━━━━━━━━━━━━━━ 0s 3ms/step - loss: 0.5000
 * ```
 */
export class Progbar {
  target: number | null;
  readonly width: number;
  readonly verbose: 0 | 1 | 2;
  readonly interval: number;
  readonly unitName: string;
  private readonly statefulMetrics: Set<string> | null;
  private readonly statelessMetrics: Set<string> | null;
  private readonly writer: Writer;
  private readonly now: () => number;
  private readonly dynamicDisplay: boolean;
  private seenSoFar = 0;
  private readonly values = new Map<string, [number, number]>();
  private readonly start: number;
  private lastUpdate = 0;
  private timeAfterFirstStep: number | null = null;
  private prevTotalWidth = 0;

  constructor(target: number | null, options: ProgbarOptions = {}) {
    checkOptions(options, PROGBAR_KEYS, 'Progbar');
    const { width = 20, verbose = 1, interval = 0.05, unitName = 'step' } = options;
    if (target !== null && !Number.isFinite(target)) throw new InvalidArgumentError('target', target, 'a finite number of steps or null');
    if (!Number.isInteger(width) || width < 0) throw new InvalidArgumentError('width', width, 'a non-negative integer');
    if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new InvalidArgumentError('verbose', verbose, '0, 1 or 2');
    if (typeof interval !== 'number' || !(interval >= 0)) throw new InvalidArgumentError('interval', interval, 'a non-negative number of seconds');
    if (options.statefulMetrics !== undefined && options.statelessMetrics !== undefined) {
      throw new InvalidArgumentError(
        'statelessMetrics',
        [...options.statelessMetrics],
        'to be absent when `statefulMetrics` is given (only one of the two may be provided)',
      );
    }
    this.target = target;
    this.width = width;
    this.verbose = verbose;
    this.interval = interval;
    this.unitName = unitName;
    if (options.statelessMetrics !== undefined) {
      this.statefulMetrics = null;
      this.statelessMetrics = new Set(options.statelessMetrics);
    } else {
      this.statefulMetrics = new Set(options.statefulMetrics ?? []);
      this.statelessMetrics = null;
    }
    this.writer = options.writer ?? defaultWriter();
    this.now = options.now ?? (() => performance.now() / 1000);
    this.dynamicDisplay = options.dynamicDisplay ?? this.writer.isTTY === true;
    this.start = this.now();
  }

  /**
   * Records step `current` (1-based count of steps done) with the last step's metric values and redraws.
   * `finalize` defaults to `current >= target`.
   */
  update(current: number, values: readonly ProgbarValue[] = [], finalize?: boolean): void {
    const final = finalize ?? (this.target === null ? false : current >= this.target);
    for (const [key, value] of values) {
      const stateless = this.statefulMetrics !== null ? !this.statefulMetrics.has(key) : this.statelessMetrics!.has(key);
      const entry = this.values.get(key);
      if (stateless && !final) {
        // Weight the value by the steps it covers so the running mean is per step (as Keras).
        const base = Math.max(current - this.seenSoFar, 1);
        if (entry === undefined) this.values.set(key, [value * base, base]);
        else {
          entry[0] += value * base;
          entry[1] += base;
        }
      } else if (entry === undefined) {
        this.values.set(key, [value, 1]);
      } else {
        // Keep the insertion order of the first appearance (Keras's _values_order).
        entry[0] = value;
        entry[1] = 1;
      }
    }
    this.seenSoFar = current;
    const now = this.now();
    const timePerUnit = this.estimateStepDuration(current, now);

    if (this.verbose === 1) {
      if (now - this.lastUpdate < this.interval && !final) return;
      if (this.dynamicDisplay) this.drawDynamic(current, now, timePerUnit, final);
      else if (final) this.writer.write(`${this.line(current, now, timePerUnit, final).text.replace(ANSI, '')}\n`);
    } else if (this.verbose === 2) {
      if (final && this.target !== null && this.target > 0) {
        const count = `${pyInt(current).padStart(digitCount(this.target))}/${pyInt(this.target)}`;
        let info = `${count} - ${formatFixed(now - this.start, 0)}s -${formatTime(timePerUnit, this.unitName)}`;
        for (const [key, [sum, count_]] of this.values) {
          const avg = sum / Math.max(1, count_);
          // Keras's verbose-2 line tests `avg > 1e-3` without abs(), so negatives print in e-notation.
          info += ` - ${key}: ${avg > 1e-3 ? formatFixed(avg, 4) : formatExponential(avg, 4)}`;
        }
        this.writer.write(`${info}\n`);
      }
    }
    this.lastUpdate = now;
  }

  /** Advances by `n` steps, as Keras's `add`. */
  add(n: number, values: readonly ProgbarValue[] = []): void {
    this.update(this.seenSoFar + n, values);
  }

  private drawDynamic(current: number, now: number, timePerUnit: number, final: boolean): void {
    const { text, width } = this.line(current, now, timePerUnit, final);
    let message = `${'\b'.repeat(this.prevTotalWidth)}\r${text}`;
    if (this.prevTotalWidth > width) message += ' '.repeat(this.prevTotalWidth - width);
    if (final) message += '\n';
    this.writer.write(message);
    this.prevTotalWidth = width;
  }

  /** The bar, timing and metrics of Keras's verbose-1 line, and its printed width (without ANSI codes). */
  private line(current: number, now: number, timePerUnit: number, final: boolean): { text: string; width: number } {
    const target = this.target;
    let bar: string;
    if (target !== null && target > 0) {
      bar = `\x1b[1m${pyInt(current).padStart(digitCount(target))}/${pyInt(target)}\x1b[0m `;
      const progWidth = Math.trunc((this.width * current) / target);
      if (progWidth > 0) bar += `\x1b[32m${'━'.repeat(progWidth)}\x1b[0m`;
      // A negative repeat count (current > target) prints nothing in Python; clamp for JavaScript.
      bar += `\x1b[37m${'━'.repeat(Math.max(this.width - progWidth, 0))}\x1b[0m`;
    } else {
      bar = `${pyInt(current).padStart(7)}/Unknown`;
    }
    let info: string;
    if (target !== null && target > 0 && !final) {
      const eta = timePerUnit * (target - current);
      let etaText: string;
      if (eta > 3600) etaText = `${pyInt(eta / 3600)}:${pyInt((eta % 3600) / 60).padStart(2, '0')}:${pyInt(eta % 60).padStart(2, '0')}`;
      else if (eta > 60) etaText = `${pyInt(eta / 60)}:${pyInt(eta % 60).padStart(2, '0')}`;
      else etaText = `${pyInt(eta)}s`;
      info = ` \x1b[1m${etaText}\x1b[0m`;
    } else {
      info = ` \x1b[1m${formatFixed(now - this.start, 0)}s\x1b[0m`;
    }
    info += formatTime(timePerUnit, this.unitName);
    for (const [key, [sum, count]] of this.values) {
      const avg = sum / Math.max(1, count);
      info += ` - ${key}: ${Math.abs(avg) > 1e-3 ? formatFixed(avg, 4) : formatExponential(avg, 4)}`;
    }
    const text = bar + info;
    return { text, width: text.replace(ANSI, '').length };
  }

  /** Seconds per step, ignoring the (compilation-heavy) first step once there are others, as Keras. */
  private estimateStepDuration(current: number, now: number): number {
    if (!current) return 0;
    const perUnit =
      this.timeAfterFirstStep !== null && current > 1 ? (now - this.timeAfterFirstStep) / (current - 1) : (now - this.start) / current;
    if (current === 1) this.timeAfterFirstStep = now;
    return perUnit;
  }
}

/** Keras's `_format_time`: ` 12ms/step`, ` 3s/step` or ` 250us/step`. */
function formatTime(timePerUnit: number, unitName: string): string {
  if (timePerUnit >= 1 || timePerUnit === 0) return ` ${formatFixed(timePerUnit, 0)}s/${unitName}`;
  if (timePerUnit >= 1e-3) return ` ${formatFixed(timePerUnit * 1000, 0)}ms/${unitName}`;
  return ` ${formatFixed(timePerUnit * 1e6, 0)}us/${unitName}`;
}
