import { Redis } from 'ioredis';

/**
 * Redis for tests. CI has Redis on its standard local port; a laptop may not. A suite that needs
 * it is skipped when the server is unreachable, unless CI=true: then it fails.
 */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let reachable: Promise<boolean> | undefined;

export function redisReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const probe = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // reported below through connect()'s rejection
    try {
      await probe.connect();
      await probe.ping();
      return true;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (process.env.CI === 'true') throw new Error(`Redis is unreachable at ${TEST_REDIS_URL} and CI=true, so the suite fails rather than skips (${why})`, { cause: err });
      process.stderr.write(`Redis suites skipped: ${TEST_REDIS_URL} unreachable (${why}). Under CI=true this fails instead.\n`);
      return false;
    } finally {
      probe.disconnect();
    }
  })();
  return reachable;
}

/** A client on the test Redis, or undefined when it is unreachable (outside CI). */
export async function redisForTests(): Promise<Redis | undefined> {
  return (await redisReachable()) ? new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 }) : undefined;
}
