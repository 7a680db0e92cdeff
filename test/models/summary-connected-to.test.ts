// summary() of functional models against Keras 3.15 (summary_functional.json, written by
// test/fixtures/keras/generate_summary_functional.py): a graph that is not a chain (several inputs or
// outputs, a merge, a shared layer, nested models) gets the "Connected to" column with
// `layer[node][tensor]` entries, one row per layer; a chain by Keras's depths keeps three columns.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { applications, clearSession, Dense, kerasModel, kerasModelSequential, layerAdd, layerConcatenate, layerDense, layerDepthwiseConv2d, layerInput } from '../../src/index.js';
import type { Model, SymbolicTensor } from '../../src/index.js';
import { loadKerasFixture } from '../helpers/fixtures.js';

interface Case {
  model_name: string;
  layer_names: string[];
  summary_default: string;
}
const fixture = loadKerasFixture<{ cases: Record<string, Case> }>('summary_functional.json');

function summaryText(model: Model): string {
  const lines: string[] = [];
  model.summary({ printFn: (line) => lines.push(line) });
  return `${lines.join('\n')}\n`;
}

beforeEach(() => clearSession());

/** The generator's models, rebuilt with our API. */
const builders: Record<string, () => Model> = {
  two_in_two_out: () => {
    const a = layerInput({ shape: [4], name: 'a' });
    const b = layerInput({ shape: [3], name: 'b' });
    const joined = layerConcatenate([a, b], { name: 'joined' });
    const hidden = layerDense(joined, { units: 5, activation: 'relu', name: 'hidden' });
    const x = layerDense(hidden, { units: 2, name: 'x' });
    const y = layerDense(hidden, { units: 1, name: 'y' });
    return kerasModel({ inputs: { a, b }, outputs: { x, y }, name: 'two_in_two_out' });
  },
  shared_layer: () => {
    const left = layerInput({ shape: [4], name: 'left' });
    const right = layerInput({ shape: [4], name: 'right' });
    const shared = new Dense({ units: 3, name: 'shared' });
    const sum = layerAdd([shared.apply(left), shared.apply(right)], { name: 'sum' });
    return kerasModel({ inputs: [left, right], outputs: sum, name: 'siamese' });
  },
  shared_in_chain: () => {
    const i = layerInput({ shape: [3] });
    const d = new Dense({ units: 3 });
    return kerasModel({ inputs: i, outputs: d.apply(d.apply(i)) });
  },
  nested: () => {
    const ia = layerInput({ shape: [4], name: 'ia' });
    const ib = layerInput({ shape: [2], name: 'ib' });
    const inner = kerasModel({ inputs: [ia, ib], outputs: [layerDense(ia, { units: 3, name: 'inner_p' }), layerDense(ib, { units: 2, name: 'inner_q' })], name: 'inner' });
    const seq = kerasModelSequential({ inputShape: [3], name: 'seq' });
    seq.add(new Dense({ units: 2, name: 'seq_dense' }));
    const u = layerInput({ shape: [4], name: 'u' });
    const v = layerInput({ shape: [2], name: 'v' });
    const [p, q] = inner.applyAll([u, v]) as SymbolicTensor[];
    const r = seq.apply(p);
    return kerasModel({ inputs: [u, v], outputs: layerConcatenate([r, q], { name: 'cat' }), name: 'outer' });
  },
  chain_with_two_outputs: () => {
    const i = layerInput({ shape: [3] });
    const h = layerDense(i, { units: 4 });
    const o = layerDense(h, { units: 2 });
    return kerasModel({ inputs: i, outputs: [o, h] });
  },
  branches: () => {
    const i = layerInput({ shape: [6], name: 'the_only_input_of_this_model' });
    const p = layerDense(i, { units: 2, name: 'first_branch_with_a_long_name' });
    const q = layerDense(i, { units: 2, name: 'second_branch_with_a_long_name' });
    const r = layerDense(i, { units: 2, name: 'third_branch' });
    return kerasModel({ inputs: i, outputs: layerConcatenate([p, q, r], { name: 'merge_of_three' }) });
  },
  dict_nested_unused: () => {
    const i = layerInput({ shape: [3], name: 'inner_in' });
    const inner = kerasModel({ inputs: i, outputs: { q: layerDense(i, { units: 2, name: 'dq' }), p: layerDense(i, { units: 4, name: 'dp' }) }, name: 'dict_inner' });
    const z = layerInput({ shape: [3], name: 'z_in' });
    const unused = layerInput({ shape: [5], name: 'unused' });
    const out = inner.applyAll(z) as unknown as Record<string, SymbolicTensor>;
    const merged = layerConcatenate([out.q, out.p], { name: 'merged' });
    return kerasModel({ inputs: { z, extra: unused }, outputs: merged, name: 'with_unused' });
  },
  mobilenet_v2_small: () => applications.mobilenetV2({ inputShape: [96, 96, 3], alpha: 0.35, classes: 10 }),
};

describe('functional summary() matches Keras 3.15', () => {
  test('every fixture case has a builder', () => {
    assert.deepEqual(Object.keys(builders).sort(), Object.keys(fixture.cases).sort());
  });
  for (const [id, build] of Object.entries(builders)) {
    test(id, () => {
      const expected = fixture.cases[id];
      const model = build();
      assert.equal(model.name, expected.model_name);
      assert.deepEqual(
        model.layers.map((l) => l.name),
        expected.layer_names,
      );
      assert.equal(summaryText(model), expected.summary_default);
    });
  }
});

test('a wide summary keeps every connection on one line with its node and tensor index', () => {
  const model = builders.nested();
  const lines: string[] = [];
  model.summary({ printFn: (l) => lines.push(l), lineLength: 200 });
  const cat = lines.find((l) => l.startsWith('│ cat '));
  assert.ok(cat, lines.join('\n'));
  assert.match(cat, /│ seq\[0\]\[0\], inner\[0\]\[1\] +│$/);
  assert.equal(lines[1].length, 200);
});

/** summary.json (generate.py) also holds Keras's tables at explicit line lengths on a 200-column terminal. */
const wide = loadKerasFixture<{ models: Record<string, Record<string, { result: { text: string } }>> }>('summary.json');

describe('an explicit lineLength lays the columns out as rich does for Keras 3.15', () => {
  const models: Record<string, () => Model> = {
    a_sequential_float32: () => layerDepthwiseConv2d(kerasModelSequential({ inputShape: [28, 28, 1] }), { kernelSize: 3, depthMultiplier: 2, activation: 'relu' }),
    c_functional: () => {
      const i = layerInput({ shape: [16, 16, 3] });
      const h = layerDepthwiseConv2d(i, { kernelSize: 3, padding: 'same' });
      return kerasModel({ inputs: i, outputs: layerDepthwiseConv2d(h, { kernelSize: 3, strides: 2, depthMultiplier: 2 }) });
    },
  };
  for (const [id, build] of Object.entries(models)) {
    for (const [key, lineLength] of [
      ['summary_line_length_108_COLUMNS_200', 108],
      ['summary_default_COLUMNS_200', 88],
    ] as const) {
      test(`${id}, lineLength ${lineLength}`, () => {
        const lines: string[] = [];
        build().summary({ printFn: (l) => lines.push(l), lineLength });
        assert.equal(`${lines.join('\n')}\n`, wide.models[id][key].result.text);
      });
    }
  }
});
