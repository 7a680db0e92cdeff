// Every convolution kernel of every rank against the one naive reference (test/helpers/conv-cases.ts):
// rank × strides × dilation × padding × data format × groups / depth multiplier × dtype, plus explicit
// paddings, stride-and-dilation, windows larger than the input and the pointwise fast paths.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { ExplicitPadding } from '../../src/kernels/conv/index.js';
import type { ConvCase } from '../helpers/conv-cases.js';
import { checkConvCase, convGrid } from '../helpers/conv-cases.js';
import { caseName, product } from '../helpers/product.js';

/** The extra cases the grid does not reach. */
function extras(): ConvCase[] {
  // Stride and dilation both > 1 (layers forbid it, the kernels must still be right), explicit paddings as
  // Conv1D 'causal' and the transposed convolution use them (a negative `after` crops), and 'same' windows
  // larger than the input.
  const geometries: Array<Pick<ConvCase, 'rank' | 'input' | 'kernel' | 'strides' | 'dilation' | 'padding'>> = [
    { rank: 2, input: [2, 7, 6, 4], kernel: [3, 3], strides: [2, 2], dilation: [2, 2], padding: 'same' },
    { rank: 2, input: [1, 5, 8, 4], kernel: [2, 3], strides: [2, 1], dilation: [1, 2], padding: 'valid' },
    { rank: 1, input: [2, 6, 4], kernel: [3], strides: [1], dilation: [2], padding: [[4, 0]] },
    { rank: 2, input: [1, 6, 5, 8], kernel: [3, 2], strides: [2, 2], dilation: [1, 1], padding: [[1, -1], [0, 1]] },
    { rank: 2, input: [1, 4, 4, 4], kernel: [3, 3], strides: [1, 1], dilation: [1, 1], padding: [[2, 2], [2, 0]] },
    { rank: 3, input: [1, 4, 5, 3, 4], kernel: [3, 2, 2], strides: [2, 1, 2], dilation: [1, 1, 1], padding: [[1, -1], [0, 1], [2, 0]] },
    { rank: 3, input: [1, 5, 4, 4, 4], kernel: [3, 3, 3], strides: [2, 2, 2], dilation: [2, 1, 2], padding: 'same' },
    { rank: 2, input: [1, 2, 3, 4], kernel: [5, 5], strides: [2, 2], dilation: [1, 1], padding: 'same' },
    { rank: 3, input: [2, 1, 1, 2, 8], kernel: [3, 5, 3], strides: [1, 1, 1], dilation: [1, 1, 1], padding: 'same' },
    { rank: 1, input: [1, 2, 4], kernel: [3], strides: [1], dilation: [3], padding: 'same' },
  ];
  const explicit = product({
    geometry: geometries,
    dataFormat: ['channels_last', 'channels_first'] as const,
    grouping: [
      { kind: 'grouped', multiplicity: 1 },
      { kind: 'grouped', multiplicity: 4 },
      { kind: 'depthwise', multiplicity: 2 },
    ] as const,
    dtype: ['float32', 'float64'] as const,
  }).map(({ geometry, grouping, ...rest }): ConvCase => {
    const channels = geometry.input[geometry.input.length - 1];
    return { ...geometry, ...rest, ...grouping, filters: grouping.kind === 'depthwise' ? channels * 2 : 8 };
  });
  // Pointwise (unit windows, stride 1, unpadded, one group) convolutions take matrix-product fast paths:
  // channel and filter counts below, at and past the 4-wide unrolls, pixel counts that are and are not
  // multiples of 4; 'same' pads nothing for a unit window, so it takes the fast path too.
  const pointwise = product({
    rank: [1, 2, 3] as const,
    channels: [1, 3, 4, 5, 17],
    dataFormat: ['channels_last', 'channels_first'] as const,
    dtype: ['float32', 'float64'] as const,
  }).map(({ rank, channels, dataFormat, dtype }, i): ConvCase => {
    const spatial = ([[5], [3, 5], [2, 1, 3]] as const)[rank - 1];
    return {
      rank,
      input: [1 + (i % 3), ...spatial, channels],
      kernel: spatial.map(() => 1),
      strides: spatial.map(() => 1),
      dilation: spatial.map(() => 1 + (i % 2)),
      padding: i % 2 === 0 ? 'valid' : 'same',
      dataFormat,
      kind: 'grouped',
      multiplicity: 1,
      filters: [1, 3, 4, 6, 9, 17][(i + channels) % 6],
      dtype,
    };
  });
  return [...explicit, ...pointwise];
}

const GRID = convGrid();
const EXTRAS = extras();

function title(c: ConvCase): string {
  const { input, kind, multiplicity, ...rest } = c;
  const padding = Array.isArray(c.padding) ? (c.padding as ExplicitPadding).map((p) => `[${p.join(',')}]`).join('') : c.padding;
  return caseName({ ...rest, padding, input: input.join('x'), [kind === 'depthwise' ? 'depthMultiplier' : 'groups']: multiplicity });
}

describe('the convolution grid covers the argument space', () => {
  test('every rank, format, grouping and dtype, with strides, dilation and both paddings', () => {
    for (const rank of [1, 2, 3]) {
      for (const dataFormat of ['channels_last', 'channels_first']) {
        for (const dtype of ['float32', 'float64']) {
          const of = GRID.filter((c) => c.rank === rank && c.dataFormat === dataFormat && c.dtype === dtype);
          assert.ok(of.some((c) => c.kind === 'depthwise' && c.multiplicity === 3), `rank ${rank} ${dataFormat} ${dtype}: depth multiplier 3`);
          assert.ok(of.some((c) => c.kind === 'grouped' && c.multiplicity === c.input[c.input.length - 1] && c.multiplicity > 2), `rank ${rank}: groups = C`);
          assert.ok(of.some((c) => c.strides.every((s) => s === 2) && c.padding === 'same'), `rank ${rank}: strides 2, same`);
          assert.ok(of.some((c) => c.dilation.every((d) => d === 2) && c.padding === 'valid'), `rank ${rank}: dilation 2, valid`);
        }
      }
    }
    assert.ok(GRID.length + EXTRAS.length > 2000);
  });
});

for (const [label, cases] of [['grid', GRID], ['explicit padding, stride with dilation, oversized windows, pointwise', EXTRAS]] as const) {
  describe(`convolution kernels vs the naive reference: ${label}`, () => {
    cases.forEach((c, i) => test(title(c), () => checkConvCase(c, 0xc0de + i)));
  });
}
