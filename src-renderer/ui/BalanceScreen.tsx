import { useEffect, useRef, useState, type FormEvent } from 'react';
import { money } from '../../src-shared/money';
import { useApp, useT } from './context';
import { MoneyField, parseAmount } from './MoneyField';

/** Collects what is still due on an order (a deposit's balance) by card or cash, at any counter. */
export function BalanceScreen() {
  const t = useT();
  const currency = useApp((s) => s.currency);
  const locale = useApp((s) => s.entry.locale);
  const order = useApp((s) => s.balanceOrder);
  const error = useApp((s) => s.balanceError);
  const find = useApp((s) => s.findBalanceOrder);
  const collect = useApp((s) => s.collectBalance);
  const [orderId, setOrderId] = useState(order?.orderId ?? '');
  const [cashText, setCashText] = useState('');
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const due = order?.balanceDueMinor ?? 0;
  const cash = parseAmount(cashText, currency, locale);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (orderId.trim()) void find(orderId);
  };
  return (
    <main className="screen" aria-labelledby="balance-title">
      <h1 id="balance-title">{t.t('balance.title')}</h1>
      <form className="card inline-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="balance-order">{t.t('balance.orderId')}</label>
          <input
            id="balance-order"
            ref={first}
            autoComplete="off"
            spellCheck={false}
            value={orderId}
            onChange={(e) => setOrderId(e.target.value.trim())}
            aria-describedby="balance-error"
            aria-invalid={error ? true : undefined}
          />
        </div>
        <button type="submit" disabled={orderId === ''}>
          {t.t('balance.find')}
        </button>
      </form>
      <p id="balance-error" className="message-slot-small" role="status">
        {error ? <span className="tone-bad-text">{error}</span> : '\u00a0'}
      </p>
      {order ? (
        <section className="card" aria-labelledby="balance-order-title" data-testid="balance-order">
          <h2 id="balance-order-title">{t.t('receipt.order', { id: order.orderId })}</h2>
          <dl className="figures">
            <dt>{t.t('balance.total')}</dt>
            <dd>{t.amount(money(order.totalMinor ?? 0, currency))}</dd>
            <dt>{t.t('balance.collected')}</dt>
            <dd>{t.amount(money(order.collectedMinor, currency))}</dd>
            <dt>{t.t('balance.due')}</dt>
            <dd data-testid="balance-due">{t.amount(money(due, currency))}</dd>
          </dl>
          {due > 0 ? (
            <div className="balance-pay">
              <button
                type="button"
                className="primary"
                onClick={() => void collect(order.orderId, 'CARD', money(due, currency))}
              >
                {t.t('balance.payCard')}
              </button>
              <MoneyField label={t.t('balance.cashGiven')} value={cashText} onChange={setCashText} />
              <button
                type="button"
                disabled={!cash || cash.amountMinor < due}
                onClick={() => cash && void collect(order.orderId, { cashGiven: cash }, money(due, currency))}
              >
                {t.t('balance.payCash')}
              </button>
            </div>
          ) : (
            <p data-testid="balance-paid">{t.t('balance.paidInFull')}</p>
          )}
        </section>
      ) : null}
    </main>
  );
}
