/**
 * Embedded PGlite (PostgreSQL compiled to WebAssembly) in a data directory: the zero-setup default
 * (issue 3). One process owns the directory; PGlite runs one statement at a time and queues transactions.
 */
import { PGlite } from '@electric-sql/pglite';
import type { Db, SqlValue, Tx } from './adapter';

/** `dataDir` undefined → in memory (tests that need no persistence). */
export async function openPglite(dataDir: string | undefined): Promise<Db> {
  const lite = dataDir ? new PGlite(dataDir) : new PGlite();
  await lite.waitReady;
  const params = (p?: readonly SqlValue[]) => (p ? [...p] : undefined);
  return {
    kind: 'pglite',
    async query<Row>(sql: string, p?: readonly SqlValue[]) {
      const r = await lite.query<Row>(sql, params(p));
      return r.rows;
    },
    async exec(sql) {
      await lite.exec(sql);
    },
    transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return lite.transaction(async (t) => {
        const tx: Tx = {
          async query<Row>(sql: string, p?: readonly SqlValue[]) {
            const r = await t.query<Row>(sql, params(p));
            return r.rows;
          },
        };
        return fn(tx);
      });
    },
    async listen(channels, handlers) {
      // The notifying transaction and the listener share the one PGlite instance: nothing to reconnect.
      const stops = await Promise.all(
        channels.map((channel) => lite.listen(channel, (payload) => handlers.onNotify(channel, payload))),
      );
      return async () => {
        for (const stop of stops) await stop();
      };
    },
    async close() {
      await lite.close();
    },
  };
}
