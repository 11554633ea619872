/**
 * LISTEN on PostgreSQL for the life of a core process: one connection of its own (a pooled one would be handed
 * to other work, and a LISTEN belongs to its session), kept open with TCP keep-alive and opened again when it
 * is lost. Notifications sent while it was gone are gone (PostgreSQL queues them only for sessions that are
 * listening), so after every reconnect the listener is told to throw away whatever the notifications kept up
 * to date (`onReconnect`).
 */
import pg from 'pg';
import type { NotificationHandlers } from './adapter';

/** Backoff between reconnect attempts: 100 ms doubling up to 5 s. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

export async function listenPostgres(
  connectionString: string,
  channels: readonly string[],
  handlers: NotificationHandlers,
): Promise<() => Promise<void>> {
  for (const channel of channels) {
    // LISTEN takes an identifier, not a parameter: only plain lower-case names are accepted.
    if (!CHANNEL.test(channel)) throw new Error(`'${channel}' is not a plain channel name`);
  }
  let current: pg.Client | null = null;
  let stopped = false;
  let retryMs = FIRST_RETRY_MS;
  let retryTimer: NodeJS.Timeout | null = null;

  const open = async (): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString, keepAlive: true });
    client.on('notification', (n) => handlers.onNotify(n.channel, n.payload ?? ''));
    // 'error' without a listener would crash the process; either event means the session (and its LISTEN) is gone.
    client.on('error', () => lost(client));
    client.on('end', () => lost(client));
    try {
      await client.connect();
      for (const channel of channels) await client.query(`LISTEN ${channel}`);
    } catch (e) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw e;
    }
    return client;
  };

  const reconnect = () => {
    retryTimer = null;
    if (stopped) return;
    open().then(
      (client) => {
        if (stopped) {
          void client.end().catch(() => undefined);
          return;
        }
        current = client;
        retryMs = FIRST_RETRY_MS;
        handlers.onReconnect();
      },
      () => {
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
        retryTimer = setTimeout(reconnect, retryMs);
        retryTimer.unref();
      },
    );
  };

  function lost(client: pg.Client) {
    if (stopped || client !== current) return;
    current = null;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    // Whatever arrives before the new session listens is lost: handlers hear onReconnect once it does.
    retryTimer = setTimeout(reconnect, retryMs);
    retryTimer.unref();
  }

  // The first connection must work: a core that cannot listen would serve revoked keys for longer.
  current = await open();
  return async () => {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    const client = current;
    current = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  };
}
