import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Sums the samples of one Prometheus metric whose labels include all of `labels`. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const lbl = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => lbl.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

export async function scrape(baseUrl: string): Promise<string> {
  return (await fetch(`${baseUrl}/metrics`)).text();
}

export interface EdgeProcess {
  id: string;
  url: string;
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const CLI = join(import.meta.dirname, '../../src/cli/main.ts');

/** `marquee edge` as its own process; resolves once it listens (and has registered with steering). */
export function spawnEdge(args: { region: string; capacity: number; origin: string; port?: number; id?: string; env: Record<string, string> }): Promise<EdgeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'edge', '--region', args.region, '--capacity', String(args.capacity), '--origin', args.origin, '--port', String(args.port ?? 0), '--heartbeat-ms', '1000', ...(args.id ? ['--id', args.id] : [])], {
    env: { ...process.env, LOG_LEVEL: 'error', ...args.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    // Generous: several edges start at once on a busy machine. One that never announces is stopped, so the test process can exit.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('edge did not start within 120 s'));
    }, 120_000);
    child.once('exit', (code) => reject(new Error(`edge exited with ${code}`)));
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      // Logs share stdout; the edge announces itself with one line holding `edge` and `url`.
      let info: { edge?: string; url?: string };
      try {
        info = JSON.parse(line) as typeof info;
      } catch {
        return;
      }
      if (!info.edge || !info.url) return;
      clearTimeout(timer);
      lines.removeAllListeners('line');
      child.stdout!.resume();
      resolve({
        id: info.edge,
        url: info.url,
        child,
        kill: (signal = 'SIGKILL') =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill(signal);
          }),
      });
    });
  });
}
