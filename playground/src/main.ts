/**
 * The playground page: draw a digit and watch the demo's depthwise-separable network classify it as you
 * draw; train that network here (progress bar, live loss and accuracy) or load the `.keras` file
 * `npm run demo` saves; see the first depthwise layer's kernels and its feature maps for your drawing;
 * drop a `.keras`, `.h5` or `model.json` (+ shards) to get its summary and a prediction; read the backend,
 * threads and milliseconds per prediction. `window.playground` exposes the state for the browser tests.
 */
import type { Model } from '../../src/index.js';
import { getBackendName, getNumThreads, LambdaCallback, loadModel, ready, setRandomSeed, tensor, tidy } from '../../src/index.js';
import type { DigitSet } from './digits.js';
import { loadDigits, trainingBatches } from './digits.js';
import { featureMaps, firstDepthwise, inputFor } from './inspect.js';
import { buildDemoNetwork } from './network.js';
import { createPad } from './pad.js';
import type { Series } from './views.js';
import { greyImage, renderBars, renderChannels, renderChart } from './views.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

interface State {
  model: Model | null;
  source: string;
  digits: { train: DigitSet; test: DigitSet } | null;
  probabilities: number[] | null;
  msPerPrediction: number | null;
  training: boolean;
  trained: { epochs: number; accuracy: number; valAccuracy: number | null } | null;
  summary: string;
  dropped: { name: string; prediction: number[] | null; error: string | null } | null;
}
const state: State = { model: null, source: 'none', digits: null, probabilities: null, msPerPrediction: null, training: false, trained: null, summary: '', dropped: null };

const pad = createPad($<HTMLCanvasElement>('pad'), () => classify());
$('clear').addEventListener('click', () => pad.clear());

function setStatus(text: string): void {
  $('status').textContent = text;
}

function showSpeed(): void {
  const isolated = globalThis.crossOriginIsolated === true;
  $('speed').textContent = `${getBackendName()} · ${getNumThreads()} thread${getNumThreads() === 1 ? '' : 's'}${isolated ? ' (cross-origin isolated)' : ' (not isolated: single memory, main thread)'} · ${
    state.msPerPrediction === null ? '–' : `${state.msPerPrediction.toFixed(2)} ms per prediction`
  }`;
}

/** Classifies the drawing with the current model and redraws the bars and feature maps. */
function classify(): void {
  const model = state.model;
  if (model === null || state.training) return;
  if (pad.empty) {
    state.probabilities = null;
    renderBars($('bars'), null);
    $('maps').replaceChildren();
    return;
  }
  const pixels = pad.image();
  $('input28').replaceChildren(greyImage(pixels, 28, 28, 3));
  const x = inputFor(model, pixels);
  if (x === null) return;
  const started = performance.now();
  const probabilities = tidy(() => Array.from(model.predict(x).dataSync()));
  state.msPerPrediction = performance.now() - started;
  state.probabilities = probabilities;
  renderBars($('bars'), probabilities.length === 10 ? probabilities : null);
  const layer = firstDepthwise(model);
  const maps = layer === null ? null : featureMaps(model, layer, x);
  if (maps !== null && maps.shape.length === 4) renderChannels($('maps'), maps.values, maps.shape[1], maps.shape[2], maps.shape[3], Math.max(2, Math.floor(56 / maps.shape[1])), false);
  x.dispose();
  showSpeed();
}

/** Makes `model` the one the pad uses: kernels drawn, summary shown, the drawing classified. */
function useModel(model: Model, source: string): void {
  state.model = model;
  state.source = source;
  const lines: string[] = [];
  model.summary({ printFn: (line) => lines.push(line), lineLength: 72 });
  state.summary = lines.join('\n');
  $('model-name').textContent = `${model.name} (${source}, ${model.countParams().toLocaleString('en-US')} parameters)`;
  const layer = firstDepthwise(model);
  if (layer !== null) {
    const kernel = layer.getWeights()[0]; // [kh, kw, C, depthMultiplier]
    const [kh, kw, c, m] = kernel.shape;
    renderChannels($('kernels'), kernel.dataSync(), kh, kw, c * m, 8, true);
    $('kernels-title').textContent = `${layer.name}: ${c * m} kernels of ${kh}×${kw}`;
  }
  classify();
}

async function train(): Promise<void> {
  if (state.training) return;
  state.training = true;
  const epochs = Number(($('epochs') as HTMLSelectElement).value);
  const count = Number(($('count') as HTMLSelectElement).value);
  const digits = state.digits ?? (state.digits = await loadDigits('./digits.bin'));
  const set: DigitSet = { images: digits.train.images.subarray(0, count * 784), labels: digits.train.labels.subarray(0, count), count: Math.min(count, digits.train.count) };
  const batchSize = 64;
  const steps = Math.ceil(set.count / batchSize);
  setRandomSeed(1);
  const model = buildDemoNetwork(epochs * steps);
  const loss: Series = { label: 'loss', color: '#ff8a3d', points: [], max: 2.5 };
  const accuracy: Series = { label: 'accuracy', color: '#4fc3f7', points: [], max: 1 };
  const progress = $<HTMLProgressElement>('progress');
  progress.max = epochs * steps;
  let done = 0;
  let epoch = 0;
  const started = performance.now();
  setStatus(`training on ${set.count} digits…`);
  const { history } = await model.fit(trainingBatches(set, batchSize, 1), {
    epochs,
    verbose: 0,
    callbacks: [
      new LambdaCallback({
        onEpochBegin: (e) => (epoch = e),
        onTrainBatchEnd: (_batch, logs) => {
          done++;
          progress.value = done;
          loss.points.push(logs?.loss ?? NaN);
          accuracy.points.push(logs?.accuracy ?? NaN);
          renderChart($<HTMLCanvasElement>('chart'), [loss, accuracy], epochs * steps);
          setStatus(`epoch ${epoch + 1}/${epochs}, batch ${((done - 1) % steps) + 1}/${steps} · ${((performance.now() - started) / 1000).toFixed(1)} s`);
        },
      }),
    ],
  });
  const test = digits.test;
  const [, valAccuracy] = tidy(
    () => model.evaluate(tensor(test.images, [test.count, 28, 28, 1]), tensor(Float32Array.from(test.labels), [test.count]), { verbose: 0, batchSize: 250 }) as number[],
  );
  state.trained = { epochs, accuracy: history.accuracy[history.accuracy.length - 1], valAccuracy };
  setStatus(`trained ${epochs} epoch${epochs === 1 ? '' : 's'} in ${((performance.now() - started) / 1000).toFixed(1)} s · test accuracy ${(valAccuracy * 100).toFixed(2)}% on ${test.count} held-out digits`);
  state.training = false;
  useModel(model, 'trained in this page');
}

async function loadDemoModel(): Promise<void> {
  try {
    setStatus('loading the demo model…');
    useModel(await loadModel('./mnist-mini.keras'), 'npm run demo');
    setStatus('loaded demo-output/mnist-mini.keras');
  } catch (error) {
    setStatus(`no demo model: run \`npm run demo\` first (${(error as Error).message})`);
  }
}

async function dropped(files: File[]): Promise<void> {
  const main = files.find((f) => /\.(keras|h5|hdf5|json)$/i.test(f.name)) ?? files[0];
  state.dropped = { name: main.name, prediction: null, error: null };
  try {
    const model = await loadModel(main.name.toLowerCase().endsWith('.json') ? files : main);
    useModel(model, `dropped ${main.name}`);
    state.dropped.prediction = state.probabilities;
    $('summary').textContent = state.summary;
  } catch (error) {
    state.dropped.error = (error as Error).message;
    $('summary').textContent = `could not load ${main.name}: ${(error as Error).message}`;
  }
}

const drop = $('drop');
drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  void dropped(Array.from(event.dataTransfer?.files ?? []));
});
$<HTMLInputElement>('file').addEventListener('change', (event) => void dropped(Array.from((event.target as HTMLInputElement).files ?? [])));
$('train').addEventListener('click', () => void train());
$('load-demo').addEventListener('click', () => void loadDemoModel());
$('show-summary').addEventListener('click', () => ($('summary').textContent = state.summary));

renderBars($('bars'), null);
renderChart($<HTMLCanvasElement>('chart'), [], 1);
const started = ready().then(() => {
  showSpeed();
  setStatus('ready: train the network here, or load the demo model');
});

(globalThis as { playground?: unknown }).playground = { state, ready: started, train, loadDemoModel, dropped, classify, pad };
