// A ticking « Fin du cours » countdown, shared by the students' banner and the dashboard.
import { formatClock, remainingMs } from './format.ts';

export interface Countdown {
  stop(): void;
}

/** Writes `text(m:ss)` into `target` every second until `at`, then calls `done` once. */
export function startCountdown(
  target: HTMLElement,
  at: string,
  text: (clock: string) => string,
  done?: () => void,
): Countdown {
  let timer = 0;
  const tick = () => {
    const left = remainingMs(at);
    target.textContent = text(formatClock(left));
    if (left <= 0) {
      window.clearInterval(timer);
      done?.();
    }
  };
  timer = window.setInterval(tick, 1000);
  tick();
  return { stop: () => window.clearInterval(timer) };
}
