import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Debian's nginx binary, or undefined when it is not installed (`.ci/run` installs it). */
export function nginxBinary(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const CLI = join(import.meta.dirname, '../../src/cli/main.ts');

export interface NginxEdge {
  url: string;
  conf: string;
  stop(): Promise<void>;
}

/**
 * Writes an nginx.conf with `marquee nginx-config` (as an operator would) and runs stock nginx on
 * it in the foreground, as the current user, with everything under `prefix` and a free port.
 */
export async function startNginxEdge(o: { origin: string; prefix: string; secret: string; capacityBytes?: number }): Promise<NginxEdge> {
  const nginx = nginxBinary();
  if (!nginx) throw new Error('nginx is not installed');
  mkdirSync(o.prefix, { recursive: true });
  const port = await freePort();
  const conf = join(o.prefix, 'nginx.conf');
  const asRoot = process.getuid?.() === 0;
  execFileSync(process.execPath, ['--import', 'tsx', CLI, 'nginx-config', '--origin', o.origin, '--listen', String(port), '--cache-dir', join(o.prefix, 'cache'), '--capacity', String(o.capacityBytes ?? 256 * 1024 ** 2), '--out', conf, ...(asRoot ? ['--user', 'root'] : [])], {
    env: { ...process.env, URL_SIGNING_SECRET: o.secret, DATA_DIR: o.prefix, LOG_LEVEL: 'error' },
  });
  const child: ChildProcess = spawn(nginx, ['-e', 'stderr', '-p', o.prefix, '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('nginx did not start within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    conf,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGQUIT');
        await exited;
      }
    },
  };
}
