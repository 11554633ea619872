/**
 * One order's timeline across channels (deposit in store, balance online, refunds anywhere), its balance and
 * what is refundable per payment, with a refund button per payment that has something left.
 */
import { useManager, useMt } from './context';

export function OrderScreen() {
  const t = useMt();
  const timeline = useManager((s) => s.timeline);
  const refundable = useManager((s) => s.refundable);
  const startRefund = useManager((s) => s.startRefund);
  const show = useManager((s) => s.show);
  if (!timeline) return null;
  const o = timeline.order;
  return (
    <section className="manager-screen" aria-label={t.tk('manager.title.order')}>
      <div className="actions">
        <button type="button" onClick={() => show('orders')}>
          {t.tk('order.backToSearch')}
        </button>
      </div>
      <dl className="facts">
        <div>
          <dt>{t.tk('order.id')}</dt>
          <dd>
            <code data-testid="order-id">{o.orderId}</code>
          </dd>
        </div>
        <div>
          <dt>{t.tk('orders.col.customer')}</dt>
          <dd>
            {timeline.customer
              ? `${timeline.customer.name}${timeline.customer.contact ? ` · ${timeline.customer.contact}` : ''}`
              : '—'}
          </dd>
        </div>
        <div>
          <dt>{t.tk('orders.col.status')}</dt>
          <dd>{o.status ? t.tk(`orders.status.${o.status}`) : '—'}</dd>
        </div>
        <div>
          <dt>{t.tk('orders.col.total')}</dt>
          <dd>{o.totalMinor === null ? '—' : t.minor(o.totalMinor)}</dd>
        </div>
        <div>
          <dt>{t.tk('order.collected')}</dt>
          <dd data-testid="order-collected">{t.minor(timeline.collectedMinor)}</dd>
        </div>
        <div>
          <dt>{t.tk('order.refunded')}</dt>
          <dd data-testid="order-refunded">{t.minor(timeline.refundedMinor)}</dd>
        </div>
        <div>
          <dt>{t.tk('orders.col.due')}</dt>
          <dd data-testid="order-balance">
            {timeline.balanceDueMinor === null ? '—' : t.minor(timeline.balanceDueMinor)}
          </dd>
        </div>
        <div>
          <dt>{t.tk('order.refundable')}</dt>
          <dd data-testid="order-refundable">{t.minor(timeline.refundableMinor)}</dd>
        </div>
      </dl>
      <h2 id="timeline-title">{t.tk('order.timeline')}</h2>
      <ol className="timeline" aria-labelledby="timeline-title">
        {timeline.entries.map((e, i) => (
          <li key={i} className={`timeline-entry kind-${e.kind}`} data-testid="timeline-entry">
            <span className="when">{t.dateTime(e.at)}</span>
            <span className="what">
              {t.tk(`timeline.kind.${e.kind}`)} · {t.tk(`channel.${e.channel}`)}
              {e.method ? ` · ${t.tk(`method.${e.method}`)}` : ''}
            </span>
            <span className="num">{t.minor(e.amountMinor)}</span>
            <span className={`state state-${e.status}`}>{t.tk(`timeline.status.${e.status}`)}</span>
            <span className="detail">{e.paymentId}</span>
          </li>
        ))}
      </ol>
      {refundable ? (
        <>
          <h2 id="payments-title">{t.tk('order.payments')}</h2>
          <table className="grid" aria-labelledby="payments-title">
            <thead>
              <tr>
                <th scope="col">{t.tk('order.payment')}</th>
                <th scope="col">{t.tk('order.channelMethod')}</th>
                <th scope="col" className="num">
                  {t.tk('order.collected')}
                </th>
                <th scope="col" className="num">
                  {t.tk('order.refunded')}
                </th>
                <th scope="col" className="num">
                  {t.tk('order.refundable')}
                </th>
                <th scope="col">
                  <span className="visually-hidden">{t.tk('order.refund')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {refundable.payments.map((p) => (
                <tr key={p.paymentId}>
                  <td>
                    <code>{p.paymentId}</code>
                    {p.cardLast4 ? <span className="detail"> •••• {p.cardLast4}</span> : null}
                  </td>
                  <td>
                    {t.tk(
                      `channel.${p.channel === 'IN_STORE' ? (p.collectedHere ? 'THIS_COUNTER' : 'OTHER_COUNTER') : p.channel}`,
                    )}
                    {p.method ? ` · ${t.tk(`method.${p.method}`)}` : ''}
                  </td>
                  <td className="num">{t.minor(p.collectedMinor)}</td>
                  <td className="num">
                    {t.minor(p.refundedMinor)}
                    {p.refundedElsewhereMinor > 0 ? (
                      <span className="detail">
                        {' '}
                        ({t.tk('order.ofWhichElsewhere', { amount: t.minor(p.refundedElsewhereMinor) })})
                      </span>
                    ) : null}
                  </td>
                  <td className="num">{t.minor(p.refundableMinor)}</td>
                  <td>
                    <button
                      type="button"
                      disabled={p.refundableMinor === 0}
                      onClick={() => startRefund(p.paymentId)}
                      aria-label={t.tk('order.refundPayment', { payment: p.paymentId })}
                    >
                      {t.tk('order.refund')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
