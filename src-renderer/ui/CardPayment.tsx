import { useEffect, useRef } from 'react';
import { useApp, useT } from './context';

/**
 * The card payment in progress, as a modal dialog over the sale: the terminal's own messages as they come,
 * a cancel that asks the terminal (the terminal decides), and for an unknown outcome a calm screen that
 * says what to do and offers no way to charge again until the outcome is known.
 */
export function CardPayment() {
  const t = useT();
  const card = useApp((s) => s.card);
  const cancel = useApp((s) => s.cancelCardPayment);
  const recover = useApp((s) => s.recoverCardPayment);
  const close = useApp((s) => s.closeCardPayment);
  const focusTarget = useRef<HTMLButtonElement>(null);
  const phase = card?.phase;
  useEffect(() => focusTarget.current?.focus(), [phase]);
  if (!card) return null;

  const running = card.phase === 'starting' || card.phase === 'inProgress' || card.phase === 'cancelling';
  const title =
    card.phase === 'unknown'
      ? t.t('card.unknownTitle')
      : card.phase === 'approved'
        ? t.t('card.approved')
        : card.phase === 'declined'
          ? t.t('card.declined')
          : card.phase === 'cancelled'
            ? t.t('card.cancelled')
            : t.t('card.title');
  return (
    <div className="overlay">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="card-title"
        className={`card-dialog phase-${card.phase}`}
      >
        <h2 id="card-title">{title}</h2>
        <p className="card-amount">{t.t('card.amount', { amount: t.amount(card.amount) })}</p>
        {card.phase === 'unknown' ? (
          <p className="calm">{t.t('card.unknownBody')}</p>
        ) : (
          <div role="log" aria-live="polite" data-testid="terminal-messages">
            <ol className="terminal-messages">
              {card.messages.length === 0 && running ? <li>{t.t('card.waiting')}</li> : null}
              {card.messages.map((m, i) => (
                <li key={i}>{m}</li>
              ))}
            </ol>
          </div>
        )}
        {card.error ? <p className="detail">{card.error}</p> : null}
        <div className="actions">
          {running ? (
            <button
              ref={focusTarget}
              type="button"
              onClick={() => void cancel()}
              disabled={card.phase === 'cancelling'}
            >
              {card.phase === 'cancelling' ? t.t('card.cancelling') : t.t('card.cancel')}
            </button>
          ) : card.phase === 'unknown' ? (
            <button ref={focusTarget} type="button" className="primary" onClick={() => void recover()}>
              {t.t('card.checkAgain')}
            </button>
          ) : (
            <button ref={focusTarget} type="button" className="primary" onClick={close}>
              {t.t('card.done')}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
