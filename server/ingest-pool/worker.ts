import { parentPort, workerData } from 'node:worker_threads';
import { reportPreparer } from './prepare.js';
import type { ResultMessage, TaskMessage } from './protocol.js';

/**
 * An ingest worker: runs reportPreparer on each task of a batch and answers the batch in one message. It holds no
 * database and no state but memos; the main thread starts and stops it (./pool.ts).
 */
const port = parentPort;
if (!port) throw new Error('server/ingest-pool/worker.js runs as a worker thread only');
const prepare = reportPreparer(Buffer.from((workerData as { identifierKey: Uint8Array }).identifierKey));
port.on('message', (message: TaskMessage) => {
  const tasks = Array.isArray(message?.tasks) ? message.tasks : [];
  const reply: ResultMessage = { results: tasks.map((t) => ({ id: t.id, prepared: prepare(t.input) })) };
  port.postMessage(reply);
});
port.postMessage({ ready: true });
