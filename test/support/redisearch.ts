import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { freePort } from './nginx.ts';

/**
 * A private redis-server with the RediSearch module (Debian's `redis-redisearch`, which `.ci/run`
 * installs), on a free port, for the search-server suites; the system Redis is left alone. When
 * the module or redis-server is missing the suite is skipped, unless CI=true: then it fails.
 */
export const REDISEARCH_MODULE = process.env.REDISEARCH_MODULE ?? '/usr/lib/redis/modules/redisearch.so';

function redisServerBinary(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export interface RediSearchServer {
  url: string;
  client(): Redis;
  stop(): Promise<void>;
}

/** Starts the server, or returns undefined (outside CI) when it cannot be run here. */
export async function startRediSearch(): Promise<RediSearchServer | undefined> {
  const binary = redisServerBinary();
  const missing = !binary ? 'redis-server is not installed' : !existsSync(REDISEARCH_MODULE) ? `no RediSearch module at ${REDISEARCH_MODULE} (apt-get install redis-redisearch)` : undefined;
  if (missing) {
    if (process.env.CI === 'true') throw new Error(`RediSearch suites cannot run and CI=true, so they fail rather than skip: ${missing}`);
    process.stderr.write(`RediSearch suites skipped: ${missing}. Under CI=true this fails instead.\n`);
    return undefined;
  }
  const port = await freePort();
  const child: ChildProcess = spawn(binary!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loadmodule', REDISEARCH_MODULE], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // A test process that ends without stop() (a failed before(), an exit) must not leave the server running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const url = `redis://127.0.0.1:${port}`;
  const clients: Redis[] = [];
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server with RediSearch exited with ${child.exitCode}`);
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // not listening yet: retried below
    try {
      await probe.connect();
      await probe.call('FT.INFO', 'probe').catch((err: Error) => {
        if (!/unknown index|no such index/i.test(err.message)) throw err;
      });
      break;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`redis-server with RediSearch did not start within 10 s (${String(err)})`, { cause: err });
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      probe.disconnect();
    }
  }
  return {
    url,
    client() {
      const c = new Redis(url, { maxRetriesPerRequest: 1 });
      clients.push(c);
      return c;
    },
    async stop() {
      process.off('exit', killOnExit);
      for (const c of clients) c.disconnect();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
