/**
 * The progress bar of `prodready lint`: on stderr, only when stderr is a terminal and not in CI, and only once
 * a scan has taken more than two seconds (fast scans print nothing). Files done/total, rate and ETA, redrawn
 * at most ten times a second; the line is cleared when the scan ends.
 */
import type { CliIO } from './main';

export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

export function createProgress(io: CliIO, now: () => number = Date.now): Progress | undefined {
  if (!io.stderrTTY || io.env.CI || io.env.GITHUB_ACTIONS || io.env.TERM === 'dumb') return undefined;
  const started = now();
  let drawn = 0;
  let shown = false;
  const width = 24;
  return {
    update(done, total) {
      const t = now();
      if (t - started < 2000 || (t - drawn < 100 && done < total)) return;
      drawn = t;
      shown = true;
      const frac = total ? done / total : 1;
      const rate = done / ((t - started) / 1000);
      const eta = rate > 0 ? Math.max(0, (total - done) / rate) : 0;
      const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
      io.stderr(`\r\u001b[2Kprodready ${bar} ${done}/${total} files · ${Math.round(rate)}/s · ETA ${eta < 60 ? `${Math.ceil(eta)} s` : `${Math.ceil(eta / 60)} min`}`);
    },
    done() {
      if (shown) io.stderr('\r\u001b[2K');
    },
  };
}
