/**
 * Model files kept in a browser's IndexedDB, as TF.js's `indexeddb://name`: one object store of
 * `{ name, bytes, savedAt }` records, the bytes those of a `.keras` (or `.weights.h5`) file, so what is
 * stored is exactly what `save()` would return.
 */

import { ModelFileError } from './errors.js';

const DATABASE = 'depthwise-models';
const STORE = 'files';

interface StoredFile {
  name: string;
  bytes: Uint8Array;
  savedAt: string;
}

function database(where: string): Promise<IDBDatabase> {
  const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (factory === undefined) return Promise.reject(new ModelFileError(where, 'IndexedDB is not available here (indexeddb:// needs a browser)'));
  return new Promise((resolve, reject) => {
    const request = factory.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'name' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new ModelFileError(where, `IndexedDB cannot be opened: ${String(request.error)}`));
  });
}

function run<T>(where: string, mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return database(where).then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const transaction = db.transaction(STORE, mode);
        const request = fn(transaction.objectStore(STORE));
        transaction.oncomplete = () => {
          db.close();
          resolve(request.result);
        };
        transaction.onerror = () => {
          db.close();
          reject(new ModelFileError(where, `IndexedDB ${mode === 'readonly' ? 'read' : 'write'} failed: ${String(transaction.error)}`));
        };
      }),
  );
}

function checkName(name: string, where: string): void {
  if (name === '') throw new ModelFileError(where, "an IndexedDB model needs a name: 'indexeddb://my-model'");
}

/** Stores `bytes` under `name` (replacing what was there). */
export async function writeToIndexedDb(name: string, bytes: Uint8Array, where: string): Promise<void> {
  checkName(name, where);
  const record: StoredFile = { name, bytes: bytes.slice(), savedAt: new Date().toISOString() };
  await run(where, 'readwrite', (store) => store.put(record));
}

/** The bytes stored under `name`; a {@link ModelFileError} when there are none. */
export async function readFromIndexedDb(name: string, where: string): Promise<Uint8Array> {
  checkName(name, where);
  const record = (await run(where, 'readonly', (store) => store.get(name) as IDBRequest<StoredFile | undefined>)) ?? null;
  if (record === null || !(record.bytes instanceof Uint8Array)) throw new ModelFileError(where, 'no model is stored under this name in IndexedDB');
  return record.bytes;
}
