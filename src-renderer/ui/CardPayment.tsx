import { useEffect, useRef } from 'react';
import { money } from '../../src-shared/money';
import { useApp, useT } from './context';

/**
 * A checkout in progress, as a modal dialog over the screen: for a card, the terminal's own messages as they
 * come and a cancel that asks the terminal (the terminal decides); for an unknown outcome a calm screen that
 * says what to do and offers no way to charge again until the outcome is known; at the end, the change due or
 * the balance still due, and the receipt.
 */
export function CheckoutDialog() {
  const t = useT();
  const c = useApp((s) => s.checkout);
  const currency = useApp((s) => s.currency);
  const cancel = useApp((s) => s.cancelCardPayment);
  const recover = useApp((s) => s.recoverCardPayment);
  const retry = useApp((s) => s.retryCard);
  const close = useApp((s) => s.closeCheckout);
  const focusTarget = useRef<HTMLButtonElement>(null);
  const phase = c?.phase;
  useEffect(() => focusTarget.current?.focus(), [phase]);
  if (!c) return null;

  const running = c.phase === 'starting' || c.phase === 'inProgress' || c.phase === 'cancelling';
  const title = {
    starting: c.card ? t.t('card.title') : t.t('checkout.cashTitle'),
    inProgress: t.t('card.title'),
    cancelling: t.t('card.title'),
    approved:
      c.kind === 'deposit'
        ? t.t('checkout.depositTaken')
        : c.card
          ? t.t('card.approved')
          : t.t('checkout.paid'),
    declined: t.t('card.declined'),
    notCharged: c.cancelRequested ? t.t('card.cancelled') : t.t('card.notCharged'),
    failed: t.t('checkout.failed'),
    unknown: t.t('card.unknownTitle'),
  }[c.phase];
  const change = c.answer?.tenders.reduce((n, tender) => n + tender.changeMinor, 0) ?? 0;
  const due = c.answer?.balanceDueMinor ?? 0;
  return (
    <div className="overlay no-print">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="card-title"
        aria-describedby="checkout-body"
        className={`card-dialog phase-${c.phase}`}
      >
        <h2 id="card-title">{title}</h2>
        <p className="card-amount">{t.t('card.amount', { amount: t.amount(c.amount) })}</p>
        <div id="checkout-body">
          {c.phase === 'unknown' ? (
            <p className="calm">{t.t('card.unknownBody')}</p>
          ) : c.card ? (
            <div role="log" aria-live="polite" data-testid="terminal-messages">
              <ol className="terminal-messages">
                {c.messages.length === 0 && running ? <li>{t.t('card.waiting')}</li> : null}
                {c.messages.map((m, i) => (
                  <li key={i}>{m}</li>
                ))}
              </ol>
            </div>
          ) : running ? (
            <p>{t.t('checkout.checking')}</p>
          ) : null}
          {c.phase === 'approved' ? (
            <p className="checkout-result" data-testid="checkout-result">
              {change > 0 ? t.t('checkout.change', { amount: t.amount(money(change, currency)) }) : null}
              {change > 0 && due > 0 ? ' · ' : null}
              {due > 0 ? t.t('checkout.balanceDue', { amount: t.amount(money(due, currency)) }) : null}
            </p>
          ) : null}
          {c.phase === 'declined' ? <p>{t.t('card.declinedBody')}</p> : null}
          {c.phase === 'notCharged' ? <p>{t.t('card.notChargedBody')}</p> : null}
        </div>
        {c.error ? <p className="detail">{c.error}</p> : null}
        <div className="actions">
          {running ? (
            c.card ? (
              <button
                ref={focusTarget}
                type="button"
                onClick={() => void cancel()}
                disabled={c.phase === 'cancelling'}
              >
                {c.phase === 'cancelling' ? t.t('card.cancelling') : t.t('card.cancel')}
              </button>
            ) : null
          ) : c.phase === 'unknown' ? (
            <button ref={focusTarget} type="button" className="primary" onClick={() => void recover()}>
              {t.t('card.checkAgain')}
            </button>
          ) : c.phase === 'approved' ? (
            <button ref={focusTarget} type="button" className="primary" onClick={close}>
              {t.t('card.receipt')}
            </button>
          ) : (
            <>
              {(c.phase === 'declined' || c.phase === 'notCharged') && c.card && c.answer ? (
                <button ref={focusTarget} type="button" className="primary" onClick={() => void retry()}>
                  {t.t('card.retry')}
                </button>
              ) : null}
              <button
                ref={c.phase === 'failed' || !c.card ? focusTarget : undefined}
                type="button"
                onClick={close}
              >
                {t.t('card.done')}
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
