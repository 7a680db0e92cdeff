/**
 * `npm run bench` — depthwise convolution kernels of this library against its JavaScript peers, all in
 * this one process, single-threaded: @tensorflow/tfjs-backend-cpu, @tensorflow/tfjs-backend-wasm (XNNPACK,
 * SIMD, 1 thread) and onnxruntime-node (native, 1 intra-op thread). Peers that are not installed are left
 * out with a note.
 *
 * For each case: every implementation is prepared (inputs allocated where it wants them), warmed up, then
 * timed alone per repetition; the report gives the median, the interquartile range and the ratio
 * `peer median / ours-wasm median` (> 1: ours is faster). Every implementation's result is checked against
 * the TypeScript kernels. The JSON result goes to bench/results/latest.json (or `--out FILE`).
 *
 * Flags: --quick (few cases, few repetitions: a smoke run), --filter TEXT (case ids containing TEXT),
 * --out FILE, --budget MS (timed time per case and implementation).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { depthwiseConv2dSizes, resolveDepthwiseConv2dParams } from '../src/kernels/depthwise-conv2d/index.js';
import type { BenchCase } from './cases.js';
import { benchCases } from './cases.js';
import { onnxruntimeImplementations } from './peers/onnxruntime.js';
import { loadOursWasm, oursTypescript, oursWasm, oursWasmCopy } from './peers/ours.js';
import { tfjsImplementations } from './peers/tfjs.js';
import type { CaseData, Implementation } from './peers/types.js';
import type { Summary, TimingOptions } from './stats.js';
import { measure } from './stats.js';

interface Args {
  quick: boolean;
  filter: string | null;
  out: string;
  budgetMs: number | null;
}

function parseArgs(argv: readonly string[]): Args {
  const here = dirname(fileURLToPath(import.meta.url));
  const args: Args = { quick: false, filter: null, out: resolve(here, 'results/latest.json'), budgetMs: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--filter') args.filter = argv[++i];
    else if (a === '--out') args.out = resolve(argv[++i]);
    else if (a === '--budget') args.budgetMs = Number(argv[++i]);
    else if (a === '--') continue;
    else throw new Error(`bench: unknown argument ${a}`);
  }
  return args;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

function caseData(c: BenchCase, seed: number): CaseData {
  const params = resolveDepthwiseConv2dParams([c.batch, c.height, c.width, c.channels], [c.kernel, c.kernel, c.channels, 1], {
    strides: [c.stride, c.stride],
    dilationRate: [c.dilation, c.dilation],
    padding: 'same',
    dataFormat: 'channels_last',
  });
  const sizes = depthwiseConv2dSizes(params);
  const rng = seeded(seed);
  const fill = (n: number): Float32Array => Float32Array.from({ length: n }, rng);
  return { c, params, x: fill(sizes.input), kernel: fill(sizes.kernel), dy: fill(sizes.output) };
}

/** max |a - ref| / max(1, max |ref|): the relative error of a whole result. */
function relativeError(a: Float32Array, ref: Float32Array): number {
  if (a.length !== ref.length) return Number.POSITIVE_INFINITY;
  let err = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return err / scale;
}

interface ImplResult extends Summary {
  gmacPerSecond: number;
  relativeError: number;
}

interface CaseResult extends BenchCase {
  results: Record<string, ImplResult | { error: string }>;
  /** `median(impl) / median(ours-wasm)` for every other implementation. */
  ratios: Record<string, number>;
}

const BASELINE = 'ours-wasm';

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}

function geomean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const timing: TimingOptions = args.quick
    ? { warmup: 1, minReps: 3, maxReps: 5, budgetMs: args.budgetMs ?? 50 }
    : { warmup: 3, minReps: 7, maxReps: 200, budgetMs: args.budgetMs ?? 400 };

  const notes: string[] = [];
  const wasm = await loadOursWasm();
  const implementations: Implementation[] = [oursTypescript];
  if (wasm === null) notes.push('ours-wasm: dist/kernels/wasm/depthwise.wasm not built (npm run build:wasm); ratios are to ours-ts');
  else implementations.push(oursWasm(wasm), oursWasmCopy(wasm));
  const tfjs = await tfjsImplementations();
  if (tfjs.length === 0) notes.push('tfjs: @tensorflow/tfjs-core / backends not installed');
  implementations.push(...tfjs);
  const ort = await onnxruntimeImplementations();
  if (ort.length === 0) notes.push('onnxruntime-node: not installed');
  implementations.push(...ort);
  const baseline = wasm === null ? 'ours-ts' : BASELINE;

  let cases = benchCases(args.quick);
  if (args.filter !== null) cases = cases.filter((c) => c.id.includes(args.filter as string));

  console.log(`depthwise bench: ${cases.length} cases, ${implementations.map((i) => i.name).join(', ')}; single thread`);
  console.log(`node ${process.versions.node}, v8 ${process.versions.v8}, ${cpus()[0]?.model ?? 'unknown cpu'}`);
  for (const note of notes) console.log(`note: ${note}`);
  console.log(`ratio = median(impl) / median(${baseline}); > 1 means ${baseline} is faster\n`);

  const results: CaseResult[] = [];
  for (const [index, c] of cases.entries()) {
    const data = caseData(c, 1234 + index);
    const refRun = await oursTypescript.prepare(data);
    refRun.run();
    const ref = await refRun.result();
    const caseResult: CaseResult = { ...c, results: {}, ratios: {} };
    for (const impl of implementations) {
      if (!impl.supports(c)) continue;
      try {
        const prepared = await impl.prepare(data);
        const summary = await measure(() => prepared.run(), timing);
        const err = relativeError(await prepared.result(), ref);
        prepared.dispose();
        caseResult.results[impl.name] = { ...summary, gmacPerSecond: c.macs / (summary.medianMs * 1e6), relativeError: err };
        if (err > 1e-4) notes.push(`${impl.name} on ${c.id}: result differs from ours-ts (relative error ${err.toExponential(2)})`);
      } catch (e) {
        caseResult.results[impl.name] = { error: e instanceof Error ? e.message : String(e) };
      }
    }
    const base = caseResult.results[baseline];
    for (const [name, r] of Object.entries(caseResult.results)) {
      if (name === baseline || 'error' in r || base === undefined || 'error' in base) continue;
      caseResult.ratios[name] = r.medianMs / base.medianMs;
    }
    results.push(caseResult);
    const cells = Object.entries(caseResult.results).map(([name, r]) => {
      if ('error' in r) return `${name} ERROR ${r.error}`;
      const ratio = caseResult.ratios[name];
      const spread = r.medianMs > 0 ? (100 * r.iqrMs) / r.medianMs : 0;
      return `${name} ${fmt(r.medianMs)}ms ±${spread.toFixed(0)}%${ratio === undefined ? '' : ` x${ratio.toFixed(2)}`}`;
    });
    console.log(`${c.id}\n    ${cells.join(' | ')}`);
  }

  // Geometric means of the ratios per group of cases.
  const groups: Record<string, (c: CaseResult) => boolean> = {
    'forward b1 (MobileNetV1 3x3)': (c) => c.direction === 'forward' && c.batch === 1 && c.id.includes('/mnv1-'),
    'forward b8 (MobileNetV1 3x3)': (c) => c.direction === 'forward' && c.batch === 8 && c.id.includes('/mnv1-'),
    'forward 5x5 / 7x7 / dilated': (c) => c.direction === 'forward' && !c.id.includes('/mnv1-'),
    'backward input': (c) => c.direction === 'backwardInput',
    'backward kernel': (c) => c.direction === 'backwardKernel',
  };
  const summary: Record<string, Record<string, { geomeanRatio: number; cases: number }>> = {};
  console.log(`\ngeometric mean of median(impl) / median(${baseline}):`);
  for (const [group, member] of Object.entries(groups)) {
    const inGroup = results.filter(member);
    if (inGroup.length === 0) continue;
    summary[group] = {};
    const names = new Set(inGroup.flatMap((c) => Object.keys(c.ratios)));
    const parts: string[] = [];
    for (const name of names) {
      const ratios = inGroup.map((c) => c.ratios[name]).filter((r): r is number => r !== undefined);
      const g = geomean(ratios);
      summary[group][name] = { geomeanRatio: g, cases: ratios.length };
      parts.push(`${name} x${g.toFixed(2)} (${ratios.length})`);
    }
    console.log(`  ${group}: ${parts.join(', ')}`);
  }

  const wasmStats = wasm === null ? null : { kernels: wasm.depthwiseConv2d.stats(), arena: wasm.arena.stats() };
  if (wasmStats !== null) {
    const k = wasmStats.kernels;
    console.log(
      `\nwasm kernel calls: ${k.wasmCalls}; arguments passed in place: ${k.zeroCopyArguments}, ` +
        `copied (the ours-wasm-copy column only): ${k.copiedArguments} (${(k.copiedBytes / 2 ** 20).toFixed(0)} MiB)`,
    );
  }
  for (const note of notes.slice(notes.length - 20)) console.log(`note: ${note}`);

  const json = {
    meta: {
      date: new Date().toISOString(),
      node: process.versions.node,
      v8: process.versions.v8,
      cpu: cpus()[0]?.model ?? 'unknown',
      logicalCpus: cpus().length,
      threads: 1,
      quick: args.quick,
      timing,
      baseline,
      implementations: implementations.map((i) => ({ name: i.name, version: i.version })),
      notes,
    },
    summary,
    wasmStats,
    cases: results,
  };
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\nwrote ${args.out}`);
}

await main();
