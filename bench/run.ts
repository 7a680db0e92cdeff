/**
 * `npm run bench` — this library against its JavaScript peers, all in this one process:
 * @tensorflow/tfjs-backend-cpu, @tensorflow/tfjs-backend-wasm (XNNPACK, SIMD; no threads in Node) and
 * onnxruntime-node (native, 1 and 2 intra-op threads). Peers that are not installed are left out with a
 * note. This library runs at 1 and 2 threads (`setNumThreads`), or at 1 with a note when it has none.
 *
 * Per-layer cases (`cases.ts`): MobileNetV1's 13 depthwise layers at batch 1 and 8, 5x5 / 7x7 / dilated
 * 3x3 on 56x56x128, depthwise backward at batch 8, the 1x1 pointwise 56x56x128->128; ours runs the
 * kernel slots directly (tensors in wasm memory). Whole-model cases (`mobilenet/`): MobileNetV1 1.0 224
 * inference at batch 1 and one MobileNetV1 0.25 128 training step at batch 16, through the public API.
 *
 * For each case: every implementation is prepared (inputs allocated where it wants them), warmed up, then
 * timed alone per repetition (adaptive count: until the time budget, at least a minimum); the report gives
 * the median, the interquartile range as ±% of the median, and the ratios `peer median / ours median`
 * against ours at 1 thread (`x`) and at 2 threads (`/x`): > 1 means ours is faster. Per-layer results are
 * checked against the TypeScript kernels; whole-model outputs against ours (same weights).
 *
 * Kernel variants (`variants.ts`): every entry of the kernel manifest timed on its example at one thread,
 * and each per-layer case lists the manifest entries its ours-wasm run selected.
 *
 * The 2D family (`family/`, issue #15): Conv2D 3x3 64->64 forward and both gradients, grouped Conv2D
 * beside DepthwiseConv2D, pooling, upsampling, padding, cropping and channels-first batch norm, with their
 * targets (PASS/MISS) after issue 5's.
 *
 * Flags: --quick (few cases, few repetitions; the tfjs-cpu training step at batch 2, scaled: a smoke run
 * of about two minutes), --filter TEXT (case ids, family row ids and variant names containing TEXT),
 * --out FILE, --budget MS (timed time per case and implementation), --no-models / --models-only,
 * --no-variants / --variants-only, --no-family / --family-only.
 *
 * JSON result (bench/results/latest.json, or --out):
 * {
 *   meta: { date, node, v8, cpu, cpuFlags: { avx2, avx512f }, logicalCpus, quick, timing, modelTiming,
 *           threads: { available, source, counts: number[] }, oursBackend: { name, isLibraryBackend },
 *           implementations: [{ name, version, threads? }], notes: string[] },
 *   cases: [{ ...BenchCase (id, op, direction, batch, height, width, channels, kernel, stride, dilation,
 *             filters, macs), wasmVariants: string[] (manifest entries the ours-wasm run selected),
 *             results: { [column]: Summary & { gmacPerSecond, relativeError } | { error } },
 *             ratios: { [column]: median / median(ours-wasm) }, ratios2t: { [column]: median / median(ours-wasm-2t) } }],
 *   summary: { [group]: { [column]: { geomeanRatio, cases } } },          // per-layer groups, vs ours 1 thread
 *   models: [{ ...ModelCase (id, kind, alpha, size, batch, classes),
 *              results: { [column]: Summary & { estimatedMs?, estimateNote? } | { error } | { unsupported } },
 *              ratios, ratios2t,                                         // as for cases, vs ours / ours-2t
 *              agreement: { [column]: { maxAbsDiff, relativeError } } }], // inference outputs vs ours
 *   variants: [{ name, family, op, example, selected, ...Summary }],   // every manifest entry, 1 thread
 *   targets: [{ id, description, ratio, required, atMost?, pass, note }],
 *   family: [{ id, results: { [column]: Summary & { estimatedMs?, note? } | { error } }, ratios }],
 *   familyTargets: [{ id, description, ratio, required, atMost?, pass, note }],
 *   wasmStats: { kernels, arena } | null
 * }
 * Summary = { reps, medianMs, q1Ms, q3Ms, iqrMs, minMs, maxMs, countedWarmup? } (stats.ts). A model
 * result with `estimatedMs` ran at a smaller batch; `medianMs` is then the estimate used in ratios.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { getBackend } from '../src/kernels/backend.js';
import { resolveConv2dParams } from '../src/kernels/conv2d/index.js';
import { depthwiseConv2dSizes, resolveDepthwiseConv2dParams } from '../src/kernels/depthwise-conv2d/index.js';
import type { BenchCase } from './cases.js';
import { benchCases } from './cases.js';
import { oursModelName } from './mobilenet/names.js';
import type { ModelCase } from './mobilenet/workloads.js';
import { buildOursModel, modelCases, modelImplementations } from './mobilenet/workloads.js';
import { onnxruntimeImplementations } from './peers/onnxruntime.js';
import { loadOursWasm, oursTypescript, oursWasm, oursWasmCopy, oursWasmName } from './peers/ours.js';
import { loadTf, tfjsImplementations } from './peers/tfjs.js';
import { registerTfjsGradients } from './peers/tfjs-gradients.js';
import type { CaseData, Implementation } from './peers/types.js';
import type { Summary, TimingOptions } from './stats.js';
import { measure } from './stats.js';
import type { TargetResult } from './targets.js';
import { evaluateTargets, targetLine } from './targets.js';
import { threadControl } from './threads.js';
import type { VariantResult } from './variants.js';
import { benchVariants } from './variants.js';
import { variantSelections } from '../src/kernels/wasm/manifest.js';
import type { FamilyResult } from './family/run.js';
import { familyTargets, runFamily } from './family/run.js';

interface Args {
  quick: boolean;
  filter: string | null;
  out: string;
  budgetMs: number | null;
  layers: boolean;
  models: boolean;
  variants: boolean;
  family: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const here = dirname(fileURLToPath(import.meta.url));
  const args: Args = { quick: false, filter: null, out: resolve(here, 'results/latest.json'), budgetMs: null, layers: true, models: true, variants: true, family: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--filter') args.filter = argv[++i];
    else if (a === '--out') args.out = resolve(argv[++i]);
    else if (a === '--budget') args.budgetMs = Number(argv[++i]);
    else if (a === '--no-models') args.models = false;
    else if (a === '--models-only') {
      args.layers = false;
      args.variants = false;
      args.family = false;
    } else if (a === '--no-variants') args.variants = false;
    else if (a === '--variants-only') {
      args.layers = false;
      args.models = false;
      args.family = false;
    } else if (a === '--no-family') args.family = false;
    else if (a === '--family-only') {
      args.layers = false;
      args.models = false;
      args.variants = false;
    }
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
  const geometry = {
    strides: [c.stride, c.stride] as const,
    dilationRate: [c.dilation, c.dilation] as const,
    padding: 'same' as const,
    dataFormat: 'channels_last' as const,
  };
  const params = resolveDepthwiseConv2dParams([c.batch, c.height, c.width, c.channels], [c.kernel, c.kernel, c.channels, 1], geometry);
  const conv = c.op === 'pointwise' ? resolveConv2dParams([c.batch, c.height, c.width, c.channels], [1, 1, c.channels, c.filters], geometry) : null;
  const sizes = depthwiseConv2dSizes(params);
  const rng = seeded(seed);
  const fill = (n: number): Float32Array => Float32Array.from({ length: n }, rng);
  const outputs = c.batch * params.outHeight * params.outWidth * c.filters;
  return {
    c,
    params,
    conv,
    x: fill(sizes.input),
    kernel: fill(c.op === 'pointwise' ? c.channels * c.filters : sizes.kernel),
    dy: fill(outputs),
  };
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

type Failed = { error: string } | { unsupported: string };

interface CaseResult extends BenchCase {
  /** The kernel-manifest entries the ours-wasm (1 thread) run selected. */
  wasmVariants: string[];
  results: Record<string, ImplResult | Failed>;
  ratios: Record<string, number>;
  ratios2t: Record<string, number>;
}

interface ModelResult extends Summary {
  /** The case-setting time estimated from a run at a smaller batch (then also `medianMs`). */
  estimatedMs?: number;
  estimateNote?: string;
}

interface ModelCaseResult extends ModelCase {
  results: Record<string, ModelResult | Failed>;
  ratios: Record<string, number>;
  ratios2t: Record<string, number>;
  agreement: Record<string, { maxAbsDiff: number; relativeError: number }>;
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}

function geomean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isSummary<T extends Summary>(r: T | Failed | undefined): r is T {
  return r !== undefined && !('error' in r) && !('unsupported' in r);
}

/** `ratios[name] = median(name) / median(base)` for every measured column other than the bases. */
function ratiosTo(results: Record<string, Summary | Failed>, base: string | null, exclude: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  const b = base === null ? undefined : results[base];
  if (!isSummary(b)) return out;
  for (const [name, r] of Object.entries(results)) {
    if (!exclude.includes(name) && isSummary(r)) out[name] = r.medianMs / b.medianMs;
  }
  return out;
}

/** One report line: `name median ±spread% xRatio1/xRatio2` per column. */
function cells(results: Record<string, Summary | Failed>, r1: Record<string, number>, r2: Record<string, number>): string {
  return Object.entries(results)
    .map(([name, r]) => {
      if ('error' in r) return `${name} ERROR ${r.error}`;
      if ('unsupported' in r) return `${name} unsupported (${r.unsupported})`;
      const spread = r.medianMs > 0 ? (100 * r.iqrMs) / r.medianMs : 0;
      const a = r1[name];
      const b = r2[name];
      const ratio = a === undefined ? '' : ` x${a.toFixed(2)}${b === undefined ? '' : `/${b.toFixed(2)}`}`;
      const est = (r as ModelResult).estimatedMs !== undefined ? ' (est.)' : '';
      return `${name} ${fmt(r.medianMs)}ms${est} ±${spread.toFixed(0)}%${r.reps < 3 ? ` (${r.reps} run${r.reps > 1 ? 's' : ''})` : ''}${ratio}`;
    })
    .join(' | ');
}

function cpuFlags(): { avx2: boolean; avx512f: boolean } {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    return { avx2: /\bavx2\b/.test(info), avx512f: /\bavx512f\b/.test(info) };
  } catch {
    return { avx2: false, avx512f: false };
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const args = parseArgs(process.argv.slice(2));
  const timing: TimingOptions = args.quick
    ? { warmup: 1, minReps: 3, maxReps: 5, budgetMs: args.budgetMs ?? 50, slowReps: 2, countWarmupAboveMs: 1000 }
    : { warmup: 3, minReps: 7, maxReps: 200, budgetMs: args.budgetMs ?? 400, slowReps: 3, countWarmupAboveMs: 2000 };
  // Whole models run for 5 ms to a minute: a longer budget, and a slow run counts from the first one.
  const modelTiming: TimingOptions = args.quick
    ? { warmup: 1, minReps: 3, maxReps: 20, budgetMs: args.budgetMs ?? 400, slowReps: 2, countWarmupAboveMs: 1000 }
    : { warmup: 2, minReps: 5, maxReps: 100, budgetMs: args.budgetMs ?? 2500, slowReps: 3, countWarmupAboveMs: 2000 };

  const notes: string[] = [];
  const threads = threadControl();
  const threadCounts = threads.available ? [1, 2] : [1];
  if (!threads.available) notes.push(`threads unavailable (${threads.source}): every "ours" column runs on 1 thread, no 2-thread columns`);
  const oursWasmLoaded = await loadOursWasm();
  const implementations: Implementation[] = [oursTypescript];
  if (oursWasmLoaded === null) notes.push('ours-wasm: dist/kernels/wasm/depthwise.wasm not built (npm run build:wasm); ratios are to ours-ts');
  else {
    const { backend, isLibraryBackend } = oursWasmLoaded;
    for (const n of threadCounts) implementations.push(oursWasm(backend, n));
    implementations.push(oursWasmCopy(backend));
    if (!isLibraryBackend && threads.available) {
      notes.push('the per-layer ours-wasm columns use a private instance of the module (the library default is not wasm): setNumThreads may not reach it');
    }
  }
  const tfjs = await tfjsImplementations();
  if (tfjs.length === 0) notes.push('tfjs: @tensorflow/tfjs-core / backends not installed');
  implementations.push(...tfjs);
  const ort = await onnxruntimeImplementations();
  if (ort.length === 0) notes.push('onnxruntime-node: not installed');
  implementations.push(...ort);
  const base1 = oursWasmLoaded === null ? 'ours-ts' : oursWasmName(1);
  const base2 = oursWasmLoaded !== null && threads.available ? oursWasmName(2) : null;

  let cases = args.layers ? benchCases(args.quick) : [];
  if (args.filter !== null) cases = cases.filter((c) => c.id.includes(args.filter as string));
  let mcases = args.models ? modelCases() : [];
  if (args.filter !== null) mcases = mcases.filter((c) => c.id.includes(args.filter as string));

  const flags = cpuFlags();
  console.log(
    `depthwise bench${args.quick ? ' (quick)' : ''}: ${cases.length} per-layer cases, ${mcases.length} model cases; ` +
      `${implementations.map((i) => i.name).join(', ')}`,
  );
  console.log(
    `node ${process.versions.node}, v8 ${process.versions.v8}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}` +
      ` (avx2 ${flags.avx2 ? 'yes' : 'no'}, avx512f ${flags.avx512f ? 'yes' : 'no'}); library backend: ${getBackend().name}` +
      `; threads: ${threads.available ? `setNumThreads from ${threads.source}, default ${threads.get()}` : 'unavailable'}`,
  );
  for (const note of notes) console.log(`note: ${note}`);
  console.log(`ratio: x = median(column) / median(ours, 1 thread)${threads.available ? ', /x = the same against ours at 2 threads' : ''}; > 1 means ours is faster`);

  // Peers' columns run with the library at 1 thread, so that an idle pool cannot compete with them.
  const setThreads = async (n: number | undefined): Promise<void> => {
    if (threads.available) await threads.set(n ?? 1);
  };

  // ---- per-layer cases ----
  const results: CaseResult[] = [];
  for (const [index, c] of cases.entries()) {
    const data = caseData(c, 1234 + index);
    const refRun = await oursTypescript.prepare(data);
    refRun.run();
    const ref = await refRun.result();
    const caseResult: CaseResult = { ...c, wasmVariants: [], results: {}, ratios: {}, ratios2t: {} };
    for (const impl of implementations) {
      if (!impl.supports(c)) continue;
      try {
        await setThreads(impl.threads);
        const prepared = await impl.prepare(data);
        const selectedBefore = variantSelections();
        const summary = await measure(() => prepared.run(), timing);
        if (impl.name === base1) {
          const after = variantSelections();
          caseResult.wasmVariants = [...after.keys()].filter((name) => (after.get(name) ?? 0) > (selectedBefore.get(name) ?? 0));
        }
        const err = relativeError(await prepared.result(), ref);
        prepared.dispose();
        caseResult.results[impl.name] = { ...summary, gmacPerSecond: c.macs / (summary.medianMs * 1e6), relativeError: err };
        if (err > 1e-4) notes.push(`${impl.name} on ${c.id}: result differs from ours-ts (relative error ${err.toExponential(2)})`);
      } catch (e) {
        caseResult.results[impl.name] = { error: errorMessage(e) };
      }
    }
    const bases = [base1, ...(base2 === null ? [] : [base2])];
    caseResult.ratios = ratiosTo(caseResult.results, base1, bases);
    caseResult.ratios2t = ratiosTo(caseResult.results, base2, bases);
    results.push(caseResult);
    console.log(`${c.id}\n    ${cells(caseResult.results, caseResult.ratios, caseResult.ratios2t)}`);
    if (caseResult.wasmVariants.length > 0) console.log(`    ${base1} ran: ${caseResult.wasmVariants.join(', ')}`);
  }

  // Geometric means of the ratios per group of cases.
  const groups: Record<string, (c: CaseResult) => boolean> = {
    'forward b1 (MobileNetV1 3x3)': (c) => c.direction === 'forward' && c.batch === 1 && c.id.includes('/mnv1-'),
    'forward b8 (MobileNetV1 3x3)': (c) => c.direction === 'forward' && c.batch === 8 && c.id.includes('/mnv1-'),
    'forward 5x5 / 7x7 / dilated': (c) => c.direction === 'forward' && c.op === 'depthwise' && !c.id.includes('/mnv1-'),
    'pointwise 1x1': (c) => c.op === 'pointwise',
    'backward input': (c) => c.direction === 'backwardInput',
    'backward kernel': (c) => c.direction === 'backwardKernel',
  };
  const summary: Record<string, Record<string, { geomeanRatio: number; cases: number }>> = {};
  if (results.length > 0) console.log(`\ngeometric mean of median(column) / median(${base1}):`);
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

  // ---- whole-model cases ----
  const tf = mcases.length > 0 ? await loadTf() : null;
  const tfWasm = tf !== null && (await tf.setBackend('wasm').catch(() => false));
  if (tf !== null && mcases.some((m) => m.kind === 'training')) {
    const failed = await registerTfjsGradients();
    if (failed !== null) notes.push(failed);
  }
  const ortModule = mcases.length > 0 ? await import('onnxruntime-node').catch(() => null) : null;
  const modelResults: ModelCaseResult[] = [];
  const estimates: Record<string, string> = {};
  if (mcases.length > 0) console.log('\nwhole models (this library through its public API):');
  for (const mc of mcases) {
    const model = buildOursModel(mc);
    const impls = modelImplementations(mc, model, { tf, tfWasm, ort: ortModule, quick: args.quick, oursThreads: threadCounts });
    const r: ModelCaseResult = { ...mc, results: {}, ratios: {}, ratios2t: {}, agreement: {} };
    let reference: Float32Array | null = null;
    for (const impl of impls) {
      try {
        await setThreads(impl.threads);
        const prepared = await impl.prepare();
        try {
          const summary = await measure(() => prepared.run(), { ...modelTiming, slowReps: impl.slowReps ?? modelTiming.slowReps });
          let result: ModelResult = summary;
          if (impl.reducedBatch !== undefined) {
            const scale = mc.batch / impl.reducedBatch;
            const estimateNote = `${impl.name} ran at batch ${impl.reducedBatch} (${fmt(summary.medianMs)} ms), scaled x${scale} to batch ${mc.batch}`;
            result = { ...summary, medianMs: summary.medianMs * scale, estimatedMs: summary.medianMs * scale, estimateNote };
            estimates[mc.id] = `estimate: ${estimateNote}`;
          }
          r.results[impl.name] = result;
          if (prepared.output !== undefined) {
            const out = await prepared.output();
            if (reference === null) reference = out;
            else {
              let maxAbsDiff = out.length === reference.length ? 0 : Number.POSITIVE_INFINITY;
              for (let i = 0; i < Math.min(out.length, reference.length); i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(out[i] - reference[i]));
              const scale = reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
              r.agreement[impl.name] = { maxAbsDiff, relativeError: maxAbsDiff / scale };
            }
          }
        } finally {
          prepared.dispose();
        }
      } catch (e) {
        const message = errorMessage(e);
        // tfjs-wasm has no convolution backward kernels: its training step fails on the first gradient.
        r.results[impl.name] = /not registered|not implemented|not supported/i.test(message) ? { unsupported: message } : { error: message };
      }
    }
    const bases = [oursModelName(1), oursModelName(2)];
    r.ratios = ratiosTo(r.results, oursModelName(1), bases);
    r.ratios2t = threads.available ? ratiosTo(r.results, oursModelName(2), bases) : {};
    modelResults.push(r);
    console.log(`${mc.id}\n    ${cells(r.results, r.ratios, r.ratios2t)}`);
    for (const note of Object.values(r.results).flatMap((x) => ('estimateNote' in x && x.estimateNote !== undefined ? [x.estimateNote] : []))) {
      console.log(`    note: ${note} (an estimate, not the target's setting)`);
    }
    const agree = Object.entries(r.agreement);
    if (agree.length > 0 && reference !== null) {
      const top = Math.max(...reference);
      console.log(`    ours: outputs in [${Math.min(...reference).toExponential(2)}, ${top.toExponential(2)}], top class ${reference.indexOf(top)}`);
      console.log(
        `    outputs vs ${oursModelName(1)} (same weights): ` +
          agree
            .map(([name, a]) => `${name} max|diff| ${a.maxAbsDiff.toExponential(1)} (${a.relativeError.toExponential(1)} of max|out|)${a.maxAbsDiff <= 1e-4 ? ' ok' : ' MISMATCH'}`)
            .join(', '),
      );
      for (const [name, a] of agree) if (a.maxAbsDiff > 1e-4) notes.push(`${name} on ${mc.id}: output differs from ours by ${a.maxAbsDiff.toExponential(2)}`);
    }
  }

  // ---- the 2D family (issue #15): conv2d passes, grouped vs depthwise, pooling, upsampling, pad/crop, NCHW batch norm ----
  let family: FamilyResult[] = [];
  if (args.family && oursWasmLoaded !== null) {
    console.log(`\n2D family (bench/family/): ratio x = median(column) / median(${base1}); > 1 means ours is faster`);
    family = await runFamily({
      wasm: oursWasmLoaded.backend,
      tf: await loadTf(),
      timing,
      quick: args.quick,
      filter: args.filter,
      setThreads: (n) => setThreads(n),
      threads: threads.available,
    });
  }
  const familyResults = family.length > 0 ? familyTargets(family, args.quick) : [];

  // ---- kernel variants: every manifest entry on its example (after the models, so it warms nothing they time) ----
  let variants: VariantResult[] = [];
  if (args.variants && oursWasmLoaded !== null) {
    await setThreads(1);
    variants = await benchVariants(oursWasmLoaded.backend, timing, args.filter);
    if (variants.length > 0) console.log('\nkernel variants (src/kernels/wasm/manifest.ts), each on its example, 1 thread:');
    for (const v of variants) {
      const spread = v.medianMs > 0 ? (100 * v.iqrMs) / v.medianMs : 0;
      console.log(`  ${v.name.padEnd(52)} ${fmt(v.medianMs).padStart(7)}ms ±${spread.toFixed(0)}%  ${v.example}${v.selected ? '' : '  (NOT SELECTED by its example)'}`);
      if (!v.selected) notes.push(`variant ${v.name}: its example did not select it`);
    }
  }

  // ---- targets ----
  const median = (caseId: string, column: string): number | undefined => {
    const found = results.find((c) => c.id === caseId)?.results[column] ?? modelResults.find((m) => m.id === caseId)?.results[column];
    return isSummary(found) ? found.medianMs : undefined;
  };
  const targets: TargetResult[] = evaluateTargets({
    median,
    caseIds: results.map((c) => c.id),
    ours1: base1,
    ours2: base2,
    oursModel1: oursModelName(1),
    oursModel2: threads.available ? oursModelName(2) : null,
    quick: args.quick,
    estimates,
  });
  console.log('\ntargets (issue 5; ratio = peer time / our time):');
  for (const t of targets) console.log(targetLine(t));
  if (familyResults.length > 0) {
    console.log('\ntargets (issue #15, the 2D family; ratio = peer time / our time, or the cost the line names):');
    for (const t of familyResults) console.log(targetLine(t));
  }

  const wasmStats = oursWasmLoaded === null ? null : { kernels: oursWasmLoaded.backend.depthwiseConv2d.stats(), arena: oursWasmLoaded.backend.arena.stats() };
  if (wasmStats !== null && results.length > 0) {
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
      cpuFlags: flags,
      logicalCpus: cpus().length,
      quick: args.quick,
      timing,
      modelTiming,
      threads: { available: threads.available, source: threads.source, counts: threadCounts },
      oursBackend: { name: getBackend().name, isLibraryBackend: oursWasmLoaded?.isLibraryBackend ?? false },
      implementations: implementations.map((i) => ({ name: i.name, version: i.version, ...(i.threads === undefined ? {} : { threads: i.threads }) })),
      notes,
    },
    cases: results,
    summary,
    models: modelResults,
    variants,
    targets,
    family,
    familyTargets: familyResults,
    wasmStats,
  };
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\nwrote ${args.out} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

await main();
