import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AlertEvent } from '../db/records.js';
import { toOcsf } from './ocsf.js';
import type { Sender } from './sender.js';
import { jsonOneLine } from './text.js';

interface Waiting {
  line: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Appends one OCSF JSON line per event. Lines waiting together are written in one append and made durable by one
 * fdatasync before any of them counts as delivered (group commit), so a crash loses no delivered line.
 */
export function ocsfFileSender(path: string, productVersion: string): Sender {
  let handle: FileHandle | undefined;
  let waiting: Waiting[] = [];
  let flushing: Promise<void> | undefined;

  async function flush(): Promise<void> {
    while (waiting.length) {
      const batch = waiting;
      waiting = [];
      try {
        if (!handle) {
          await mkdir(dirname(path), { recursive: true });
          handle = await open(path, 'a', 0o640);
        }
        await handle.appendFile(batch.map((w) => w.line).join(''));
        await handle.datasync();
        for (const w of batch) w.resolve();
      } catch (err) {
        // The file may be gone or the disk full: reopen next time.
        await handle?.close().catch(() => {});
        handle = undefined;
        for (const w of batch) w.reject(err);
      }
    }
  }

  return {
    send(event: AlertEvent) {
      // One line per event for every line reader (Python's splitlines also splits on U+0085, U+2028 and U+2029).
      const line = `${jsonOneLine(toOcsf(event, productVersion))}\n`;
      return new Promise<void>((resolve, reject) => {
        waiting.push({ line, resolve, reject });
        flushing ??= flush().finally(() => {
          flushing = undefined;
        });
      });
    },
    async close() {
      await flushing;
      await handle?.close();
      handle = undefined;
    },
  };
}
