/**
 * The browser tests' web server: static files of the repository on 127.0.0.1 (an ephemeral port), under
 * two prefixes that differ only in their headers: `/iso/…` sends Cross-Origin-Opener-Policy: same-origin
 * and Cross-Origin-Embedder-Policy: require-corp (the page is cross-origin isolated: SharedArrayBuffer,
 * threads), `/plain/…` sends neither (the single-memory kernels on the main thread). Tests can also serve
 * bytes they made (`put`), e.g. a .keras file Node saved. Nothing outside the repository is served.
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The URL of a repository path under the isolated (`iso`) or plain prefix. */
  url(path: string, mode: 'iso' | 'plain'): string;
  /** Serves `bytes` at `/<prefix>/generated/<name>`. */
  put(name: string, bytes: Uint8Array): void;
  close(): Promise<void>;
}

/** Starts the server; `root` defaults to the repository. */
export async function startServer(root = REPO_ROOT): Promise<TestServer> {
  const generated = new Map<string, Uint8Array>();
  const handler = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const match = /^\/(iso|plain)(\/.*)$/.exec(url.pathname);
    if (match === null) {
      response.writeHead(404).end('not found');
      return;
    }
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', 'Cross-Origin-Resource-Policy': 'same-origin' };
    if (match[1] === 'iso') {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    const path = decodeURIComponent(match[2]);
    const made = path.startsWith('/generated/') ? generated.get(path.slice('/generated/'.length)) : undefined;
    if (made !== undefined) {
      response.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream', 'Content-Length': String(made.byteLength) });
      response.end(made);
      return;
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep)) {
      response.writeHead(403).end('forbidden');
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const body = await readFile(file);
      response.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': String(body.byteLength) });
      response.end(body);
    } catch {
      response.writeHead(404, headers).end('not found');
    }
  };
  const server = createServer((request, response) => void handler(request, response));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path, mode) => `${origin}/${mode}/${path.replace(/^\//, '')}`,
    put: (name, bytes) => void generated.set(name, bytes),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
