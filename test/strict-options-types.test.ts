// The runtime lists of option keys cannot drift from the TypeScript option types: `optionKeys<T>()` and the
// layer schema's `defineOptions<O>()` / `defineOwnOptions<O>()` are compile errors unless their list names
// every key of the type and nothing else. The `@ts-expect-error` lines below are checked by `npm run
// typecheck` (tsc fails on an expect-error that is not an error), so a guard that stopped guarding fails the
// build; the tests check what the declarations give at run time.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { DenseOptions, FitOptions, InputOptions, LayerOptions } from '../src/index.js';
import { defineOptions, defineOwnOptions, option } from '../src/layers/options-schema.js';
import { FIT_OPTION_KEYS } from '../src/models/training-options.js';
import { optionKeys } from '../src/utils/option-keys.js';

interface Sample {
  alpha?: number;
  betaGamma: string;
}

interface SampleLayerOptions extends LayerOptions {
  units: number;
  useBias?: boolean;
}

describe('option key lists are checked against their types at compile time', () => {
  test('optionKeys: exactly the keys of the type', () => {
    const keys = optionKeys<Sample>()(['alpha', 'betaGamma']);
    assert.deepEqual(keys, ['alpha', 'betaGamma']);
    // @ts-expect-error a key of the type is missing from the list
    optionKeys<Sample>()(['alpha']);
    // @ts-expect-error the list names a key the type does not have
    optionKeys<Sample>()(['alpha', 'betaGamma', 'delta']);
    // @ts-expect-error the snake_case spelling is not the key
    optionKeys<Sample>()(['alpha', 'beta_gamma']);
  });

  test('the public lists are the types: fit()', () => {
    // Adding a key to FitOptions without adding it to FIT_OPTION_KEYS would not compile; this pins the list.
    const all: readonly (keyof FitOptions)[] = FIT_OPTION_KEYS;
    assert.equal(new Set(all).size, all.length);
    assert.ok(all.includes('epochs') && all.includes('batchSize'));
  });

  test("defineOptions: a layer's schema names exactly its own options (the base ones come from LayerOptions)", () => {
    const spec = defineOptions<SampleLayerOptions>()('Sample', { units: option.size({ required: true }), useBias: option.boolean(true) });
    assert.deepEqual(spec.optionKeys.slice(0, 2), ['units', 'useBias']);
    assert.ok(spec.optionKeys.includes('name') && spec.optionKeys.includes('activityRegularizer'), 'the base keys are accepted');
    assert.deepEqual(spec.configKeys.slice(-2), ['units', 'use_bias'], 'config keys are the snake_case of the options written to the config');
    // @ts-expect-error `useBias` is missing from the schema
    defineOptions<SampleLayerOptions>()('Sample', { units: option.size({ required: true }) });
    // @ts-expect-error `use_bias` is not an option of the type
    defineOptions<SampleLayerOptions>()('Sample', { units: option.size({ required: true }), useBias: option.boolean(true), use_bias: option.boolean(true) });
    // @ts-expect-error Dense's schema must name its every option
    defineOptions<DenseOptions>()('Dense', { units: option.size({ required: true }) });
  });

  test('defineOwnOptions: a layer without the base options (InputLayer) names all of its keys', () => {
    const all = {
      shape: option.shape(),
      batchSize: option.checkedByLayerBase(),
      batchShape: option.shape(),
      dtype: option.checkedByLayerBase(),
      name: option.checkedByLayerBase(),
      sparse: option.falseOnly('sparse inputs are not supported'),
    };
    const spec = defineOwnOptions<InputOptions>()('InputLayer', all);
    assert.deepEqual(spec.optionKeys, ['shape', 'batchSize', 'batchShape', 'dtype', 'name', 'sparse']);
    // @ts-expect-error `sparse` (and more) missing
    defineOwnOptions<InputOptions>()('InputLayer', { shape: option.shape() });
    // @ts-expect-error `trainable` is a base layer option, not one of InputLayer's
    defineOwnOptions<InputOptions>()('InputLayer', { ...all, trainable: option.boolean(true) });
  });
});
