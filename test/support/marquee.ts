import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Marquee, createMarquee } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { type RunningWorker, startWorker } from '../../src/platform/jobs/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { apiClient } from './client.ts';

export interface TestServer {
  m: Marquee;
  url: string;
  dataDir: string;
  worker?: RunningWorker;
  startWorker(): RunningWorker;
  /** A fresh partner account (signed up, promoted by the service, signed in again): its access token. */
  partnerToken(): Promise<string>;
  close(): Promise<void>;
}

/** A whole Marquee on a random local port with its own data dir: tests talk to it over HTTP. */
export async function startTestServer(env: Record<string, string> = {}, opts: { worker?: boolean } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'marquee-test-'));
  // The test's own client shares the server's event loop, so its work would read as server load:
  // tests that exercise degradation set LOAD_* themselves.
  const config = loadConfig({ DATA_DIR: dataDir, SEED_DEMO: 'false', LOG_LEVEL: 'silent', ENCODE_LADDER: 'fixed', LOAD_EVENT_LOOP_DELAY_MS: '10000', LOAD_LATENCY_MS: '60000', ...env });
  const m = await createMarquee(config, { logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') });
  const address = await m.app.listen({ port: 0, host: '127.0.0.1' });
  const server: TestServer = {
    m,
    url: address,
    dataDir,
    startWorker() {
      server.worker = startWorker({ queue: m.queue, handlers: m.jobs, concurrency: m.config.workerConcurrency, leaseSec: m.config.jobLeaseSec, log: m.log, pollMs: 100 });
      return server.worker;
    },
    async partnerToken() {
      const api = apiClient(server.url);
      const partner = await api.signup();
      await m.services.identity.setRole(partner.accountId, 'partner');
      return (await api.post('/api/v1/auth/login', { email: partner.email, password: partner.password })).body.accessToken as string;
    },
    async close() {
      await server.worker?.stop();
      await m.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (opts.worker) server.startWorker();
  return server;
}
