/**
 * Schema v4: change signals between core processes, as PostgreSQL notifications (LISTEN/NOTIFY; PGlite
 * delivers them inside its one process). Triggers send them, so every path that revokes a key or moves a
 * store's feed signals it (the CLI, the server, a second process, the reconciler) without any code of its
 * own, and the NOTIFY belongs to the transaction that made the change: delivered once it commits, never for
 * a rolled-back one. Payloads carry ids only, never secrets.
 *
 * - `counter_credentials` (payload: the key id): an API key or terminal row changed or was deleted
 *   (revocation): every process drops that key from its credential cache (src-core/accounts/credential-cache.ts).
 * - `counter_store_feed` (payload: the store id): the store's change feed moved: waiting sync pulls of that
 *   store read it again (src-core/sync/feed-waiters.ts).
 */
export const CREDENTIALS_CHANNEL = 'counter_credentials';
export const STORE_FEED_CHANNEL = 'counter_store_feed';

export const SCHEMA_V4_CHANGE_SIGNALS = `
CREATE FUNCTION counter_signal_credentials() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'terminals' THEN
    PERFORM pg_notify('${CREDENTIALS_CHANNEL}', OLD.key_id);
  ELSE
    PERFORM pg_notify('${CREDENTIALS_CHANNEL}', OLD.id);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER api_keys_signal AFTER UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION counter_signal_credentials();

CREATE TRIGGER terminals_signal AFTER UPDATE OR DELETE ON terminals
  FOR EACH ROW EXECUTE FUNCTION counter_signal_credentials();

CREATE FUNCTION counter_signal_store_feed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${STORE_FEED_CHANNEL}', NEW.id::text);
  RETURN NULL;
END $$;

CREATE TRIGGER stores_feed_signal AFTER UPDATE OF feed_head ON stores
  FOR EACH ROW WHEN (NEW.feed_head IS DISTINCT FROM OLD.feed_head)
  EXECUTE FUNCTION counter_signal_store_feed();
`;
