/**
 * A manager's refund: which payment, how much (refundable per payment, and why it is less than was paid),
 * how (to the card through the core, card present on the terminal, or cash), why, and the manager's PIN.
 */
import { useContext, useState } from 'react';
import {
  refundableReasons,
  refundLimit,
  refundMethods,
  type ManagerCredentials,
  type RefundMethod,
} from '../../state/manager-slice';
import { useManager, useMt, ManagerSelf } from './context';
import { Busy, Field, ManagerPin, ReasonField } from './parts';

export function RefundScreen() {
  const t = useMt();
  const refundable = useManager((s) => s.refundable);
  const chosen = useManager((s) => s.refundPaymentId);
  const online = useManager((s) => s.online);
  const busy = useManager((s) => s.busy);
  const last = useManager((s) => s.lastRefund);
  const refund = useManager((s) => s.refund);
  const show = useManager((s) => s.show);
  const self = useContext(ManagerSelf);
  const [paymentId, setPaymentId] = useState(chosen ?? refundable?.payments[0]?.paymentId ?? '');
  const payment = refundable?.payments.find((p) => p.paymentId === paymentId) ?? null;
  const [method, setMethod] = useState<RefundMethod>(payment?.method === 'CASH' ? 'CASH' : 'CORE_CARD');
  const [amountText, setAmountText] = useState('');
  const [reason, setReason] = useState('');
  const [manager, setManager] = useState<ManagerCredentials>({
    managerId: self,
    managerPin: '',
  });
  if (!refundable) return null;
  const methods = payment ? refundMethods(payment) : [];
  const limit = payment ? refundLimit(payment, refundable, { online, method }) : 0;
  const reasons = payment ? refundableReasons(payment, refundable, { online, method }) : [];
  return (
    <section className="manager-screen" aria-label={t.tk('manager.title.refund')}>
      <div className="actions">
        <button type="button" onClick={() => show('order')}>
          {t.tk('refund.backToOrder')}
        </button>
      </div>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void refund({ paymentId, amountText, method, reason, manager }).then((done) => {
            if (done) {
              setAmountText('');
              setReason('');
            }
            setManager((m) => ({ ...m, managerPin: '' }));
          });
        }}
      >
        <Field label={t.tk('refund.payment')}>
          {(id) => (
            <select
              id={id}
              value={paymentId}
              onChange={(e) => {
                setPaymentId(e.target.value);
                const p = refundable.payments.find((x) => x.paymentId === e.target.value);
                setMethod(p?.method === 'CASH' ? 'CASH' : 'CORE_CARD');
              }}
            >
              {refundable.payments.map((p) => (
                <option key={p.paymentId} value={p.paymentId}>
                  {p.paymentId} · {p.method ? t.tk(`method.${p.method}`) : t.tk(`channel.${p.channel}`)} ·{' '}
                  {t.tk('refund.refundableShort', { amount: t.minor(p.refundableMinor) })}
                </option>
              ))}
            </select>
          )}
        </Field>
        {payment ? (
          <div className="refundable-box" data-testid="refundable-box">
            <p>
              {t.tk('refund.paidRefundable', {
                paid: t.minor(payment.collectedMinor),
                refundable: t.minor(limit),
              })}
            </p>
            {reasons.length > 0 ? (
              <ul aria-label={t.tk('refund.whyLess')}>
                {reasons.map((r) => (
                  <li key={r.key}>{t.tk(r.key, { amount: t.minor(r.amountMinor) })}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        <fieldset>
          <legend>{t.tk('refund.method')}</legend>
          <div className="choices">
            {(['CORE_CARD', 'TERMINAL_CARD', 'CASH'] as const).map((m) => (
              <label key={m} className="choice">
                <input
                  type="radio"
                  name="refund-method"
                  value={m}
                  checked={method === m}
                  disabled={!methods.includes(m)}
                  onChange={() => setMethod(m)}
                />
                {t.tk(`refund.method.${m}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <Field label={t.tk('refund.amount')} hint={t.tk('refund.amountHint', { amount: t.minor(limit) })}>
          {(id, hint) => (
            <input
              id={id}
              inputMode="decimal"
              autoComplete="off"
              aria-describedby={hint}
              value={amountText}
              onChange={(e) => setAmountText(e.target.value)}
              required
            />
          )}
        </Field>
        <ReasonField label={t.tk('refund.reason')} value={reason} onChange={setReason} />
        <ManagerPin value={manager} onChange={setManager} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy !== null || limit === 0}>
            {t.tk('refund.submit')}
          </button>
          <Busy when={busy === 'refund.execute'} />
        </div>
      </form>
      {last ? (
        <p className="detail" data-testid="refund-reference">
          {t.tk('refund.reference', { reference: last.reference, state: t.tk(`refund.state.${last.state}`) })}
        </p>
      ) : null}
    </section>
  );
}
