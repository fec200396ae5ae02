import cliProgress from 'cli-progress';
import type { SeedReporter } from '../demo/seedDemo.ts';

/** 42 s, 3m05s, 1h02m: short enough for a progress bar line. */
export function formatEta(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** One progress bar per task on a terminal; plain lines when output is not a terminal (CI, logs). */
export function terminalReporter(stream: NodeJS.WriteStream = process.stderr): SeedReporter & { stop(): void } {
  const tty = Boolean(stream.isTTY);
  const multi = new cliProgress.MultiBar(
    { stream, format: ' {task} [{bar}] {percentage}% | {stage}{eta}', barCompleteChar: '█', barIncompleteChar: '░', hideCursor: true, clearOnComplete: false, noTTYOutput: false },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  const lastLogged = new Map<string, number>();
  return {
    step(task, stage, fraction, etaSec) {
      const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
      const eta = etaSec === undefined || etaSec === null || pct === 100 ? '' : ` | ETA ${formatEta(etaSec)}`;
      if (!tty) {
        const last = lastLogged.get(task) ?? -10;
        if (pct - last >= 10 || pct === 100) {
          lastLogged.set(task, pct);
          stream.write(`${task}: ${stage} ${pct}%${eta}\n`);
        }
        return;
      }
      let bar = bars.get(task);
      if (!bar) {
        bar = multi.create(100, 0, { task: task.padEnd(12), stage, eta });
        bars.set(task, bar);
      }
      bar.update(pct, { stage, eta });
    },
    done(task) {
      if (tty) bars.get(task)?.update(100, { stage: 'done', eta: '' });
      else stream.write(`${task}: done\n`);
    },
    info(message) {
      if (tty) multi.log(`${message}\n`);
      else stream.write(`${message}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}
