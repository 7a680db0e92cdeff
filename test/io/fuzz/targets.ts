/**
 * What the fuzzer mutates and loads, per format: `.keras` (Keras 3 fixtures), Keras 2 `.h5` (full model),
 * `.weights.h5` (ours with Adam state, and Keras 2's weights file) loaded into a live model, and TF.js
 * (`model.json` + shard, ours and TF.js's own). Each target makes a mutant, loads it, and for weight files
 * fingerprints the model so a refused load can be checked to have changed nothing.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { unzipSync } from 'fflate';
import { exportTfjs, loadWeightsSync, modelFromKerasBytes, modelFromTfjs, saveWeightsSync } from '../../../src/io/index.js';
import { modelFromLegacyH5 } from '../../../src/io/legacy-h5.js';
import type { Model } from '../../../src/models/model.js';
import type { OptimizerState } from '../../../src/training/optimizers/index.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { bits, FIXTURES, random, randomizeWeights, randomTensor } from '../helpers.js';
import type { Rng } from './mutate-bytes.js';
import { editZipDirectory, flipBits, replaceEntry, rewriteH5, splice, truncate, zipBomb } from './mutate-bytes.js';
import { mutateJson } from './mutate-json.js';

export interface Mutant {
  kind: string;
  /** File name → bytes; loaded from a folder of their own. */
  files: Record<string, Uint8Array>;
}

export interface FuzzTarget {
  readonly name: string;
  mutate(r: Rng, big: boolean): Promise<Mutant>;
  /** Loads the mutant written in `dir`; returns the label refusals must name. */
  load(dir: string, mutant: Mutant, r: Rng): { label: string; run: () => void };
  /** For loads into a live model: its state, to compare after a refusal, and a reset after a success. */
  fingerprint?(): string;
  reset?(): void;
}

const fixture = (name: string) => new Uint8Array(readFileSync(path.join(FIXTURES, name)));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const encode = (s: string) => new TextEncoder().encode(s);

/** Bomb sizes: the suite's stay small enough to build in milliseconds; `big` runs add the 1 GiB of the report. */
function bombSize(r: Rng, big: boolean): number {
  return r.pick(big ? [2 ** 25, 2 ** 28, 2 ** 30] : [2 ** 21, 2 ** 25]);
}

function byteMutation(bytes: Uint8Array, r: Rng): { kind: string; bytes: Uint8Array } {
  const kind = r.pick(['flip', 'flip', 'truncate', 'splice']);
  return { kind, bytes: kind === 'flip' ? flipBits(bytes, r) : kind === 'truncate' ? truncate(bytes, r) : splice(bytes, r) };
}

function kerasTarget(): FuzzTarget {
  const bases = [fixture('keras3_sequential.keras'), fixture('keras3_functional.keras')];
  return {
    name: '.keras',
    async mutate(r, big) {
      const base = r.pick(bases);
      const entries = unzipSync(base);
      const kind = r.pick(['bytes', 'bytes', 'zip-directory', 'config', 'config', 'config', 'weights-bytes', 'weights-grown', 'bomb']);
      if (kind === 'bytes') {
        const m = byteMutation(base, r);
        return { kind: m.kind, files: { 'fuzz.keras': m.bytes } };
      }
      if (kind === 'zip-directory') return { kind, files: { 'fuzz.keras': editZipDirectory(base, r) } };
      if (kind === 'config') {
        const m = mutateJson(text(entries['config.json']), r);
        const data = encode(m.text);
        return { kind: `config:${m.kind}`, files: { 'fuzz.keras': replaceEntry(base, 'config.json', data, data.length > 2 ** 20) } };
      }
      if (kind === 'weights-bytes') return { kind, files: { 'fuzz.keras': replaceEntry(base, 'model.weights.h5', flipBits(entries['model.weights.h5'], r)) } };
      if (kind === 'weights-grown') return { kind, files: { 'fuzz.keras': replaceEntry(base, 'model.weights.h5', await rewriteH5(entries['model.weights.h5'], { grow: r })) } };
      const entry = r.pick(['config.json', 'model.weights.h5']);
      const lying = r.next() < 0.5;
      return { kind: `bomb:${entry}${lying ? ':lying' : ''}`, files: { 'fuzz.keras': zipBomb(base, entry, bombSize(r, big), lying) } };
    },
    load: (dir, mutant, r) => {
      const label = path.join(dir, 'fuzz.keras');
      return { label, run: () => void modelFromKerasBytes(mutant.files['fuzz.keras'], label, { compile: r.next() < 0.5 }) };
    },
  };
}

function legacyTarget(): FuzzTarget {
  const base = fixture('keras2_model.h5');
  return {
    name: 'Keras 2 .h5',
    async mutate(r) {
      const kind = r.pick(['bytes', 'bytes', 'bytes', 'config', 'config', 'grown']);
      if (kind === 'bytes') {
        const m = byteMutation(base, r);
        return { kind: m.kind, files: { 'fuzz.h5': m.bytes } };
      }
      if (kind === 'grown') return { kind, files: { 'fuzz.h5': await rewriteH5(base, { grow: r }) } };
      let mutation = '';
      const bytes = await rewriteH5(base, {
        attr: (name, value) => {
          if (name !== 'model_config' || typeof value !== 'string') return undefined;
          const m = mutateJson(value, r);
          mutation = m.kind;
          // HDF5 keeps an attribute in the object header up to 64 kB: a larger one is the file's problem, not ours.
          return m.text.length < 60_000 ? m.text : value;
        },
      });
      return { kind: `config:${mutation}`, files: { 'fuzz.h5': bytes } };
    },
    load: (dir, mutant) => {
      const label = path.join(dir, 'fuzz.h5');
      return { label, run: () => void modelFromLegacyH5(mutant.files['fuzz.h5'], label) };
    },
  };
}

interface LiveModel {
  model: Model;
  weights: ReturnType<Model['getWeights']>;
  optimizer: OptimizerState | null;
}

function live(model: Model): LiveModel {
  return { model, weights: model.getWeights(), optimizer: model.optimizer?.getState() ?? null };
}

/** Bits of every weight and optimizer slot, and the iteration count. */
function fingerprintOf(model: Model): string {
  const state = model.optimizer?.getState();
  return [...model.getWeights().map(bits), String(state?.iterations), ...(state?.slots.map((s) => `${s.variablePath}:${s.name}:${bits(s.value)}`) ?? [])].join('|');
}

function weightsTarget(): FuzzTarget {
  // Ours: the Keras 3 fixture's architecture, trained a step with Adam so the file has optimizer slots.
  const ours = live(modelFromKerasBytes(fixture('keras3_sequential.keras'), 'fixture.keras'));
  const next = random(5);
  const x = randomTensor([2, 8, 8, 3], 'float32', next);
  const y = randomTensor([2, 3], 'float32', next, true);
  ours.model.trainOnBatch(x, y);
  const dir = tempDir();
  saveWeightsSync(ours.model, path.join(dir, 'base.weights.h5'));
  const oursBytes = new Uint8Array(readFileSync(path.join(dir, 'base.weights.h5')));
  // The live model moves on (weights and slots), so that a load that assigns anything changes its bits.
  ours.model.trainOnBatch(x, y);
  Object.assign(ours, live(ours.model));
  // Keras 2's weights-only file, into the model of the Keras 2 model file, its weights randomized.
  const legacy = modelFromLegacyH5(fixture('keras2_model.h5'), 'fixture.h5');
  randomizeWeights(legacy, 9);
  const theirs = live(legacy);
  const theirsBytes = fixture('keras2_weights.h5');
  let current = ours;
  return {
    name: '.weights.h5',
    async mutate(r) {
      current = r.next() < 0.7 ? ours : theirs;
      const base = current === ours ? oursBytes : theirsBytes;
      const structural = r.next();
      if (structural < 0.15) return { kind: 'grown', files: { 'fuzz.weights.h5': await rewriteH5(base, { grow: r }) } };
      if (structural < 0.4) return { kind: 'damaged', files: { 'fuzz.weights.h5': await rewriteH5(base, { damage: r }) } };
      const m = byteMutation(base, r);
      return { kind: `${current === ours ? 'keras3' : 'keras2'}:${m.kind}`, files: { 'fuzz.weights.h5': m.bytes } };
    },
    load: (dir) => {
      const label = path.join(dir, 'fuzz.weights.h5');
      return { label, run: () => loadWeightsSync(current.model, label) };
    },
    fingerprint: () => fingerprintOf(current.model),
    reset: () => {
      current.model.setWeights(current.weights);
      if (current.optimizer !== null) current.model.optimizer?.setState(current.optimizer, current.model.trainableWeights);
    },
  };
}

function tfjsTarget(): FuzzTarget {
  const dir = tempDir();
  exportTfjs(modelFromKerasBytes(fixture('keras3_functional.keras'), 'fixture.keras', { compile: false }), path.join(dir, 'model.json'));
  const json = readFileSync(path.join(dir, 'model.json'), 'utf8');
  const ourShard = (JSON.parse(json) as { weightsManifest: { paths: string[] }[] }).weightsManifest[0].paths[0];
  const bases = [
    { json, shardName: ourShard, shard: new Uint8Array(readFileSync(path.join(dir, ourShard))) },
    { json: readFileSync(path.join(FIXTURES, 'tfjs', 'model.json'), 'utf8'), shardName: 'group1-shard1of1.bin', shard: fixture('tfjs/group1-shard1of1.bin') },
  ];
  return {
    name: 'TF.js',
    async mutate(r) {
      const base = r.pick(bases);
      const kind = r.pick(['json', 'json', 'json-bytes', 'shard-bytes', 'shard-size', 'manifest-path']);
      const files: Record<string, Uint8Array> = { 'model.json': encode(base.json), [base.shardName]: base.shard };
      if (kind === 'json') {
        const m = mutateJson(base.json, r);
        return { kind: `json:${m.kind}`, files: { ...files, 'model.json': encode(m.text) } };
      }
      if (kind === 'json-bytes') return { kind, files: { ...files, 'model.json': byteMutation(files['model.json'], r).bytes } };
      if (kind === 'shard-bytes') return { kind, files: { ...files, [base.shardName]: byteMutation(base.shard, r).bytes } };
      if (kind === 'shard-size') {
        const grown = new Uint8Array(base.shard.length + r.pick([-4, 4, 4096]));
        grown.set(base.shard.subarray(0, grown.length));
        return { kind, files: { ...files, [base.shardName]: grown } };
      }
      const target = r.pick(['../model.json', 'missing.bin', '.', '', 'model.json', '/etc/passwd', base.shardName.repeat(40)]);
      return { kind, files: { ...files, 'model.json': encode(base.json.split(base.shardName).join(target)) } };
    },
    load: (mutantDir) => {
      const label = path.join(mutantDir, 'model.json');
      return { label, run: () => void modelFromTfjs(label) };
    },
  };
}

/** The four targets, made once per campaign (they load fixtures and train a step). */
export function fuzzTargets(): FuzzTarget[] {
  return [kerasTarget(), legacyTarget(), weightsTarget(), tfjsTarget()];
}

/** Writes a mutant's files into `dir` (emptied of the previous mutant's first). */
export function writeMutant(dir: string, mutant: Mutant): void {
  for (const [name, data] of Object.entries(mutant.files)) writeFileSync(path.join(dir, name), data);
}
