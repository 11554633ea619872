/**
 * The terminal's last known numbers, kept outside the session so that recovery works after a host restart
 * (issue 9): the session saves them whenever it learns new ones (an approval, a recovery, a repeated
 * receipt) and loads them when it is created. The host injects a store backed by its SQLite database; the
 * default keeps them in memory, which is enough for the technician CLI and tests.
 */

export interface TerminalNumbers {
  /** The terminal's last booked receipt number (BMP 87, 4 digits); null when it has booked none we know of. */
  readonly lastReceipt: string | null;
  /** The trace number (BMP 0B) of the last transaction we saw. */
  readonly lastTrace?: string;
  /** The turnover record number (BMP 88) of the last transaction we saw. */
  readonly lastTurnover?: string;
  /** The terminal these numbers belong to (BMP 29): a swapped terminal must not inherit them. */
  readonly terminalId?: string;
  /** When they were learnt (ISO 8601). */
  readonly updatedAt: string;
}

export interface TerminalStateStore {
  /** The numbers saved last, or null when nothing was ever saved (the session then knows nothing). */
  load(): TerminalNumbers | null;
  /**
   * Saves new numbers. The session awaits it before it resolves the outcome, so a host that persists
   * synchronously (better-sqlite3) has them on disk before it acts on the result.
   */
  save(numbers: TerminalNumbers): void | Promise<void>;
}

/** The default store: in memory, lost when the process ends. */
export function inMemoryTerminalStateStore(initial: TerminalNumbers | null = null): TerminalStateStore {
  let current = initial;
  return {
    load: () => current,
    save: (numbers) => {
      current = numbers;
    },
  };
}

/**
 * The session's side of the store: merges what the terminal just told us into the last known numbers and
 * saves them. A failing store never changes the terminal's answer; the host hears of it through `onError`.
 */
export class TerminalNumbersKeeper {
  private numbers: TerminalNumbers | null;

  constructor(
    private readonly store: TerminalStateStore,
    private readonly clock: () => Date,
    private readonly onError: (error: unknown) => void,
  ) {
    this.numbers = store.load();
  }

  get current(): TerminalNumbers | null {
    return this.numbers;
  }

  /** True when the numbers kept belong to another terminal than `terminalId` (it was swapped). */
  belongsToAnother(terminalId: string | undefined): boolean {
    const kept = this.numbers?.terminalId;
    return terminalId !== undefined && kept !== undefined && kept !== terminalId;
  }

  async learn(d: {
    receiptNumber?: string;
    trace?: string;
    turnoverNumber?: string;
    terminalId?: string;
  }): Promise<void> {
    if (d.receiptNumber === undefined && d.trace === undefined) return;
    // Numbers of another terminal (swapped hardware) say nothing about this one: start afresh.
    const sameTerminal =
      d.terminalId === undefined ||
      this.numbers?.terminalId === undefined ||
      d.terminalId === this.numbers.terminalId;
    const before = sameTerminal ? this.numbers : null;
    const pick = <K extends 'lastTrace' | 'lastTurnover' | 'terminalId'>(key: K, now: string | undefined) => {
      const value = now ?? before?.[key];
      return value === undefined ? {} : { [key]: value };
    };
    const next: TerminalNumbers = {
      lastReceipt: d.receiptNumber ?? before?.lastReceipt ?? null,
      ...pick('lastTrace', d.trace),
      ...pick('lastTurnover', d.turnoverNumber),
      ...pick('terminalId', d.terminalId),
      updatedAt: this.clock().toISOString(),
    };
    this.numbers = next;
    try {
      await this.store.save(next);
    } catch (e) {
      this.onError(e);
    }
  }
}
