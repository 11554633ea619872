/** Reconciliation: this counter's orders of a day against the core's, and what was done about each difference. */
import { useState } from 'react';
import { useManager, useMt } from './context';
import { Busy, Field } from './parts';

export function ReconcileScreen() {
  const t = useMt();
  const run = useManager((s) => s.reconcile);
  const result = useManager((s) => s.reconciliation);
  const busy = useManager((s) => s.busy);
  // Today in this computer's time zone (the business day the counter uses), not UTC's.
  const [day, setDay] = useState(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
  return (
    <section className="manager-screen" aria-label={t.tk('manager.title.reconcile')}>
      <form
        className="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(day || undefined);
        }}
      >
        <Field label={t.tk('orders.day')}>
          {(id) => <input id={id} type="date" value={day} onChange={(e) => setDay(e.target.value)} />}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy !== null}>
            {t.tk('reconcile.run')}
          </button>
          <Busy when={busy === 'reconcile.run'} />
        </div>
      </form>
      {result ? (
        <>
          <p data-testid="reconcile-summary">
            {t.tk('reconcile.summary', {
              checked: result.checked,
              differences: result.differences.length,
              at: t.dateTime(result.checkedAt),
            })}
          </p>
          {result.differences.length > 0 ? (
            <table className="grid">
              <caption>{t.tk('reconcile.differences')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.tk('queue.col.order')}</th>
                  <th scope="col">{t.tk('reconcile.counter')}</th>
                  <th scope="col">{t.tk('reconcile.core')}</th>
                  <th scope="col">{t.tk('reconcile.action')}</th>
                </tr>
              </thead>
              <tbody>
                {result.differences.map((d, i) => (
                  <tr key={i}>
                    <td>
                      <code>{d.orderId.slice(0, 8)}</code>
                    </td>
                    <td>{d.counter}</td>
                    <td>{d.core}</td>
                    <td>{t.tk(`reconcile.action.${d.action}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
