import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  Random,
  SeedGenerator,
  drawSeed,
  getRandomSeed,
  globalSeedGenerator,
  makeDefaultSeed,
  parseSeed,
  philox4x32,
  sampleNormal,
  sampleTruncatedNormal,
  sampleUniform,
  setRandomSeed,
} from '../src/engine/random.js';
import { InvalidArgumentError } from '../src/errors.js';

function moments(values: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const mean = sum / values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / values.length), min, max };
}

function draw(rng: Random, n: number, f: (r: Random) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(rng);
  return out;
}

describe('Philox4x32-10', () => {
  // Known-answer vectors from the Random123 distribution (kat_vectors, philox4x32_10).
  const cases: Array<[number[], number[], number[]]> = [
    [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
    [
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
    ],
    [
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      [0xa4093822, 0x299f31d0],
      [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
    ],
  ];
  for (const [ctr, key, expected] of cases) {
    test(`KAT ctr=${ctr.map((x) => x.toString(16)).join(',')}`, () => {
      const out = new Uint32Array(4);
      philox4x32(ctr, key, out);
      assert.deepEqual([...out], expected);
    });
  }
});

describe('Random', () => {
  test('same seed and stream give the same sequence; another seed or stream differs', () => {
    const a = draw(new Random(42), 64, (r) => r.nextUint32());
    const b = draw(new Random(42), 64, (r) => r.nextUint32());
    const c = draw(new Random(43), 64, (r) => r.nextUint32());
    const d = draw(new Random(42, 1), 64, (r) => r.nextUint32());
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.notDeepEqual(a, d);
  });

  test('negative and large seeds are accepted and distinct', () => {
    const seeds = [-1, 0, 1, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    const firsts = seeds.map((s) => new Random(s).nextUint32());
    assert.equal(new Set(firsts).size, seeds.length);
  });

  test('nextDouble is uniform on [0, 1) with 53-bit resolution', () => {
    const values = draw(new Random(7), 200_000, (r) => r.nextDouble());
    const m = moments(values);
    assert.ok(m.min >= 0 && m.max < 1, `range [${m.min}, ${m.max}]`);
    // Standard error of the mean is 0.2887 / sqrt(n) ≈ 6.5e-4.
    assert.ok(Math.abs(m.mean - 0.5) < 0.003, `mean ${m.mean}`);
    assert.ok(Math.abs(m.std - Math.sqrt(1 / 12)) < 0.002, `std ${m.std}`);
    // 53 bits: the values are multiples of 2^-53 and many use bits beyond float32's 24.
    let fine = 0;
    for (const v of values) {
      assert.ok(Number.isInteger(v * 2 ** 53));
      if (!Number.isInteger(v * 2 ** 32)) fine++;
    }
    assert.ok(fine > values.length * 0.99, `${fine} values use more than 32 bits`);
  });

  test('nextNormal is standard normal (mean, std, 1σ mass, tails)', () => {
    const values = draw(new Random(11), 200_000, (r) => r.nextNormal());
    const m = moments(values);
    assert.ok(Math.abs(m.mean) < 0.01, `mean ${m.mean}`);
    assert.ok(Math.abs(m.std - 1) < 0.01, `std ${m.std}`);
    const within1 = values.filter((v) => Math.abs(v) < 1).length / values.length;
    assert.ok(Math.abs(within1 - 0.6826894921) < 0.005, `P(|z|<1) = ${within1}`);
    assert.ok(m.max > 3.5 && m.min < -3.5, `tails [${m.min}, ${m.max}]`);
  });

  test('nextNormal pairs are not repeated (the Box–Muller spare is used once)', () => {
    const values = draw(new Random(3), 1000, (r) => r.nextNormal());
    assert.equal(new Set(values).size, values.length);
  });

  test('nextTruncatedNormal stays inside (-2, 2) with std 0.87962566', () => {
    const values = draw(new Random(5), 200_000, (r) => r.nextTruncatedNormal());
    const m = moments(values);
    assert.ok(m.min > -2 && m.max < 2, `range [${m.min}, ${m.max}]`);
    assert.ok(m.max > 1.99 && m.min < -1.99, 'the truncation bounds are reached');
    assert.ok(Math.abs(m.std - 0.87962566103423978) < 0.005, `std ${m.std}`);
    assert.ok(Math.abs(m.mean) < 0.01, `mean ${m.mean}`);
  });

  test('invalid seeds name the argument', () => {
    assert.throws(() => new Random(1.5), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'seed');
    assert.throws(() => new Random(1, Number.NaN), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'stream');
  });
});

describe('Keras seed semantics', () => {
  test('an integer seed means the pair [seed, 0] on every draw', () => {
    assert.deepEqual(drawSeed(5), [5, 0]);
    assert.deepEqual(drawSeed(5), [5, 0]);
    const a = sampleNormal([50], { seed: 9 }).dataSync();
    const b = sampleNormal([50], { seed: 9 }).dataSync();
    assert.deepEqual(a, b);
  });

  test('a SeedGenerator hands out [seed, 0], [seed, 1], ... so each draw differs, reproducibly', () => {
    const gen = new SeedGenerator(1337);
    assert.deepEqual(gen.state, [1337, 0]);
    assert.deepEqual(gen.next(), [1337, 0]);
    assert.deepEqual(gen.next(), [1337, 1]);
    const g1 = new SeedGenerator(3);
    const g2 = new SeedGenerator(3);
    const a1 = sampleUniform([20], { seed: g1 }).dataSync();
    const a2 = sampleUniform([20], { seed: g1 }).dataSync();
    assert.notDeepEqual(a1, a2);
    assert.deepEqual(sampleUniform([20], { seed: g2 }).dataSync(), a1);
    assert.deepEqual(sampleUniform([20], { seed: g2 }).dataSync(), a2);
    // The first draw of a generator equals the integer seed's draw, as [seed, 0] is the same pair.
    assert.deepEqual(a1, sampleUniform([20], { seed: 3 }).dataSync());
  });

  test('SeedGenerator config and serialization follow Keras', () => {
    const gen = new SeedGenerator(4, 'my_gen');
    assert.deepEqual(gen.getConfig(), { seed: 4, name: 'my_gen' });
    assert.deepEqual(gen.serialize(), {
      module: 'keras.random',
      class_name: 'SeedGenerator',
      config: { seed: 4, name: 'my_gen' },
      registered_name: null,
    });
    const back = SeedGenerator.fromConfig(gen.getConfig());
    assert.deepEqual(back.state, [4, 0]);
    assert.equal(back.name, 'my_gen');
    const unseeded = new SeedGenerator();
    assert.equal(unseeded.getConfig().seed, null);
    assert.match(unseeded.name, /^seed_generator(_\d+)?$/);
    assert.throws(() => SeedGenerator.fromConfig({ seed: 1, bogus: 2 }), InvalidArgumentError);
    assert.throws(() => new SeedGenerator(0.5), InvalidArgumentError);
  });

  test('nextRandom gives a fresh stream per call', () => {
    const gen = new SeedGenerator(8);
    const a = gen.nextRandom().nextUint32();
    const b = gen.nextRandom().nextUint32();
    assert.notEqual(a, b);
    assert.equal(new SeedGenerator(8).nextRandom().nextUint32(), a);
  });

  test('setRandomSeed makes default seeds and unseeded draws reproducible', () => {
    setRandomSeed(42);
    assert.equal(getRandomSeed(), 42);
    const seeds = [makeDefaultSeed(), makeDefaultSeed(), makeDefaultSeed()];
    const unseeded1 = sampleNormal([10]).dataSync();
    const unseeded2 = sampleNormal([10]).dataSync();
    assert.notDeepEqual(unseeded1, unseeded2);
    setRandomSeed(42);
    assert.deepEqual([makeDefaultSeed(), makeDefaultSeed(), makeDefaultSeed()], seeds);
    assert.deepEqual(sampleNormal([10]).dataSync(), unseeded1);
    assert.deepEqual(sampleNormal([10]).dataSync(), unseeded2);
    setRandomSeed(43);
    assert.notDeepEqual([makeDefaultSeed(), makeDefaultSeed(), makeDefaultSeed()], seeds);
  });

  test('setRandomSeed rebuilds the global generator', () => {
    setRandomSeed(1);
    const before = globalSeedGenerator();
    before.next();
    setRandomSeed(1);
    const after = globalSeedGenerator();
    assert.notEqual(after, before);
    assert.deepEqual(after.state[1], 0);
  });

  test('default seeds lie in [1, 1e9] like random.randint(1, int(1e9))', () => {
    setRandomSeed(0);
    for (let i = 0; i < 10_000; i++) {
      const s = makeDefaultSeed();
      assert.ok(Number.isInteger(s) && s >= 1 && s <= 1e9, String(s));
    }
  });

  test('seed validation names the argument and value', () => {
    assert.throws(() => setRandomSeed(1.5), /invalid `seed`: received 1\.5/);
    assert.throws(() => parseSeed('x'), /invalid `seed`: received "x"/);
    assert.equal(parseSeed(undefined), null);
    assert.equal(parseSeed(7), 7);
  });
});

describe('sample functions', () => {
  test('uniform respects [minval, maxval) in float32 even when rounding would reach maxval', () => {
    // float32 spacing at 2^24 is 2: without the clamp about half the values would round to maxval.
    const t = sampleUniform([1000], { minval: 16777216, maxval: 16777218, dtype: 'float32', seed: 1 });
    assert.equal(t.dtype, 'float32');
    for (const v of t.dataSync()) assert.ok(v >= 16777216 && v < 16777218, String(v));
    const u = sampleUniform([10_000], { minval: -3, maxval: 5, dtype: 'float64', seed: 2 });
    const m = moments(u.dataSync());
    assert.ok(m.min >= -3 && m.max < 5);
    assert.ok(Math.abs(m.mean - 1) < 0.1 && Math.abs(m.std - 8 / Math.sqrt(12)) < 0.05, JSON.stringify(m));
  });

  test('normal and truncated normal scale by mean and stddev; dtypes are honoured', () => {
    const n = sampleNormal([100_000], { mean: 3, stddev: 0.5, dtype: 'float64', seed: 4 });
    const mn = moments(n.dataSync());
    assert.equal(n.dtype, 'float64');
    assert.ok(Math.abs(mn.mean - 3) < 0.01 && Math.abs(mn.std - 0.5) < 0.005, JSON.stringify(mn));
    const t = sampleTruncatedNormal([100_000], { mean: -1, stddev: 2, dtype: 'float32', seed: 4 });
    const mt = moments(t.dataSync());
    assert.equal(t.dtype, 'float32');
    assert.ok(mt.min >= -5 && mt.max <= 3, JSON.stringify(mt));
    assert.ok(Math.abs(mt.std - 2 * 0.87962566103423978) < 0.02, JSON.stringify(mt));
  });

  test('float32 output equals the float64 draw rounded', () => {
    const a = sampleNormal([100], { seed: 12, dtype: 'float64' }).dataSync();
    const b = sampleNormal([100], { seed: 12, dtype: 'float32' }).dataSync();
    assert.deepEqual(b, Float32Array.from(a));
  });

  test('bad arguments name the argument', () => {
    assert.throws(() => sampleUniform([2], { minval: 1, maxval: 0 }), /invalid `maxval`/);
    assert.throws(() => sampleNormal([2], { stddev: Number.NaN }), /invalid `stddev`/);
    assert.throws(() => sampleNormal([2], { dtype: 'int32' as 'float32' }), /invalid `dtype`/);
    assert.throws(() => sampleNormal([2.5]), /invalid `shape`/);
    assert.throws(() => sampleNormal([2], { seed: 'x' as unknown as number }), /invalid `seed`/);
  });
});
