/**
 * One-statement transactions that share a commit (PostgreSQL): statements that would each be a transaction of
 * their own, issued while an earlier group is still committing, go out together as BEGIN · the statements ·
 * COMMIT, in one write on one connection, and commit with one WAL flush. At saturation a commit's own work
 * (its flush, its wake-ups, its round trip) was a fifth of PostgreSQL's CPU per refund (docs/core.md "Shared
 * commits"). Alone (nothing committing), a statement goes out at once, alone, as before: no waiting is added
 * when there is nothing to share with.
 *
 * Each statement keeps its own guarantees: its caller's promise resolves only after the COMMIT that made it
 * durable, and rejects with its own error. A statement that fails aborts the group; then every statement of
 * the group runs again alone (pipelined, each its own transaction), so the others commit and the failing one
 * fails alone, as if they had never met. A COMMIT whose outcome is unknown (the connection broke) fails every
 * statement of the group with that error, exactly as a lone statement's would.
 *
 * Who may join: a statement that locks rows of one order only (its `lockKey`: the order's id) and no row a
 * transaction of another order would take. Statements of a group run in `lockKey` order, so two groups (of
 * two core processes) take their orders' rows in the same order and cannot deadlock on each other; and a
 * transaction that locks one order at a time, as every transaction of the core does, cannot close a cycle
 * with a group. An append to an order of a store bumps the store's feed head (a row every order of the store
 * shares), so it does not join (ledger/append.ts).
 */
import type pg from 'pg';
import type { SqlValue } from './adapter';

type Run = <Row>(client: pg.PoolClient, sql: string, params?: readonly SqlValue[]) => Promise<Row[]>;

interface Waiting {
  /** The connection of the transaction that issued it: idle until the statement is answered. */
  client: pg.PoolClient;
  sql: string;
  params?: readonly SqlValue[];
  lockKey: string;
  resolve(rows: unknown[]): void;
  reject(e: unknown): void;
}

export interface SharedCommitsOptions {
  /** Groups committing at once (default 2): more means smaller groups and shorter waits. */
  concurrent?: number;
  /** Statements in one group at most (default 32). */
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
   * Runs `sql` as a transaction of its own, sharing its commit with others waiting; resolves once committed.
   * `client` is the caller's connection, idle until then: a group runs on the connection of one of its
   * members, so sharing never needs a connection of its own.
   */
  submit<Row>(
    client: pg.PoolClient,
    sql: string,
    params: readonly SqlValue[] | undefined,
    lockKey: string,
  ): Promise<Row[]> {
    return new Promise<Row[]>((resolve, reject) => {
      this.waiting.push({
        client,
        sql,
        params,
        lockKey,
        resolve: resolve as (rows: unknown[]) => void,
        reject,
      });
      this.schedule();
    });
  }

  /** Statements issued in the same turn of the event loop join one group. */
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
    if (group.length === 1) {
      const [one] = group as [Waiting];
      await this.run(one.client, one.sql, one.params).then(one.resolve, one.reject);
      return;
    }
    group.sort(byLockKey);
    const client = group[0]!.client;
    const socket = socketOf(client);
    socket.cork();
    const sent = [
      client.query('BEGIN'),
      ...group.map((w) => this.run(client, w.sql, w.params)),
      client.query('COMMIT'),
    ];
    socket.uncork();
    const answers = await Promise.allSettled(sent);
    const commit = answers[answers.length - 1]!;
    if (commit.status === 'rejected') {
      // The COMMIT's outcome is unknown (or BEGIN failed): each statement fails as it would have alone.
      for (const w of group) w.reject(commit.reason);
      return;
    }
    if ((commit.value as pg.QueryResult).command === 'COMMIT') {
      group.forEach((w, i) => w.resolve(fulfilled(answers[i + 1]!)));
      return;
    }
    // A statement failed and the group rolled back: each again alone, so only the failing one fails. Settled
    // only when all are answered: the connection is a member's, released once its statement is settled.
    const alone = await Promise.allSettled(group.map((w) => this.run(client, w.sql, w.params)));
    group.forEach((w, i) => {
      const a = alone[i]!;
      if (a.status === 'fulfilled') w.resolve(a.value as unknown[]);
      else w.reject(a.reason);
    });
  }
}

const byLockKey = (a: Waiting, b: Waiting) => (a.lockKey < b.lockKey ? -1 : a.lockKey > b.lockKey ? 1 : 0);

function fulfilled(a: PromiseSettledResult<unknown>): unknown[] {
  if (a.status !== 'fulfilled') throw new Error('shared commit: a statement failed in a committed group');
  return a.value as unknown[];
}

/** The connection's socket, to send what is issued in one turn as one write (pg does not expose it). */
export function socketOf(client: pg.PoolClient): { cork(): void; uncork(): void } {
  return (client as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection
    .stream;
}
