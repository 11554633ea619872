/**
 * Pipelined transactions on PostgreSQL (db/postgres.ts): BEGIN goes out with the first statement, statements
 * issued together go out together, and `queryAndCommit` sends the last statement with COMMIT. What must hold
 * whatever the wire does: statements run in the order issued, each seeing the ones before; a failing last
 * statement leaves nothing committed; nothing runs after the commit; a failure while an earlier statement is
 * awaited is not an unhandled rejection; fewer round trips than statements are actually made; and a
 * transaction of one statement sends that statement alone, atomic and committed all the same.
 */
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastStatement, type CommitShare } from '../../../src-core/db/adapter';
import { openPostgres, type PostgresOptions } from '../../../src-core/db/postgres';
import { createPostgresDatabase, POSTGRES_SKIP_REASON } from '../../helpers/core-db';

// Skipped only without a PostgreSQL server (TEST_DATABASE_URL unset; CI sets it): the title then says so.
describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `pipelined transactions on PostgreSQL${POSTGRES_SKIP_REASON ? ` (${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    let created: Awaited<ReturnType<typeof createPostgresDatabase>>;
    let db: ReturnType<typeof openPostgres>;
    beforeAll(async () => {
      created = await createPostgresDatabase();
      db = openPostgres({ connectionString: created.url, max: 2 });
      await db.exec('CREATE TABLE items (id int PRIMARY KEY, note text NOT NULL)');
    });
    afterAll(async () => {
      await db?.close();
      await created?.drop();
    });

    const ids = async () =>
      (await db.query<{ id: number }>('SELECT id FROM items ORDER BY id')).map((r) => r.id);

    it('statements issued together run in order, each seeing the one before, and commit with the last', async () => {
      const seen = await db.transaction(async (tx) => {
        const inserted = tx.query('INSERT INTO items (id, note) VALUES ($1, $2)', [1, 'a']);
        const counted = tx.query<{ n: string }>('SELECT count(*) AS n FROM items WHERE id = $1', [1]);
        await inserted;
        const [row] = await counted;
        await lastStatement(tx).query('INSERT INTO items (id, note) VALUES ($1, $2)', [2, 'b']);
        return Number(row?.n);
      });
      expect(seen).toBe(1);
      expect(await ids()).toEqual([1, 2]);
    });

    it('a last statement that fails rolls back the whole transaction, earlier statements included', async () => {
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO items (id, note) VALUES ($1, $2)', [3, 'c']);
          // id 1 exists: unique violation in the statement that carries the COMMIT.
          await lastStatement(tx).query('INSERT INTO items (id, note) VALUES ($1, $2)', [1, 'dup']);
        }),
      ).rejects.toMatchObject({ code: '23505' });
      expect(await ids()).toEqual([1, 2]);
    });

    it('nothing runs in a transaction after its last statement, and lastStatement is one statement', async () => {
      await expect(
        db.transaction(async (tx) => {
          await lastStatement(tx).query('INSERT INTO items (id, note) VALUES ($1, $2)', [4, 'd']);
          await tx.query('INSERT INTO items (id, note) VALUES ($1, $2)', [5, 'e']);
        }),
      ).rejects.toThrow(/after the transaction committed/);
      // The last statement committed with it; the one after never ran.
      expect(await ids()).toEqual([1, 2, 4]);
      await expect(
        db.transaction(async (tx) => {
          const last = lastStatement(tx);
          await last.query('SELECT 1 AS one WHERE $1::int = 1', [1]);
          await last.query('SELECT 1 AS one WHERE $1::int = 1', [1]);
        }),
      ).rejects.toThrow(/second statement/);
    });

    it('a statement failing while an earlier one is awaited rolls back and is no unhandled rejection', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (e: unknown) => unhandled.push(e);
      process.on('unhandledRejection', onUnhandled);
      try {
        await expect(
          db.transaction(async (tx) => {
            const first = tx.query('INSERT INTO items (id, note) VALUES ($1, $2)', [6, 'f']);
            // Fails (division by zero) while the caller is still awaiting `first`; never awaited itself.
            void tx.query('SELECT 1 / $1::int AS boom', [0]);
            await first;
            throw new Error('the caller gives up');
          }),
        ).rejects.toThrow('the caller gives up');
        await new Promise((r) => setTimeout(r, 50));
        expect(unhandled).toEqual([]);
        expect(await ids()).toEqual([1, 2, 4]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('a transaction of three statements takes two writes to the socket, not five', async () => {
      const port = Number(new URL(created.url).port || 5432);
      let writes = 0;
      const proto = net.Socket.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
      const originals = { _write: proto._write!, _writev: proto._writev! };
      for (const m of ['_write', '_writev'] as const) {
        proto[m] = function (this: net.Socket, ...args: unknown[]) {
          if (this.remotePort === port) writes++;
          return originals[m].apply(this, args);
        };
      }
      try {
        await db.transaction(async (tx) => {
          // BEGIN, the update and the read in one write; the last insert with COMMIT in another.
          const [, rows] = await Promise.all([
            tx.query('UPDATE items SET note = $2 WHERE id = $1', [1, 'a2']),
            tx.query<{ note: string }>('SELECT note FROM items WHERE id = $1', [1]),
          ]);
          expect(rows[0]?.note).toBe('a2');
          await lastStatement(tx).query('INSERT INTO items (id, note) VALUES ($1, $2)', [7, 'g']);
        });
      } finally {
        proto._write = originals._write;
        proto._writev = originals._writev;
      }
      expect(writes).toBe(2);
      expect(await ids()).toEqual([1, 2, 4, 7]);
    });

    it('turned off, every statement waits for the one before and the same transactions hold', async () => {
      const awaited = openPostgres({ connectionString: created.url, max: 1, pipeline: false });
      try {
        await expect(
          awaited.transaction(async (tx) => {
            await tx.query('INSERT INTO items (id, note) VALUES ($1, $2)', [8, 'h']);
            await lastStatement(tx).query('INSERT INTO items (id, note) VALUES ($1, $2)', [1, 'dup']);
          }),
        ).rejects.toMatchObject({ code: '23505' });
        expect(await ids()).toEqual([1, 2, 4, 7]);
      } finally {
        await awaited.close();
      }
    });

    it('a transaction of one statement sends it alone (no BEGIN, no COMMIT): committed, or wholly undone', async () => {
      const one = openPostgres({ connectionString: created.url, max: 1 });
      const sent: string[] = [];
      const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
      const original = proto.query;
      proto.query = function (this: unknown, config: unknown, ...rest: unknown[]) {
        sent.push(typeof config === 'string' ? config : (config as { text: string }).text);
        return original.call(this, config, ...rest);
      };
      const insert = 'INSERT INTO items (id, note) VALUES ($1, $2), ($3, $4)';
      try {
        await one.transaction((tx) => lastStatement(tx).query(insert, [9, 'i', 10, 'j']));
        expect(sent).toEqual([insert]);
        sent.length = 0;
        // The second row's key exists: the statement fails, and its first row is not kept either.
        await expect(
          one.transaction((tx) => lastStatement(tx).query(insert, [11, 'k', 1, 'dup'])),
        ).rejects.toMatchObject({ code: '23505' });
        expect(sent).toEqual([insert]);
        // The pool's one connection is in no transaction after the failure: the next one runs on it.
        await one.transaction(async (tx) => {
          await tx.query('UPDATE items SET note = $2 WHERE id = $1', [9, 'i2']);
          await lastStatement(tx).query('UPDATE items SET note = $2 WHERE id = $1', [10, 'j2']);
        });
        expect(sent.slice(1)).toEqual([
          'BEGIN',
          'UPDATE items SET note = $2 WHERE id = $1',
          'UPDATE items SET note = $2 WHERE id = $1',
          'COMMIT',
        ]);
      } finally {
        proto.query = original;
        await one.close();
      }
      expect(await ids()).toEqual([1, 2, 4, 7, 9, 10]);
      const notes = await db.query<{ note: string }>(
        'SELECT note FROM items WHERE id IN (9, 10) ORDER BY id',
      );
      expect(notes.map((r) => r.note)).toEqual(['i2', 'j2']);
    });

    describe('one-statement transactions sharing a commit (db/shared-commits.ts)', () => {
      /**
       * A statement that may share is held at the database by a row lock another connection takes first, so
       * the ones issued after it queue behind it (one group committing at a time) and go out together when
       * the lock is let go: what happens at saturation, made certain.
       */
      async function behindAHeldRow<T>(
        gateId: number,
        shared: ReturnType<typeof openPostgres>,
        others: () => Promise<T>,
      ): Promise<{ gate: string; others: T }> {
        const holder = new pg.Client({ connectionString: created.url });
        await holder.connect();
        try {
          await holder.query('BEGIN');
          await holder.query('SELECT id FROM items WHERE id = $1 FOR UPDATE', [gateId]);
          const gate = shared.transaction((tx) =>
            lastStatement(tx, { lockKey: 'gate' }).query<{ x: string }>(
              'UPDATE items SET note = $2 WHERE id = $1 RETURNING xmin::text AS x',
              [gateId, 'gated'],
            ),
          );
          // The gated statement waits for the lock: the next ones wait for its commit.
          await waitForLockWait();
          const pending = others();
          await new Promise((r) => setTimeout(r, 100));
          await holder.query('COMMIT');
          const [gateRows, rest] = await Promise.all([gate, pending]);
          return { gate: gateRows[0]!.x, others: rest };
        } finally {
          await holder.end();
        }
      }

      async function waitForLockWait(): Promise<void> {
        for (let i = 0; i < 200; i++) {
          const rows = await db.query<{ n: string }>(
            `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
          );
          if (Number(rows[0]?.n) > 0) return;
          await new Promise((r) => setTimeout(r, 10));
        }
        throw new Error('the gated statement never waited for the row lock');
      }

      const insertReturning =
        "INSERT INTO items (id, note) VALUES ($1, $2 || nextval('share_order')) RETURNING id, note, xmin::text AS x";
      type Inserted = { id: number; note: string; x: string };
      type Shared = ReturnType<typeof openPostgres>;
      const openShared = (sharedCommits: PostgresOptions['sharedCommits'] = { concurrent: 1 }): Shared =>
        openPostgres({ connectionString: created.url, max: 8, sharedCommits });
      /** A one-statement transaction that may share its commit, its lock key named after its row. */
      const insertAlone = (
        shared: Shared,
        id: number,
        note: string,
        share: CommitShare | null = { lockKey: `order-${id}` },
      ) =>
        shared.transaction((tx) =>
          lastStatement(tx, share ?? undefined).query<Inserted>(insertReturning, [id, note]),
        );

      it('statements issued while another commits go out as one transaction, each answered with its own rows, in lock-key order', async () => {
        await db.exec('CREATE SEQUENCE share_order');
        await db.query('INSERT INTO items (id, note) VALUES ($1, $2)', [100, 'gate']);
        const shared = openShared();
        try {
          const { gate, others } = await behindAHeldRow(100, shared, () =>
            Promise.all(
              // Issued in the reverse order of their lock keys.
              [105, 104, 103, 102, 101].map((id) => insertAlone(shared, id, 'n')),
            ),
          );
          const rows = others.map((r) => r[0]!);
          expect(rows.map((r) => r.id)).toEqual([105, 104, 103, 102, 101]);
          // One transaction for the five (one commit), another for the gated one.
          expect(new Set(rows.map((r) => r.x)).size).toBe(1);
          expect(rows[0]!.x).not.toBe(gate);
          // Run in lock-key order: 101 first.
          expect(rows.map((r) => r.note).reverse()).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
          const stored = await db.query<{ id: number }>('SELECT id FROM items WHERE id > 100 ORDER BY id');
          expect(stored.map((r) => r.id)).toEqual([101, 102, 103, 104, 105]);
        } finally {
          await shared.close();
        }
      });

      it('a statement that fails in a shared group fails alone: the others commit, each in a transaction of its own', async () => {
        await db.query('INSERT INTO items (id, note) VALUES ($1, $2)', [200, 'gate']);
        const shared = openShared();
        try {
          const { others } = await behindAHeldRow(200, shared, () =>
            Promise.allSettled(
              // 101 exists: a unique violation in the middle of the group.
              [201, 101, 202].map((id) => insertAlone(shared, id, 'f')),
            ),
          );
          const [a, dup, b] = others;
          expect(dup).toMatchObject({ status: 'rejected', reason: { code: '23505' } });
          expect(a?.status).toBe('fulfilled');
          expect(b?.status).toBe('fulfilled');
          const xs = [a, b].map((r) => (r as PromiseFulfilledResult<Inserted[]>).value[0]!.x);
          expect(new Set(xs).size).toBe(2);
          const stored = await db.query<{ id: number }>(
            'SELECT id FROM items WHERE id IN (101, 201, 202) ORDER BY id',
          );
          expect(stored.map((r) => r.id)).toEqual([101, 201, 202]);
          const kept = await db.query<{ note: string }>('SELECT note FROM items WHERE id = 101');
          expect(kept[0]?.note).toBe('n1');
        } finally {
          await shared.close();
        }
      });

      it('transactions of several statements issued at once share a commit too; one that fails keeps nothing, the others commit', async () => {
        await db.query('INSERT INTO items (id, note) VALUES ($1, $2)', [400, 'gate']);
        const shared = openShared();
        /** Two rows in one transaction, both statements issued before either is answered. */
        const pair = (first: number, second: number) =>
          shared.transaction(
            (tx) =>
              Promise.all([
                tx.query<Inserted>(insertReturning, [first, 'p']),
                lastStatement(tx).query<Inserted>(insertReturning, [second, 'p']),
              ]),
            { lockKey: `order-${first}` },
          );
        try {
          const { others } = await behindAHeldRow(400, shared, () =>
            Promise.allSettled([pair(411, 412), pair(421, 101), pair(431, 432)]),
          );
          const [a, failed, b] = others;
          // 101 exists: the second transaction fails, its first row is not kept either.
          expect(failed).toMatchObject({ status: 'rejected', reason: { code: '23505' } });
          const rowsOf = (r: (typeof others)[number] | undefined) =>
            (r as PromiseFulfilledResult<Inserted[][]>).value.map((rows) => rows[0]!);
          // The group rolled back and each ran alone: each pair in one transaction of its own.
          for (const r of [a, b]) expect(new Set(rowsOf(r).map((x) => x.x)).size).toBe(1);
          expect(rowsOf(a)[0]!.x).not.toBe(rowsOf(b)[0]!.x);
          const stored = await db.query<{ id: number }>('SELECT id FROM items WHERE id > 400 ORDER BY id');
          expect(stored.map((r) => r.id)).toEqual([411, 412, 431, 432]);

          // Without a failure, the pairs issued behind the held row commit as one transaction.
          const { others: shared2 } = await behindAHeldRow(400, shared, () =>
            Promise.all([pair(441, 442), pair(451, 452), pair(461, 462)]),
          );
          expect(new Set(shared2.flat().map((rows) => rows[0]!.x)).size).toBe(1);
        } finally {
          await shared.close();
        }
      });

      it('a transaction that may share but waits for an answer before its last statement runs as an ordinary one', async () => {
        const shared = openShared();
        try {
          const rows = await shared.transaction(
            async (tx) => {
              const [first] = await tx.query<Inserted>(insertReturning, [501, 'w']);
              const [second] = await lastStatement(tx).query<Inserted>(insertReturning, [502, first!.note]);
              return [first!, second!];
            },
            { lockKey: 'order-501' },
          );
          expect(rows[0]!.x).toBe(rows[1]!.x);
          const stored = await db.query<{ id: number }>(
            'SELECT id FROM items WHERE id IN (501, 502) ORDER BY id',
          );
          expect(stored.map((r) => r.id)).toEqual([501, 502]);
        } finally {
          await shared.close();
        }
      });

      it('turned off, or without a lock key, a one-statement transaction commits alone even while others commit', async () => {
        await db.query('INSERT INTO items (id, note) VALUES ($1, $2)', [300, 'gate']);
        const cases: [PostgresOptions['sharedCommits'], CommitShare | null][] = [
          [false, { lockKey: 'k' }],
          [{ concurrent: 1 }, null],
        ];
        for (const [options, share] of cases) {
          const base = options === false ? 310 : 320;
          const shared = openShared(options);
          try {
            const { others } = await behindAHeldRow(300, shared, () =>
              Promise.all([base + 1, base + 2].map((id) => insertAlone(shared, id, 'a', share))),
            );
            expect(new Set(others.map((r) => r[0]!.x)).size).toBe(2);
          } finally {
            await shared.close();
          }
        }
      });
    });
  },
);
