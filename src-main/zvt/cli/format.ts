/** Readable text for the technician (JSON is the alternative with --json). */
import { toDecimalString, type DomainError } from '../../../src-shared';
import { hexByte } from '../codec/bytes';
import type {
  ReadCardOutcome,
  Receipt,
  RecoveryReport,
  TerminalStatus,
  TransactionOutcome,
} from '../session/types';

export function formatReceipts(receipts: readonly Receipt[]): string {
  return receipts
    .map((r) => [`  ┌─ ${r.type} receipt`, ...r.lines.map((l) => `  │ ${l}`), '  └─'].join('\n'))
    .join('\n');
}

function formatRecovery(r: RecoveryReport): string {
  return `recovery (${r.attempts} attempt${r.attempts === 1 ? '' : 's'}): ${r.verdict} — ${r.basis}`;
}

/** What a successful outcome is called for the command that produced it. */
export type SuccessWord = 'APPROVED' | 'REFUNDED' | 'REVERSED' | 'SETTLED';

export function formatOutcome(o: TransactionOutcome, success: SuccessWord = 'APPROVED'): string {
  switch (o.kind) {
    case 'approved': {
      const d = o.details;
      const rows = [
        `${success}${d.amount ? ` ${d.amount.currency} ${toDecimalString(d.amount)}` : ''}`,
        d.cardName || d.maskedPan ? `  card      ${d.cardName ?? ''} ${d.maskedPan ?? ''}`.trimEnd() : '',
        d.receiptNumber
          ? `  receipt   ${d.receiptNumber}   trace ${d.trace ?? '-'}   turnover ${d.turnoverNumber ?? '-'}`
          : '',
        d.terminalId ? `  terminal  ${d.terminalId}${d.aid ? `   auth ${d.aid}` : ''}` : '',
        d.date || d.time ? `  when      ${d.date ?? ''} ${d.time ?? ''}` : '',
        d.cardToken ? `  token     ${d.cardToken}` : '',
        d.totals
          ? d.totals.schemes
              .filter((s) => s.count > 0)
              .map(
                (s) =>
                  `  ${s.scheme.padEnd(22)} ${String(s.count).padStart(4)}  ${toDecimalString({ amountMinor: s.totalMinor, currency: d.amount?.currency ?? 'EUR' })}`,
              )
              .join('\n')
          : '',
        o.recovered ? `  ${formatRecovery(o.recovered)}` : '',
        formatReceipts(o.receipts),
      ];
      return rows.filter((r) => r !== '').join('\n');
    }
    case 'declined':
      return `DECLINED: ${o.reason.en} / ${o.reason.de} (ZVT ${hexByte(o.resultCode)})\n${formatReceipts(o.receipts)}`;
    case 'aborted':
      return `ABORTED (${o.by}): ${o.reason.en} / ${o.reason.de} (ZVT ${hexByte(o.resultCode)})`;
    case 'failed':
      return `NOT DONE: ${o.error.message}${o.recovery ? `\n  ${formatRecovery(o.recovery)}` : ''}`;
    case 'unknown':
      return `OUTCOME UNKNOWN: ${o.error.message}\n  failed while ${o.stage}\n  ${formatRecovery(o.recovery)}`;
  }
}

export function formatStatus(s: TerminalStatus): string {
  return `terminal status ${hexByte(s.code)}: ${s.text.en} / ${s.text.de}${s.softwareVersion ? `\nsoftware ${s.softwareVersion}` : ''}`;
}

export function formatError(e: DomainError): string {
  return `error ${e.code}: ${e.message}`;
}

export function formatCardRead(o: ReadCardOutcome): string {
  switch (o.kind) {
    case 'read': {
      const c = o.card;
      return [
        'CARD READ',
        `  card      ${[c.cardName ?? c.cardType?.name, c.maskedPan].filter(Boolean).join(' ')}`,
        c.expiry ? `  expires   ${c.expiry}` : '',
        c.technology ? `  read by   ${c.technology}` : '',
        `  token     ${c.token ?? '(the terminal sent none)'}`,
      ]
        .filter((r) => r !== '')
        .join('\n');
    }
    case 'no-card':
      return `NO CARD: ${o.error.message}`;
    case 'aborted':
      return `ABORTED (${o.by}): ${o.reason.en} / ${o.reason.de} (ZVT ${hexByte(o.resultCode)})`;
    case 'not-read':
      return `NOT READ: ${o.error.message}`;
    case 'failed':
      return `NOT DONE: ${o.error.message}`;
  }
}
