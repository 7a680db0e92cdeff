/**
 * One seeded fuzzing run over the four targets, shared by the test (a few hundred mutants per format) and
 * `npm run fuzz` (thousands). It records what the brief asks of every load of a mutant: it loads or is
 * refused with a ModelFileError naming the file; nothing else is thrown; no refusal is slow; a refused
 * load into a live model changes nothing; and the process's peak memory.
 */

import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { ModelFileError } from '../../../src/io/index.js';
import { startMemoryWatch } from '../../helpers/memory.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { rng } from './mutate-bytes.js';
import type { FuzzTarget } from './targets.js';
import { fuzzTargets, writeMutant } from './targets.js';

export interface TargetFigures {
  target: string;
  mutants: number;
  loaded: number;
  refused: number;
  /** Anything thrown that is not a ModelFileError, or a ModelFileError not naming the file. */
  crashes: string[];
  /** Loads (either outcome) that took longer than the slow threshold. */
  slow: string[];
  slowestRefusalMs: number;
  slowestRefusal: string;
  slowestLoadMs: number;
  /** Refused loads after which the live model differed from before. */
  refusedButChanged: string[];
  /** The most memory one load added to the process (peak during it, less the resident size before), MB. */
  maxLoadMemoryMb: number;
  maxLoadMemory: string;
  /** Refusals by their message with numbers and paths blanked, to see what the fuzzer reaches. */
  reasons: Map<string, number>;
}

export interface CampaignOptions {
  seed: number;
  /** Mutants per target. */
  count: number;
  /** Include the 1 GiB zip bombs (seconds to build once). */
  big?: boolean;
  slowMs?: number;
  /** Only the targets with these names. */
  only?: readonly string[];
  onMutant?: (target: string, index: number) => void;
}

export interface CampaignFigures {
  targets: TargetFigures[];
  baselineRssMb: number;
  peakRssMb: number;
  seconds: number;
}

function reasonOf(message: string, label: string): string {
  return message.replace(label, '<file>').replace(/\d[\d,.]*/g, 'N').slice(0, 120);
}

async function runTarget(target: FuzzTarget, options: CampaignOptions, root: string): Promise<TargetFigures> {
  const r = rng(options.seed);
  const slowMs = options.slowMs ?? 1000;
  const figures: TargetFigures = {
    target: target.name,
    mutants: 0,
    loaded: 0,
    refused: 0,
    crashes: [],
    slow: [],
    slowestRefusalMs: 0,
    slowestRefusal: '',
    slowestLoadMs: 0,
    refusedButChanged: [],
    maxLoadMemoryMb: 0,
    maxLoadMemory: '',
    reasons: new Map(),
  };
  for (let i = 0; i < options.count; i++) {
    options.onMutant?.(target.name, i);
    const mutant = await target.mutate(r, options.big === true);
    const dir = path.join(root, String(i));
    mkdirSync(dir);
    writeMutant(dir, mutant);
    const { label, run } = target.load(dir, mutant, r);
    const before = target.fingerprint?.();
    const what = `${target.name} #${i} (${mutant.kind})`;
    const memory = startMemoryWatch();
    const started = performance.now();
    let refusal: unknown = null;
    try {
      run();
    } catch (error) {
      refusal = error;
    }
    const ms = performance.now() - started;
    const addedMb = memory();
    if (addedMb > figures.maxLoadMemoryMb) {
      figures.maxLoadMemoryMb = addedMb;
      figures.maxLoadMemory = what;
    }
    rmSync(dir, { recursive: true, force: true });
    figures.mutants += 1;
    if (ms > slowMs) figures.slow.push(`${what}: ${ms.toFixed(0)} ms`);
    if (refusal === null) {
      figures.loaded += 1;
      figures.slowestLoadMs = Math.max(figures.slowestLoadMs, ms);
      target.reset?.();
      continue;
    }
    figures.refused += 1;
    if (!(refusal instanceof ModelFileError) || !refusal.message.startsWith(label)) {
      figures.crashes.push(`${what}: ${refusal instanceof Error ? `${refusal.name}: ${refusal.message.slice(0, 300)}` : String(refusal)}`);
      continue;
    }
    const reason = reasonOf(refusal.message, label);
    figures.reasons.set(reason, (figures.reasons.get(reason) ?? 0) + 1);
    if (ms > figures.slowestRefusalMs) {
      figures.slowestRefusalMs = ms;
      figures.slowestRefusal = `${what}: ${refusal.message.slice(label.length + 2, label.length + 200)}`;
    }
    if (before !== undefined && target.fingerprint?.() !== before) {
      figures.refusedButChanged.push(`${what}: ${refusal.message.slice(0, 200)}`);
      target.reset?.();
    }
  }
  return figures;
}

/**
 * Runs `count` mutants of each target, seeded. Needs `await ioReady()` first.
 *
 * @example
 * ```ts
 * const figures = await runCampaign({ seed: 1, count: 200 });
 * ```
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignFigures> {
  const started = performance.now();
  const targets = fuzzTargets().filter((t) => options.only === undefined || options.only.includes(t.name));
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  const root = tempDir();
  const results: TargetFigures[] = [];
  let peak = baselineRssMb;
  // Mutated compile configs that do not apply load uncompiled with a warning each: thousands of lines.
  const warn = console.warn;
  console.warn = () => {};
  try {
    for (const target of targets) {
      results.push(await runTarget(target, options, root));
      peak = Math.max(peak, process.resourceUsage().maxRSS / 1024);
    }
  } finally {
    console.warn = warn;
    rmSync(root, { recursive: true, force: true });
  }
  return { targets: results, baselineRssMb, peakRssMb: peak, seconds: (performance.now() - started) / 1000 };
}
