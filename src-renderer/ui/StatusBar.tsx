import { useEffect, useState } from 'react';
import { useApp, useT } from './context';
import { offlineCardsPill } from './offline-countdown';

/** Always visible: is the till online, what is queued and since when, is the card terminal there. */
export function StatusBar() {
  const t = useT();
  const host = useApp((s) => s.host);
  const status = useApp((s) => s.status);
  const staffName = useApp((s) => s.staff?.name ?? null);
  const events = useApp((s) => s.events);
  const now = useNow(15_000);

  const connection =
    host === 'unreachable'
      ? { tone: 'bad', text: t.t('status.hostUnreachable') }
      : status === null
        ? { tone: 'neutral', text: '…' }
        : status.setUp && !status.setUp.issuer
          ? // A new counter: it sells nothing until a manager enrols it (Manager → Settings).
            { tone: 'bad', text: t.t('status.notSetUp') }
          : status.core && !status.core.enrolled
            ? // Not enrolled: it sells offline only, and that is not a network fault (Manager → Settings).
              { tone: 'warn', text: t.t('status.notEnrolled') }
            : status.online
              ? { tone: 'good', text: t.t('status.online') }
              : { tone: 'warn', text: t.t('status.offline') };
  const queue =
    status === null
      ? null
      : status.queued === 0
        ? t.t('status.queueEmpty')
        : status.oldestQueuedAt
          ? t.t('status.queuedOldest', { count: status.queued, age: t.age(status.oldestQueuedAt, now) })
          : t.t('status.queued', { count: status.queued });
  const term = status?.terminal?.state ?? 'UNKNOWN';
  const terminal =
    status?.setUp && !status.setUp.terminal
      ? { tone: 'warn', text: t.t('status.terminalNotConfigured') }
      : status === null || term === 'UNKNOWN'
        ? { tone: 'neutral', text: t.t('status.terminalUnknown') }
        : term === 'READY'
          ? { tone: 'good', text: t.t('status.terminalConnected') }
          : term === 'BUSY'
            ? { tone: 'good', text: t.t('status.terminalBusy') }
            : { tone: 'bad', text: t.t('status.terminalDisconnected') };
  const offlineCards = offlineCardsPill(t, status?.offlinePayments ?? [], now);

  return (
    // data-events: whether pushed events arrive (for technicians' and tests' eyes; the pills say the rest).
    <header className="status-bar no-print" data-events={events}>
      <span className="app-name">{t.t('app.title')}</span>
      <section aria-label={t.t('status.region')} aria-live="polite" className="status-items">
        <span className={`pill tone-${connection.tone}`} data-testid="status-connection">
          {connection.text}
        </span>
        <span className="pill tone-neutral" data-testid="status-queue">
          {queue ?? '…'}
        </span>
        <span className={`pill tone-${terminal.tone}`} data-testid="status-terminal">
          {terminal.text}
        </span>
        {offlineCards ? (
          <span
            className={`pill tone-${offlineCards.overdue ? 'bad' : 'warn'}`}
            data-testid="status-offline-cards"
          >
            {offlineCards.text}
          </span>
        ) : null}
      </section>
      <span className="staff">{staffName ? t.t('signedInAs', { name: staffName }) : ''}</span>
    </header>
  );
}

function useNow(everyMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
