// Progress of long CLI work (uploads, builds, waits) on one self-rewriting stderr line, for a person
// at a terminal only: piped or redirected output, --json, CI and dumb terminals get nothing extra,
// so that scripts and tests read exactly what they read before.
import { jsonRequested } from './error-report.js';

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** Whether progress lines may be drawn on `stream`. */
export function showsProgress(stream: ProgressStream, env: NodeJS.ProcessEnv, json: boolean): boolean {
  return stream.isTTY === true && !json && !env.CI && env.TERM !== 'dumb';
}

export interface Progress {
  /** Replaces the detail shown after the label, e.g. "42 %" or "1/3 ready". */
  update(detail: string): void;
  /** Clears the line. */
  done(): void;
}

const SILENT: Progress = { update() {}, done() {} };
const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

/** A progress line with a spinner and the seconds spent, redrawn every 100 ms while the work lasts. */
export function startProgress(label: string, stream: ProgressStream = process.stderr, env: NodeJS.ProcessEnv = process.env): Progress {
  if (!showsProgress(stream, env, jsonRequested(process.argv))) return SILENT;
  const started = Date.now();
  let detail = '';
  let frame = 0;
  const draw = () => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    stream.write(`\r\x1b[K${SPINNER[frame++ % SPINNER.length]} ${label}${detail ? ` ${detail}` : ''}${seconds > 0 ? ` (${seconds} s)` : ''}`);
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  draw();
  return {
    update(text) {
      detail = text;
    },
    done() {
      clearInterval(timer);
      stream.write('\r\x1b[K');
    },
  };
}

/** Runs `work` with a progress line that is cleared when it ends, however it ends. */
export async function withProgress<T>(label: string, work: (progress: Progress) => Promise<T>): Promise<T> {
  const progress = startProgress(label);
  try {
    return await work(progress);
  } finally {
    progress.done();
  }
}

export const formatBytes = (n: number) => (n < 1024 * 1024 ? `${Math.ceil(n / 1024)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);
