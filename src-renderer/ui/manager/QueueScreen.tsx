/** What waits for the core: each item with its age, attempts and last error; "Sync now". */
import { useManager, useMt } from './context';
import { Busy } from './parts';

export function QueueScreen() {
  const t = useMt();
  const queue = useManager((s) => s.queue);
  const busy = useManager((s) => s.busy);
  const syncNow = useManager((s) => s.syncNow);
  const lastSync = useManager((s) => s.lastSync);
  const now = new Date();
  return (
    <section className="manager-screen" aria-label={t.tk('manager.title.queue')}>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void syncNow()} disabled={busy !== null}>
          {t.tk('queue.syncNow')}
        </button>
        <Busy when={busy === 'sync.now'} />
      </div>
      {lastSync ? (
        <p className="detail">{t.tk(lastSync.online ? 'queue.coreOnline' : 'queue.coreOffline')}</p>
      ) : null}
      {queue === null ? null : queue.length === 0 ? (
        <p data-testid="queue-empty">{t.tk('queue.empty')}</p>
      ) : (
        <table className="grid" aria-label={t.tp('queue.items', queue.length)}>
          <caption>{t.tp('queue.items', queue.length)}</caption>
          <thead>
            <tr>
              <th scope="col">{t.tk('queue.col.what')}</th>
              <th scope="col">{t.tk('queue.col.order')}</th>
              <th scope="col">{t.tk('queue.col.since')}</th>
              <th scope="col" className="num">
                {t.tk('queue.col.attempts')}
              </th>
              <th scope="col">{t.tk('queue.col.lastError')}</th>
            </tr>
          </thead>
          <tbody>
            {queue.map((q) => (
              <tr key={q.id} data-testid="queue-item">
                <td>{t.tk(`queue.kind.${q.kind}`)}</td>
                <td>{q.orderId ? <code>{q.orderId.slice(0, 8)}</code> : '—'}</td>
                <td>
                  {t.dateTime(q.createdAt)} <span className="detail">({t.age(q.createdAt, now)})</span>
                </td>
                <td className="num">{q.attempts}</td>
                <td className="detail">{q.lastError ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
