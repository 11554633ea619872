/**
 * Short transactions that share a commit (PostgreSQL): transactions whose statements are all known at once
 * (one statement, or several issued together), issued while an earlier group is still committing, go out
 * together as BEGIN · their statements · COMMIT, in one write on one connection, and commit with one WAL
 * flush. At saturation a commit's own work (its flush, its wake-ups, its round trip) was a fifth of
 * PostgreSQL's CPU per refund (docs/core.md "Shared commits"). Alone (nothing committing), a transaction goes
 * out at once, as before: no waiting is added when there is nothing to share with.
 *
 * Each transaction keeps its own guarantees: its caller's promise resolves only after the COMMIT that made it
 * durable, and rejects with its own error, nothing of it kept. A statement that fails aborts the group; then
 * every transaction of the group runs again alone (pipelined, each its own), so the others commit and the
 * failing one fails alone, as if they had never met. A COMMIT whose outcome is unknown (the connection broke)
 * fails every transaction of the group with that error, exactly as a lone one's would.
 *
 * Who may join: a transaction that locks rows of one order only (its `lockKey`: the order's id) and no row a
 * transaction of another order would take. Transactions of a group run in `lockKey` order, so two groups (of
 * one core process or two) take their orders' rows in the same order and cannot deadlock on each other; and a
 * transaction that locks one order at a time, as every other transaction of the core does, cannot close a
 * cycle with a group. An append to an order of a store bumps the store's feed head (a row every order of the
 * store shares), so it does not join (ledger/append.ts); a refund's first write joins only when the process
 * knows its payment's order (journal.ts). A transaction that locks no order's rows (a subsequent payment's
 * first write: the order read, a new journal row) may join under any key: it takes no part in the order.
 */
import type pg from 'pg';
import type { SqlValue } from './adapter';

type Run = <Row>(client: pg.PoolClient, sql: string, params?: readonly SqlValue[]) => Promise<Row[]>;

export interface Statement {
  sql: string;
  params?: readonly SqlValue[];
}

/** A transaction waiting to share a commit: its statements, in the order they run. */
interface Waiting {
  /** The connection of the transaction that issued it: idle until the transaction is answered. */
  client: pg.PoolClient;
  statements: readonly Statement[];
  lockKey: string;
  resolve(rows: unknown[][]): void;
  reject(e: unknown): void;
}

export interface SharedCommitsOptions {
  /** Groups committing at once (default 2): more means smaller groups and shorter waits. */
  concurrent?: number;
  /** Transactions in one group at most (default 32). */
  largest?: number;
}

export class SharedCommits {
  private waiting: Waiting[] = [];
  private committing = 0;
  private scheduled = false;
  private readonly concurrent: number;
  private readonly largest: number;

  constructor(
    private readonly run: Run,
    options: SharedCommitsOptions = {},
  ) {
    this.concurrent = Math.max(1, options.concurrent ?? 2);
    this.largest = Math.max(1, options.largest ?? 32);
  }

  /**
   * Runs `statements` as one transaction, sharing its commit with others waiting; resolves, with each
   * statement's rows, once committed, or rejects with the transaction's first error, nothing of it kept.
   * `client` is the caller's connection, idle until then: a group runs on the connection of one of its
   * members, so sharing never needs a connection of its own.
   */
  submit(client: pg.PoolClient, statements: readonly Statement[], lockKey: string): Promise<unknown[][]> {
    return new Promise<unknown[][]>((resolve, reject) => {
      this.waiting.push({ client, statements, lockKey, resolve, reject });
      this.schedule();
    });
  }

  /** Transactions issued in the same turn of the event loop join one group. */
  private schedule(): void {
    if (this.scheduled || this.committing >= this.concurrent || this.waiting.length === 0) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      while (this.committing < this.concurrent && this.waiting.length > 0) {
        const group = this.waiting.splice(0, this.largest);
        this.committing++;
        void this.commit(group).finally(() => {
          this.committing--;
          this.schedule();
        });
      }
    });
  }

  private async commit(group: Waiting[]): Promise<void> {
    group.sort(byLockKey);
    const client = group[0]!.client;
    if (group.length === 1) {
      const [one] = group as [Waiting];
      if (one.statements.length === 1) {
        // The common case when nothing else is waiting: one statement, a transaction of its own.
        const [only] = one.statements as [Statement];
        await this.run(client, only.sql, only.params).then((rows) => one.resolve([rows]), one.reject);
      } else await this.eachAlone(client, group);
      return;
    }
    const socket = socketOf(client);
    socket.cork();
    const begin = client.query('BEGIN');
    const results = group.map((w) => w.statements.map((s) => this.run(client, s.sql, s.params)));
    const commit = client.query('COMMIT');
    socket.uncork();
    const [began, committed, ...answers] = await Promise.allSettled([begin, commit, ...results.flat()]);
    if (began!.status === 'rejected' || committed!.status === 'rejected') {
      // The COMMIT's outcome is unknown (or BEGIN failed): each transaction fails as it would have alone.
      const reason =
        began!.status === 'rejected' ? began!.reason : (committed as PromiseRejectedResult).reason;
      for (const w of group) w.reject(reason);
      return;
    }
    if ((committed!.value as pg.QueryResult).command === 'COMMIT') {
      let i = 0;
      for (const w of group) w.resolve(w.statements.map(() => fulfilled(answers[i++]!)));
      return;
    }
    // A statement failed and the group rolled back: each transaction again alone, so only the failing one
    // fails (each is answered once all are: the connection is a member's, released once it is answered).
    await this.eachAlone(client, group);
  }

  /**
   * Each transaction on its own, all in one write: a single statement alone (a transaction of its own), more
   * as BEGIN · them · COMMIT; a failure aborts only its own transaction.
   */
  private async eachAlone(client: pg.PoolClient, group: readonly Waiting[]): Promise<void> {
    const socket = socketOf(client);
    socket.cork();
    const sent = group.map((w) => {
      if (w.statements.length === 1) {
        const [only] = w.statements as [Statement];
        return { rows: [this.run(client, only.sql, only.params)], commit: null };
      }
      const begin = client.query('BEGIN');
      const rows = w.statements.map((s) => this.run(client, s.sql, s.params));
      return { rows: [begin.then(() => []), ...rows], commit: client.query('COMMIT') };
    });
    socket.uncork();
    const answered = await Promise.all(
      sent.map(async ({ rows, commit }) => ({
        rows: await Promise.allSettled(rows),
        commit: commit ? await Promise.allSettled([commit]).then(([c]) => c!) : null,
      })),
    );
    group.forEach((w, i) => {
      const { rows, commit } = answered[i]!;
      const failed = rows.find((r) => r.status === 'rejected');
      if (failed) return w.reject(failed.reason);
      if (commit?.status === 'rejected') return w.reject(commit.reason);
      const rolledBack = commit ? notCommitted(commit.value as pg.QueryResult) : null;
      if (rolledBack) return w.reject(rolledBack);
      const values = rows.map(fulfilled);
      w.resolve(commit ? values.slice(1) : values);
    });
  }
}

const byLockKey = (a: Waiting, b: Waiting) => (a.lockKey < b.lockKey ? -1 : a.lockKey > b.lockKey ? 1 : 0);

function fulfilled(a: PromiseSettledResult<unknown>): unknown[] {
  if (a.status !== 'fulfilled') throw new Error('shared commit: a statement failed in a committed group');
  return a.value as unknown[];
}

/** COMMIT of a transaction a failed statement aborted answers ROLLBACK instead of failing: that, as an error. */
export function notCommitted(commit: pg.QueryResult): Error | null {
  return commit.command === 'COMMIT'
    ? null
    : new Error(`the transaction was rolled back (${commit.command})`);
}

/** The connection's socket, to send what is issued in one turn as one write (pg does not expose it). */
export function socketOf(client: pg.PoolClient): { cork(): void; uncork(): void } {
  return (client as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection
    .stream;
}
