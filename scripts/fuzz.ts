/**
 * `npm run fuzz -- --count N [--kills N] [--seed S] [--big] [--only .keras,TF.js] [--reasons]`: a long fuzzing
 * run of the loaders (N mutants per format, see test/io/fuzz/) and, with --kills, N SIGKILLs per save
 * format. Prints the figures issue #12 asks for: crashes, hangs over 1 s, the slowest refusal, peak memory,
 * refused-but-changed, temporary files left and unloadable-after-kill; exits 1 when any is not zero.
 * --big adds the 1 GiB zip bombs (seconds to build once).
 */

import { ioReady } from '../src/io/index.js';
import { runCampaign } from '../test/io/fuzz/campaign.js';
import { runKills } from '../test/io/fuzz/kills.js';

const USAGE = `usage: npm run fuzz -- [--count N] [--kills N] [--seed S] [--big] [--only <formats>] [--reasons]
  --count N      mutants per format (default 1000; 0 skips the campaign)
  --kills N      SIGKILLs of saves per save format (default 0)
  --seed S       the campaign's seed (default 1); the same seed makes the same mutants
  --big          add the 1 GiB zip bombs (seconds to build once)
  --only F,...   only these formats: .keras, Keras 2 .h5, .weights.h5, TF.js
  --reasons      list the refusal messages per format, with their counts
  --help         print this and exit
Exits 1 when a crash, a refusal over 1 s, a refused load that changed the model, a temporary file left after
the next save or a file unloadable after a kill is found.`;

interface Args {
  count: number;
  kills: number;
  seed: number;
  big: boolean;
  only: string[] | undefined;
  reasons: boolean;
  help: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { count: 1000, kills: 0, seed: 1, big: false, only: undefined, reasons: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer, got ${argv[i]}`);
      return n;
    };
    if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--count') args.count = value();
    else if (flag === '--kills') args.kills = value();
    else if (flag === '--seed') args.seed = value();
    else if (flag === '--big') args.big = true;
    else if (flag === '--reasons') args.reasons = true;
    else if (flag === '--only') args.only = (argv[++i] ?? '').split(',');
    else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  return args;
}

const row = (cells: readonly (string | number)[], widths: readonly number[]): string => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  await ioReady();
  let failed = false;
  if (args.count > 0) {
    console.log(`fuzzing: seed ${args.seed}, ${args.count} mutants per format${args.big ? ', 1 GiB bombs' : ''}`);
    let last = 0;
    const figures = await runCampaign({
      seed: args.seed,
      count: args.count,
      big: args.big,
      only: args.only,
      slowMs: 1000,
      onMutant: (target, i) => {
        if (Date.now() - last > 10_000) {
          last = Date.now();
          console.log(`  ${target} ${i}/${args.count}`);
        }
      },
    });
    const widths = [12, 8, 7, 8, 8, 10, 17, 17, 20];
    console.log(row(['format', 'mutants', 'loaded', 'refused', 'crashes', 'hangs>1s', 'slowest refusal', 'max memory/load', 'refused-but-changed'], widths));
    for (const t of figures.targets) {
      console.log(row([t.target, t.mutants, t.loaded, t.refused, t.crashes.length, t.slow.length, `${t.slowestRefusalMs.toFixed(0)} ms`, `${t.maxLoadMemoryMb.toFixed(0)} MB`, t.refusedButChanged.length], widths));
      for (const line of [...t.crashes, ...t.slow, ...t.refusedButChanged].slice(0, 10)) console.log(`    ${line}`);
      console.log(`    slowest refusal: ${t.slowestRefusal}`);
      console.log(`    most memory: ${t.maxLoadMemory}`);
      if (args.reasons) for (const [reason, n] of [...t.reasons].sort((a, b) => b[1] - a[1])) console.log(`    ${String(n).padStart(5)}  ${reason}`);
      failed ||= t.crashes.length + t.slow.length + t.refusedButChanged.length > 0;
    }
    console.log(`peak RSS ${figures.peakRssMb.toFixed(0)} MB (baseline ${figures.baselineRssMb.toFixed(0)} MB), ${figures.seconds.toFixed(0)} s`);
  }
  if (args.kills > 0) {
    console.log(`killing saves: seed ${args.seed}, ${args.kills} kills per format`);
    const started = performance.now();
    const kills = await runKills({ seed: args.seed, kills: args.kills, concurrency: 3 });
    const widths = [12, 6, 20, 20, 30];
    console.log(row(['format', 'kills', 'unloadable after kill', 'kills leaving temps', 'temp files left after next save'], widths));
    for (const k of kills) {
      console.log(row([k.format, k.kills, k.unloadable.length, k.leftByKill, k.leftAfterNextSave.length], widths));
      for (const line of [...k.unloadable, ...k.leftAfterNextSave].slice(0, 10)) console.log(`    ${line}`);
      failed ||= k.unloadable.length + k.leftAfterNextSave.length > 0;
    }
    console.log(`${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  },
);
