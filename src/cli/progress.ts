import cliProgress from 'cli-progress';
import type { SeedReporter } from '../demo/seedDemo.ts';

/** One progress bar per task on a terminal; plain lines when output is not a terminal (CI, logs). */
export function terminalReporter(stream: NodeJS.WriteStream = process.stderr): SeedReporter & { stop(): void } {
  const tty = Boolean(stream.isTTY);
  const multi = new cliProgress.MultiBar(
    { stream, format: ' {task} [{bar}] {percentage}% | {stage}', barCompleteChar: '█', barIncompleteChar: '░', hideCursor: true, clearOnComplete: false, noTTYOutput: false },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  const lastLogged = new Map<string, number>();
  return {
    step(task, stage, fraction) {
      const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
      if (!tty) {
        const last = lastLogged.get(task) ?? -10;
        if (pct - last >= 10 || pct === 100) {
          lastLogged.set(task, pct);
          stream.write(`${task}: ${stage} ${pct}%\n`);
        }
        return;
      }
      let bar = bars.get(task);
      if (!bar) {
        bar = multi.create(100, 0, { task: task.padEnd(12), stage });
        bars.set(task, bar);
      }
      bar.update(pct, { stage });
    },
    done(task) {
      if (tty) bars.get(task)?.update(100, { stage: 'done' });
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
