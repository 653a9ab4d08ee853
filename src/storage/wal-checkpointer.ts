// Checkpoints a SQLite database's write-ahead log from a worker thread with its own connection, so
// copying pages back into the database file, and the fsyncs that go with it, never stall the event
// loop whose group commits acknowledge API calls. Best effort: the writer's own autocheckpoint
// (set high by the caller) still bounds the log if this thread ever stops.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// CommonJS, evaluated in the worker; the driver is required by absolute path so the worker does not
// depend on the process's working directory.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = ' + workerData.synchronous);
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next tick retries */ }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(file: string, synchronous: number, intervalMs = 200) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, synchronous, intervalMs } });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    // A failed checkpointer only means the writer checkpoints for itself again.
    this.worker.on('error', () => undefined);
    this.worker.unref();
  }

  /** Stops the thread after its current checkpoint and closes its connection. */
  async stop(): Promise<void> {
    // Referenced again while stopping, or a process with nothing else to do would exit mid-await.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}
