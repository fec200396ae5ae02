import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { type Interaction, type ItemContent, serialiseModel, trainRecModel } from './model/index.ts';

/**
 * Trains on a worker thread: training is seconds of CPU, and in `marquee serve` the worker role
 * shares its process (and event loop) with the API. Resolves with the serialised model.
 */
export function trainOffThread(interactions: Interaction[], items: ItemContent[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // The thread registers tsx (as bin/marquee.js does) and then loads this same file.
    const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: { interactions, items } });
    worker.once('message', (bytes: Uint8Array) => resolve(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`training thread exited with code ${code}`));
    });
  });
}

if (!isMainThread && parentPort && (workerData as { interactions?: unknown })?.interactions) {
  const { interactions, items } = workerData as { interactions: Interaction[]; items: ItemContent[] };
  const bytes = serialiseModel(trainRecModel(interactions, items));
  parentPort.postMessage(bytes);
}
