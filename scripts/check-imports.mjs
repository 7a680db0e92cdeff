#!/usr/bin/env node
// Enforces the layering written in docs/ARCHITECTURE.md: every import under src/ points to the same folder
// or to a folder below it in LAYERS, and no file imports itself back through any chain (zero cycles at
// file level, `import type` included). Run by `npm run lint`; exits 1 with one line per violation.
/* global process, console */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Bottom to top. A folder may import its own files and any folder on an earlier line; folders on the same
 * line are peers and may not import each other.
 */
const LAYERS = [
  ['errors.ts'],
  ['platform'],
  ['utils'],
  ['serialization'],
  ['engine'],
  ['kernels'],
  ['ops'],
  ['config'],
  ['activations', 'initializers', 'regularizers', 'constraints'],
  ['layers'],
  ['training'],
  ['models'],
  ['io'],
  ['applications'],
  ['index.ts'],
  ['node.ts'],
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const rank = new Map();
LAYERS.forEach((names, level) => names.forEach((name) => rank.set(name, level)));

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const files = listFiles(root);
const importPattern = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function stripComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function resolve(from, specifier) {
  const target = normalize(join(dirname(from), specifier));
  const candidates = [target.replace(/\.js$/, '.ts'), join(target, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

/** The top-level entry (folder or root file) a source file belongs to. */
function topOf(file) {
  return relative(root, file).split(sep)[0];
}

const problems = new Set();
const edges = new Map();
for (const file of files) {
  const targets = [];
  for (const match of stripComments(readFileSync(file, 'utf8')).matchAll(importPattern)) {
    const specifier = match[1] ?? match[2];
    const target = resolve(file, specifier);
    const from = relative(root, file);
    if (target === null) {
      problems.add(`${from}: cannot resolve '${specifier}'`);
      continue;
    }
    targets.push(target);
    const [a, b] = [topOf(file), topOf(target)];
    if (a === b) continue;
    if (!rank.has(a) || !rank.has(b)) {
      problems.add(`${from}: '${!rank.has(a) ? a : b}' is not in the layer list of scripts/check-imports.mjs`);
    } else if (rank.get(b) >= rank.get(a)) {
      const how = rank.get(b) === rank.get(a) ? 'a peer' : 'a layer above';
      problems.add(`${from} imports ${relative(root, target)}: '${b}' is ${how} '${a}'`);
    }
  }
  edges.set(file, targets);
}

// Tarjan's strongly connected components: every component of more than one file is a cycle.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
function connect(v) {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!index.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) !== index.get(v)) return;
  const component = [];
  let w;
  do {
    w = stack.pop();
    onStack.delete(w);
    component.push(relative(root, w));
  } while (w !== v);
  if (component.length > 1) problems.add(`import cycle between ${component.sort().join(', ')}`);
}
for (const file of files) if (!index.has(file)) connect(file);

if (problems.size > 0) {
  console.error(`check-imports: ${problems.size} problem(s) (the layer order is in scripts/check-imports.mjs and docs/ARCHITECTURE.md)`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(`check-imports: ${files.length} files, imports point downward, no cycles`);
