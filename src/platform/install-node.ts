/**
 * Node only: installs the built-ins {@link nodeBuiltin} hands out, for Node versions without
 * `process.getBuiltinModule` (before 20.16). Imported by the package's `node` entry (`src/node.ts`) and
 * never by the browser graph.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as url from 'node:url';
import * as workerThreads from 'node:worker_threads';
import { installNodeBuiltins } from './node-builtins.js';

installNodeBuiltins({ 'node:fs': fs, 'node:os': os, 'node:path': path, 'node:url': url, 'node:worker_threads': workerThreads });
