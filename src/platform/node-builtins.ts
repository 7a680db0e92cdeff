/**
 * The one door to Node's built-in modules. Nothing under `src/` imports `node:*` for its value: a module
 * that needs one asks here at call time, so the browser graph (what bundlers follow from `index.ts`)
 * never reaches a Node built-in, and a call that needs Node fails with a sentence, not at import.
 *
 * Node 20.16+ answers through `process.getBuiltinModule`; on older Node the package's `node` entry
 * (`src/node.ts`, chosen by the `node` condition of package.json's exports) installs the modules it
 * imports statically (`install-node.ts`). Type-only imports below are erased from the JavaScript.
 */

import type * as Fs from 'node:fs';
import type * as Os from 'node:os';
import type * as Path from 'node:path';
import type * as Url from 'node:url';
import type * as WorkerThreads from 'node:worker_threads';

/** The built-ins the library uses, by id. */
export interface NodeBuiltins {
  'node:fs': typeof Fs;
  'node:os': typeof Os;
  'node:path': typeof Path;
  'node:url': typeof Url;
  'node:worker_threads': typeof WorkerThreads;
}

export type NodeBuiltinId = keyof NodeBuiltins;

interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

const installed: Partial<NodeBuiltins> = {};

function nodeProcess(): NodeProcess | undefined {
  const proc = (globalThis as { process?: NodeProcess }).process;
  return proc?.versions?.node === undefined ? undefined : proc;
}

/** Whether this is Node (or a runtime that says it is one through `process.versions.node`). */
export function isNode(): boolean {
  return nodeProcess() !== undefined;
}

/** Makes built-ins available where `process.getBuiltinModule` is missing (Node before 20.16). */
export function installNodeBuiltins(builtins: Partial<NodeBuiltins>): void {
  Object.assign(installed, builtins);
}

/** The built-in `id`, or `undefined` outside Node (and on Node before 20.16 when nothing installed it). */
export function nodeBuiltin<K extends NodeBuiltinId>(id: K): NodeBuiltins[K] | undefined {
  const own = installed[id];
  if (own !== undefined) return own;
  return nodeProcess()?.getBuiltinModule?.(id) as NodeBuiltins[K] | undefined;
}

/**
 * The built-in `id`, or an Error saying that `what` needs Node: for the features that are files on a disk
 * (paths, CSVLogger, ModelCheckpoint), which a browser does not have.
 */
export function requireNodeBuiltin<K extends NodeBuiltinId>(id: K, what: string): NodeBuiltins[K] {
  const found = nodeBuiltin(id);
  if (found === undefined) throw new Error(`${what} needs Node.js (${id}), which this environment does not have`);
  return found;
}
