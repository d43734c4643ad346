// Worker thread entry of the transfer pool: builds the batch runner from the keys it is given at
// start-up and answers each batch request. Never logs; never sees the password.
import { parentPort, workerData } from 'node:worker_threads';
import { createBatchRunner } from './transfer-ops.js';
import type { WorkerInit, BatchRequest, WorkerReady } from './transfer-job.js';

const runBatch = createBatchRunner(workerData as WorkerInit);

parentPort?.on('message', (req: BatchRequest) => {
  void runBatch(req.jobs).then((results) => parentPort?.postMessage({ id: req.id, results }));
});

const ready: WorkerReady = { ready: true };
parentPort?.postMessage(ready);
