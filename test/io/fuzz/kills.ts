/**
 * Killing saves: a child process saves the kill model over and over and is sent SIGKILL at a random moment.
 * What it leaves must load (the previous or the new model, never a broken file), and the next save of the
 * same path must leave no temporary file or orphaned shard behind. Shared by the kill test and `npm run
 * fuzz -- --kills N`.
 */

import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportTfjs, loadModelSync, loadWeightsSync, modelFromTfjs, saveModelSync, saveWeightsSync } from '../../../src/io/index.js';
import { tempDir } from '../../helpers/temp-dir.js';
import type { KillFormat } from './kill-model.js';
import { killModel, killTarget } from './kill-model.js';
import { rng } from './mutate-bytes.js';

const CHILD = fileURLToPath(new URL('./save-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * How to start a saving child: under tsx a child needs about a second to start, most of it resolving and
 * compiling modules, so the child is bundled once with esbuild (which tsx runs on; 0.3 s a start). The
 * bundle lives in node_modules/.cache so that h5wasm and fflate resolve; without esbuild, tsx it is.
 */
let childCommand: Promise<string[]> | null = null;
function saveChild(): Promise<string[]> {
  childCommand ??= (async () => {
    try {
      const esbuild = (await import('esbuild')) as { buildSync(options: Record<string, unknown>): unknown };
      const outfile = path.join(ROOT, 'node_modules', '.cache', 'depthwise', `save-child-${process.pid}.mjs`);
      esbuild.buildSync({ entryPoints: [CHILD], bundle: true, platform: 'node', format: 'esm', outfile, packages: 'external', logLevel: 'error' });
      process.on('exit', () => rmSync(outfile, { force: true }));
      return [outfile];
    } catch {
      return ['--import', 'tsx', CHILD];
    }
  })();
  return childCommand;
}

export interface KillFigures {
  format: KillFormat;
  kills: number;
  /** Kills after which the target did not load (or was missing). */
  unloadable: string[];
  /** Kills that left temporary files (before the next save cleans them). */
  leftByKill: number;
  /** Files other than the target (and its shard) still there after the next save. */
  leftAfterNextSave: string[];
}

/** The files a complete save of `format` consists of: the target, and for TF.js the shard its JSON names. */
function expectedFiles(dir: string, format: KillFormat): string[] {
  const target = killTarget(format);
  if (format !== 'TF.js') return [target];
  const json = JSON.parse(readFileSync(path.join(dir, target), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  return [target, ...json.weightsManifest.flatMap((g) => g.paths)];
}

function others(dir: string, format: KillFormat): string[] {
  let expected: string[];
  try {
    expected = expectedFiles(dir, format);
  } catch {
    expected = [killTarget(format)];
  }
  return readdirSync(dir).filter((name) => !expected.includes(name));
}

function load(dir: string, format: KillFormat): void {
  const target = path.join(dir, killTarget(format));
  if (format === '.keras') loadModelSync(target);
  else if (format === '.weights.h5') loadWeightsSync(killModel(3), target);
  else modelFromTfjs(target);
}

function save(dir: string, format: KillFormat): void {
  const target = path.join(dir, killTarget(format));
  const model = killModel(4);
  if (format === '.keras') saveModelSync(model, target);
  else if (format === '.weights.h5') saveWeightsSync(model, target);
  else exportTfjs(model, target);
}

/** Starts a child saving into `dir`, kills it `delayMs` after its first save completed, and waits for it to end. */
async function killDuringSaves(format: KillFormat, dir: string, delayMs: number): Promise<void> {
  const command = await saveChild();
  return new Promise((resolve, reject) => {
    // The kernels' backend does not matter to saving; the TypeScript one starts without compiling WebAssembly.
    const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
    const child = spawn(process.execPath, [...command, format, dir], { env: { ...env, DEPTHWISE_BACKEND: 'typescript' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`the saving child exited with ${code}: ${stderr.slice(0, 500)}`))));
  });
}

export interface KillOptions {
  seed: number;
  /** Kills per format. */
  kills: number;
  formats?: readonly KillFormat[];
  /** Children alive at once. */
  concurrency?: number;
  /** The longest wait after the first save before the kill, in ms. */
  maxDelayMs?: number;
  onKill?: (format: KillFormat, index: number) => void;
}

/**
 * Kills `kills` saving children per format and checks what each left. Needs `await ioReady()` first.
 *
 * @example
 * ```ts
 * const figures = await runKills({ seed: 1, kills: 24 });
 * ```
 */
export async function runKills(options: KillOptions): Promise<KillFigures[]> {
  const r = rng(options.seed);
  const root = tempDir();
  const results: KillFigures[] = [];
  try {
    for (const format of options.formats ?? (['.keras', '.weights.h5', 'TF.js'] as const)) {
      const figures: KillFigures = { format, kills: 0, unloadable: [], leftByKill: 0, leftAfterNextSave: [] };
      const jobs = Array.from({ length: options.kills }, (_, i) => ({ i, delay: r.int(options.maxDelayMs ?? 40) }));
      const worker = async (): Promise<void> => {
        for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) {
          options.onKill?.(format, job.i);
          const dir = path.join(root, `${format.replace(/\W/g, '')}-${job.i}`);
          mkdirSync(dir);
          await killDuringSaves(format, dir, job.delay);
          figures.kills += 1;
          if (others(dir, format).length > 0) figures.leftByKill += 1;
          try {
            load(dir, format);
          } catch (error) {
            figures.unloadable.push(`kill ${job.i} after ${job.delay} ms: ${(error as Error).message.slice(0, 200)}`);
          }
          save(dir, format);
          for (const name of others(dir, format)) figures.leftAfterNextSave.push(`kill ${job.i}: ${name}`);
          rmSync(dir, { recursive: true, force: true });
        }
      };
      await Promise.all(Array.from({ length: options.concurrency ?? 2 }, worker));
      results.push(figures);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return results;
}
