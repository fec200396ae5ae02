import { Command, InvalidArgumentError } from 'commander';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { createMarquee, type Marquee } from '../app.ts';
import { ConfigError, loadConfig } from '../platform/config.ts';
import { startWorker, type RunningWorker } from '../platform/jobs/index.ts';
import { seedDemo } from '../demo/seedDemo.ts';
import { JobFailedError } from '../modules/studio/index.ts';
import { createEdge, nginxConfig, nginxLinkKey } from '../modules/delivery/index.ts';
import { createLogger } from '../platform/logger.ts';
import { createMetrics } from '../platform/metrics.ts';
import { terminalReporter } from './progress.ts';
import { registerRecs } from './recs.ts';
import { MOVIELENS_PASSWORD, MovieLensDirError, importMovieLens, movieLensEmail } from './importMovieLens.ts';
import { TRAIN_JOB } from '../modules/recommend/index.ts';

async function boot(): Promise<Marquee> {
  try {
    return await createMarquee(loadConfig());
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

const worker = (m: Marquee): RunningWorker =>
  startWorker({ queue: m.queue, handlers: m.jobs, concurrency: m.config.workerConcurrency, leaseSec: m.config.jobLeaseSec, log: m.log.child({ role: 'worker' }) });

function onShutdown(fn: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      fn().then(() => process.exit(0), () => process.exit(1));
    });
  }
}

const program = new Command().name('marquee').description('Marquee video streaming platform');

program
  .command('serve')
  .description('run every role of MARQUEE_ROLES (default: all) in one process')
  .action(async () => {
    const m = await boot();
    const w = m.config.roles.includes('worker') ? worker(m) : undefined;
    const schedule = m.config.roles.includes('scheduler') ? m.services.recommend.startSchedule() : undefined;
    if (m.config.roles.includes('api')) {
      m.startEventRelay([]);
      const address = await m.app.listen({ port: m.config.port, host: m.config.host });
      m.log.info(`Marquee is up at ${address.replace('0.0.0.0', 'localhost')}`);
      process.stderr.write(`\n  Marquee is running at http://localhost:${m.config.port}\n\n`);
    }
    onShutdown(async () => {
      schedule?.stop();
      await w?.stop();
      await m.close();
    });
    if (m.config.seedDemo && w) {
      const reporter = terminalReporter();
      seedDemo(m, reporter)
        .catch((err: unknown) => m.log.error({ err }, 'demo seeding failed; restart to resume it'))
        .finally(() => reporter.stop());
    }
  });

program
  .command('worker')
  .description('run the job worker role only')
  .action(async () => {
    const m = await boot();
    const w = worker(m);
    onShutdown(async () => {
      await w.stop();
      await m.close();
    });
  });

program
  .command('seed')
  .description('seed the demo catalog and videos now (once per data dir)')
  .action(async () => {
    const m = await boot();
    const w = worker(m);
    const reporter = terminalReporter();
    try {
      await seedDemo(m, reporter);
    } finally {
      reporter.stop();
      await w.stop();
      await m.close();
    }
  });

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
};

program
  .command('ingest')
  .description('upload a video file and encode it into a streamable title, with a progress bar')
  .argument('<file>', 'video file to ingest')
  .option('--title <name>', 'name of a new movie to create for this video')
  .option('--title-id <id>', 'existing title to attach the video to')
  .option('--episode-id <id>', 'episode of that title (series only)')
  .option('--year <year>', 'release year of the new title', positiveInt)
  .option('--genre <genre...>', 'genres of the new title')
  .option('--synopsis <text>', 'synopsis of the new title')
  .action(async (file: string, opts: { title?: string; titleId?: string; episodeId?: string; year?: number; genre?: string[]; synopsis?: string }) => {
    if (!existsSync(file) || !statSync(file).isFile()) program.error(`error: no such file: ${file}`, { exitCode: 2 });
    if (Boolean(opts.title) === Boolean(opts.titleId)) program.error('error: give exactly one of --title <name> or --title-id <id>', { exitCode: 2 });
    const m = await boot();
    const w = worker(m);
    const reporter = terminalReporter();
    try {
      const titleId = opts.titleId ?? (await m.services.catalog.createTitle({ type: 'movie', name: opts.title!, ...(opts.year ? { year: opts.year } : {}), ...(opts.genre ? { genres: opts.genre } : {}), ...(opts.synopsis ? { synopsis: opts.synopsis } : {}) }, null)).id;
      const size = statSync(file).size;
      let sent = 0;
      // Counting in a Transform, not a 'data' listener, which would start the flow before the store reads.
      const source = createReadStream(file).pipe(
        new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            sent += chunk.length;
            reporter.step('upload', 'storing', sent / size);
            callback(null, chunk);
          },
        }),
      );
      const { jobId, videoId } = await m.services.studio.ingest({ accountId: 'system', isAdmin: true, titleId, episodeId: opts.episodeId ?? null, filename: basename(file), source });
      reporter.done('upload');
      const job = await m.services.studio.waitForJob(jobId, (stage, progress, etaSec) => reporter.step('encode', stage, progress, etaSec));
      reporter.done('encode');
      reporter.stop();
      process.stdout.write(`${JSON.stringify({ titleId, videoId, jobId: job.jobId, status: job.status })}\n`);
    } catch (err) {
      reporter.stop();
      if (err instanceof JobFailedError) {
        process.stderr.write(`error: ingest failed: ${err.job.error?.code}: ${err.job.error?.message}\n`);
        process.exitCode = 1;
      } else if (err instanceof Error && 'code' in err && typeof err.code === 'string') {
        process.stderr.write(`error: ${err.message} (${err.code})\n`);
        process.exitCode = 1;
      } else throw err;
    } finally {
      await w.stop();
      await m.close();
    }
  });

const byteSize = (v: string): number => {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(v.trim());
  if (!m) throw new InvalidArgumentError('must be a byte count such as 536870912, 512MB or 2GiB');
  const n = Math.floor(Number(m[1]) * 1024 ** 'bkmgt'.indexOf((m[2] || 'b').toLowerCase()));
  if (n < 1) throw new InvalidArgumentError('must be at least one byte');
  return n;
};

const portNumber = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0 picks a free one)');
  return n;
};

program
  .command('edge')
  .description('run an edge cache: serves signed /media URLs from memory and disk, filling from the origin, and registers with steering')
  .requiredOption('--region <region>', 'region this edge serves (matched against the client country/region)')
  .requiredOption('--capacity <bytes>', 'cache size in bytes, memory plus disk (suffixes KB, MB, GB allowed)', byteSize)
  .option('--disk-dir <dir>', 'keep a disk tier here (kept across restarts); without it the cache is memory only')
  .option('--disk-capacity <bytes>', 'bytes of --capacity on disk (default: three quarters of it); the rest is memory', byteSize)
  .requiredOption('--origin <url>', 'origin (api role) base URL to fill misses from')
  .option('--port <port>', 'port to listen on (0: any free port)', portNumber, 0)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--steering <url>', 'steering base URL (default: the origin)')
  .option('--public-url <url>', 'base URL players use to reach this edge (default http://<host>:<port>)')
  .option('--id <id>', 'edge id (default edge-<region>-<hostname>-<port>)')
  .option('--admission <policy>', 'cache admission: tinylfu or lru', 'tinylfu')
  .option('--heartbeat-ms <ms>', 'how often to report to steering', positiveInt, 5000)
  .action(async (opts: { region: string; capacity: number; diskDir?: string; diskCapacity?: number; origin: string; port: number; host: string; steering?: string; publicUrl?: string; id?: string; admission: string; heartbeatMs: number }) => {
    if (opts.admission !== 'tinylfu' && opts.admission !== 'lru') program.error('error: --admission must be tinylfu or lru', { exitCode: 2 });
    if (opts.diskCapacity !== undefined && !opts.diskDir) program.error('error: --disk-capacity needs --disk-dir', { exitCode: 2 });
    const diskBytes = opts.diskCapacity ?? Math.floor(opts.capacity * 0.75);
    if (opts.diskDir && diskBytes >= opts.capacity) program.error('error: --disk-capacity must be less than --capacity (the rest is memory)', { exitCode: 2 });
    let config;
    try {
      config = loadConfig();
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`${err.message}\n`);
        process.exit(2);
      }
      throw err;
    }
    const log = createLogger(config.logLevel).child({ role: 'edge', region: opts.region });
    const edge = await createEdge({
      region: opts.region,
      capacityBytes: opts.capacity,
      ...(opts.diskDir ? { disk: { dir: opts.diskDir, capacityBytes: diskBytes } } : {}),
      admission: opts.admission as 'tinylfu' | 'lru',
      originUrl: opts.origin,
      secret: config.urlSigningSecret,
      heartbeatMs: opts.heartbeatMs,
      metrics: createMetrics(),
      log,
      ...(opts.steering ? { steeringUrl: opts.steering } : {}),
      ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
      ...(opts.id ? { id: opts.id } : {}),
    });
    const url = await edge.listen(opts.port, opts.host);
    process.stdout.write(`${JSON.stringify({ edge: edge.id, url, region: opts.region, capacityBytes: opts.capacity })}\n`);
    onShutdown(() => edge.close());
  });

program
  .command('nginx-config')
  .description('print an nginx.conf that runs stock nginx as an edge (proxy_cache plus secure_link on the nginx form of signed URLs)')
  .requiredOption('--origin <url>', 'origin (api role) base URL to fill misses from')
  .requiredOption('--listen <port>', 'port nginx listens on', portNumber)
  .requiredOption('--cache-dir <dir>', 'proxy_cache directory')
  .option('--host <host>', 'address nginx listens on', '127.0.0.1')
  .option('--capacity <bytes>', 'largest size of the cache (suffixes KB, MB, GB allowed)', byteSize, 10 * 1024 ** 3)
  .option('--user <user>', 'workers run as this user (when nginx starts as root)')
  .option('--temp-dir <dir>', 'existing directory for nginx temp files (default: the nginx prefix)')
  .option('--pid-file <file>', 'pid file (relative: under the nginx prefix)', 'nginx.pid')
  .option('--access-log <file>', 'access log (default: off)')
  .option('--out <file>', 'write here instead of stdout')
  .action(async (opts: { origin: string; listen: number; cacheDir: string; host: string; capacity: number; user?: string; tempDir?: string; pidFile: string; accessLog?: string; out?: string }) => {
    let config;
    try {
      config = loadConfig();
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`${err.message}\n`);
        process.exit(2);
      }
      throw err;
    }
    let text;
    try {
      text = nginxConfig({
        originUrl: opts.origin,
        listenPort: opts.listen,
        listenHost: opts.host,
        cacheDir: resolve(opts.cacheDir),
        cacheBytes: opts.capacity,
        linkKey: nginxLinkKey(config.urlSigningSecret),
        pidFile: opts.pidFile,
        ...(opts.user ? { user: opts.user } : {}),
        ...(opts.tempDir ? { tempDir: resolve(opts.tempDir) } : {}),
        ...(opts.accessLog ? { accessLog: resolve(opts.accessLog) } : {}),
      });
    } catch (err) {
      return program.error(`error: ${(err as Error).message}`, { exitCode: 2 });
    }
    if (opts.out) await writeFile(opts.out, text);
    else process.stdout.write(text);
  });

program
  .command('migrate')
  .description('bring the database schema up to date and exit')
  .action(async () => {
    const m = await boot();
    await m.close();
  });

registerRecs(program);

program
  .command('import')
  .description('load outside data into the catalog and viewing history')
  .command('movielens')
  .description('load a MovieLens directory (movies.csv, ratings.csv) as titles, viewers and their ratings, then train the recommender; re-runs add only what is new')
  .argument('<dir>', 'directory in the MovieLens CSV layout')
  .action(async (dir: string) => {
    const m = await boot();
    const w = worker(m);
    const reporter = terminalReporter();
    try {
      const counts = await importMovieLens(m, dir, reporter);
      const job = await m.queue.enqueue(TRAIN_JOB, { reason: 'import' }, { maxAttempts: 1 });
      for (let j = job; j.status !== 'succeeded'; j = (await m.queue.get(job.id))!) {
        if (j.status === 'failed') throw new Error(`training failed: ${j.error?.message ?? 'unknown'}`);
        reporter.step('training', j.stage, j.progress);
        await new Promise((r) => setTimeout(r, 500));
      }
      reporter.done('training');
      reporter.stop();
      process.stdout.write(`${JSON.stringify({ ...counts, signIn: { email: movieLensEmail('1'), password: MOVIELENS_PASSWORD } })}\n`);
    } catch (err) {
      reporter.stop();
      if (!(err instanceof MovieLensDirError)) throw err;
      process.stderr.write(`error: ${err.message}\n`);
      process.exitCode = 2;
    } finally {
      await w.stop();
      await m.close();
    }
  });

await program.parseAsync(process.argv);
