// The demos, by task: `digits` (the default: a MobileNet-style network learns the MNIST digits,
// examples/digits.ts) and `next-frame` (a ConvLSTM2D + Conv3D network predicts the next frame of moving
// digits, examples/next-frame.ts).
//
//   npm run demo                               # the digits demo
//   npm run demo -- --task next-frame          # the next-frame demo
//   npm run demo -- [--task next-frame] --help # each task's flags
const TASKS = { digits: './digits.js', 'next-frame': './next-frame.js' } as const;

const argv = process.argv.slice(2);
const at = argv.findIndex((a) => a === '--task' || a.startsWith('--task='));
let task = 'digits';
if (at >= 0) {
  const [flag, inline] = argv[at].split('=');
  task = inline ?? argv[at + 1] ?? '';
  argv.splice(at, inline === undefined ? 2 : 1);
  void flag;
}
if (!(task in TASKS)) {
  process.stderr.write(`demo: invalid value for --task: '${task}'; expected one of ${Object.keys(TASKS).join(', ')}\n`);
  process.exit(2);
}
// Each task parses the remaining flags itself, from process.argv as a standalone script would.
process.argv = [...process.argv.slice(0, 2), ...argv];
await import(TASKS[task as keyof typeof TASKS]);
