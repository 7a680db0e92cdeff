/** `save('downloads://name')`: hands the file's bytes to the browser as a download, as TF.js does. */

import { ModelFileError } from './errors.js';

/** Starts a download of `bytes` as `fileName` (a browser page only). */
export function downloadBytes(bytes: Uint8Array, fileName: string, where: string): void {
  const doc = (globalThis as { document?: Document }).document;
  if (doc === undefined || typeof URL.createObjectURL !== 'function') throw new ModelFileError(where, 'downloads:// needs a browser page');
  const url = URL.createObjectURL(new Blob([bytes.slice()], { type: 'application/octet-stream' }));
  const anchor = doc.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.style.display = 'none';
  doc.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  // The download has started reading the blob by now; a later revoke cannot cut it short.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
