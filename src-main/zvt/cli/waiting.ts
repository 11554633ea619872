/**
 * Tells the technician what the CLI waits for and for how long at most (issue 7): a terminal may take up
 * to T4 (180 s by default) while the customer inserts a card and enters a PIN, and silence then looks like
 * a hang. One line per new wait (updated by each intermediate status), and a reminder every 30 s.
 */
import type { WaitingEvent } from '../session/types';

const seconds = (ms: number) => Math.max(1, Math.round(ms / 1000));

/** The line for one wait; the same line for the same wait, so repeats can be dropped. */
export function waitingLine(w: WaitingEvent): string {
  const upTo = seconds(w.upToMs);
  if (w.phase === 'acceptance') return `waiting for the terminal to accept ${w.command} (up to ${upTo} s)…`;
  if (w.phase === 'completion') return `waiting for the receipts and the completion (up to ${upTo} s)…`;
  if (w.phase === 'processing' && !w.status)
    return `waiting for the terminal to finish ${w.command} (up to ${upTo} s)…`;
  if (w.status) {
    const shown = w.status.lines.length > 0 ? ` (${w.status.lines.join(' ')})` : '';
    return `  ${w.status.text.en} / ${w.status.text.de}${shown} — waiting up to ${upTo} s…`;
  }
  return w.command === 'Read Card'
    ? `waiting for the customer to present a card (up to ${upTo} s)…`
    : `waiting for the customer at the terminal (up to ${upTo} s)…`;
}

export class WaitReporter {
  private last = '';
  private since = 0;
  private upToMs = 0;
  private readonly ticker: NodeJS.Timeout;

  constructor(
    private readonly write: (line: string) => void,
    reminderMs = 30_000,
  ) {
    this.ticker = setInterval(() => this.remind(), reminderMs);
    this.ticker.unref();
  }

  onWaiting(w: WaitingEvent): void {
    const line = waitingLine(w);
    if (line === this.last) return;
    this.last = line;
    this.since = Date.now();
    this.upToMs = w.upToMs;
    this.write(line);
  }

  private remind(): void {
    if (this.last === '') return;
    const left = this.upToMs - (Date.now() - this.since);
    if (left > 0) this.write(`  still waiting (at most ${seconds(left)} s left)`);
  }

  stop(): void {
    clearInterval(this.ticker);
  }
}
