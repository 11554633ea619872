/** Finding orders: by order id, payment id, customer, business day, or the card the customer presents. */
import { useState } from 'react';
import { useManager, useMt } from './context';
import { Busy, Field } from './parts';

export function OrdersScreen() {
  const t = useMt();
  const search = useManager((s) => s.searchOrders);
  const presentCard = useManager((s) => s.presentCard);
  const openOrder = useManager((s) => s.openOrder);
  const results = useManager((s) => s.results);
  const card = useManager((s) => s.presentedCard);
  const busy = useManager((s) => s.busy);
  const [q, setQ] = useState({ orderId: '', paymentId: '', customer: '', businessDay: '' });
  const set = (k: keyof typeof q) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setQ({ ...q, [k]: e.target.value });
  return (
    <section className="manager-screen" aria-label={t.tk('manager.title.orders')}>
      <form
        className="search-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void search(q);
        }}
      >
        <Field label={t.tk('orders.orderId')}>
          {(id) => <input id={id} value={q.orderId} onChange={set('orderId')} />}
        </Field>
        <Field label={t.tk('orders.paymentId')}>
          {(id) => <input id={id} inputMode="numeric" value={q.paymentId} onChange={set('paymentId')} />}
        </Field>
        <Field label={t.tk('orders.customer')}>
          {(id) => <input id={id} value={q.customer} onChange={set('customer')} />}
        </Field>
        <Field label={t.tk('orders.day')}>
          {(id) => <input id={id} type="date" value={q.businessDay} onChange={set('businessDay')} />}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy !== null}>
            {t.tk('orders.search')}
          </button>
          <button type="button" onClick={() => void presentCard()} disabled={busy !== null}>
            {t.tk('orders.presentCard')}
          </button>
          <Busy when={busy === 'card.read' || busy === 'order.search'} />
        </div>
      </form>
      {results === null ? null : (
        <>
          <h2 id="orders-results">
            {card
              ? t.tp('orders.resultsForCard', results.length, { card })
              : t.tp('orders.results', results.length)}
          </h2>
          {results.length === 0 ? (
            <p>{t.tk('orders.none')}</p>
          ) : (
            <table className="grid" aria-labelledby="orders-results">
              <thead>
                <tr>
                  <th scope="col">{t.tk('orders.col.created')}</th>
                  <th scope="col">{t.tk('orders.col.order')}</th>
                  <th scope="col">{t.tk('orders.col.customer')}</th>
                  <th scope="col">{t.tk('orders.col.status')}</th>
                  <th scope="col" className="num">
                    {t.tk('orders.col.total')}
                  </th>
                  <th scope="col" className="num">
                    {t.tk('orders.col.due')}
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">{t.tk('orders.col.open')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {results.map((o) => (
                  <tr key={o.orderId}>
                    <td>{t.dateTime(o.createdAt)}</td>
                    <td>
                      <code>{o.orderId.slice(0, 8)}</code>{' '}
                      <span className="detail">{t.tk(`orders.kind.${o.kind}`)}</span>
                    </td>
                    <td>{o.customerName ?? '—'}</td>
                    <td>{o.status ? t.tk(`orders.status.${o.status}`) : '—'}</td>
                    <td className="num">{o.totalMinor === null ? '—' : t.minor(o.totalMinor)}</td>
                    <td className="num">{o.balanceDueMinor ? t.minor(o.balanceDueMinor) : '—'}</td>
                    <td>
                      <button
                        type="button"
                        onClick={() => void openOrder(o.orderId)}
                        aria-label={t.tk('orders.openOrder', { order: o.orderId.slice(0, 8) })}
                      >
                        {t.tk('orders.col.open')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
