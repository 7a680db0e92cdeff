/** Loads the golden fixtures written by test/fixtures/keras/generate.py (real Keras 3). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../fixtures/keras/', import.meta.url));

export function loadKerasFixture<T>(name: string): T {
  return JSON.parse(readFileSync(`${root}${name}`, 'utf8')) as T;
}
