/**
 * The virtual PT's transaction flows: payment / pre-authorisation / refund with the presented test card,
 * reversal by receipt number, pre-auth book-keeping (06 23/24/25), end-of-day totals and repeat receipt.
 * Booking happens only after the ECR acknowledged the 04 0F and every print message (P15 §2.2.8).
 */
import { currencyByNumericCode, type CurrencyCode, type Money, type TestCard } from '../../../src-shared';
import { concatBytes, encodeBcd, hexByte } from '../codec/bytes';
import { findBmp } from '../codec/bmp';
import type { ParsedMessage } from '../codec/messages';
import { resultCodeText } from '../codec/tables/result-codes';
import type { Conversation } from './conversation';
import {
  abortMessage,
  ACCEPT,
  completion,
  openPreAuthAnswer,
  refuse,
  shortStatusInformation,
  statusInformation,
} from './pt-messages';
import type { FlowTerminal, TerminalJournalEntry, JournalKind } from './state';

const str = (m: ParsedMessage, bmp: number) => {
  const v = findBmp(m.fields, bmp)?.value;
  return typeof v === 'string' ? v : undefined;
};

function amountOf(vt: FlowTerminal, m: ParsedMessage): Money | null | 'wrong-currency' {
  const digits = str(m, 0x04);
  const cc = str(m, 0x49);
  let currency: CurrencyCode = vt.currency;
  if (cc !== undefined) {
    const c = currencyByNumericCode(Number(cc));
    if (c !== vt.currency) return 'wrong-currency';
    currency = c;
  }
  return digits === undefined ? null : { amountMinor: Number(digits), currency };
}

/** What the test card does with this amount (src-shared/test-cards.ts `inStore`). */
function cardDecision(card: TestCard, amount: Money): { rc: number; pin: boolean; statuses: number[] } {
  const pinCard = card.inStore === 'APPROVE_WITH_PIN' || card.brand === 'GIROCARD';
  const base = pinCard ? [0x0a, 0x01, 0x04] : [0x0a, 0x04];
  switch (card.inStore) {
    case 'APPROVE':
    case 'APPROVE_WITH_PIN':
      return { rc: 0x00, pin: pinCard, statuses: base };
    case 'DECLINE':
      return { rc: 0x05, pin: pinCard, statuses: base };
    case 'INSUFFICIENT_FUNDS':
      return {
        rc: amount.amountMinor > (card.fundsLimitMinor ?? 0) ? 0x33 : 0x00,
        pin: pinCard,
        statuses: base,
      };
    case 'EXPIRED':
      return { rc: 0x78, pin: false, statuses: [0x0a, 0x09] };
    case 'BLOCKED':
      return { rc: 0x6e, pin: pinCard, statuses: base };
    case 'HOST_TIMEOUT':
      return { rc: 0xa1, pin: pinCard, statuses: base };
    case 'CARD_REMOVED':
      return { rc: 0x66, pin: true, statuses: [0x0a, 0x01] };
    case 'CUSTOMER_ABORT':
      return { rc: 0x6c, pin: true, statuses: [0x0a, 0x01] };
  }
}

const TITLES: Record<JournalKind, string> = {
  payment: 'Kartenzahlung',
  refund: 'Gutschrift',
  reversal: 'Storno',
  'pre-authorisation': 'Reservierung',
  'book-total': 'Buchung Reservierung',
  'pre-auth-reversal': 'Storno Reservierung',
};

interface Approval {
  kind: JournalKind;
  amount: Money;
  card?: TestCard;
  pin?: boolean;
  originalTrace?: number;
  refersTo?: number;
  maxStatusInfos?: number;
  /** Runs when the transaction is booked (pre-auth bookkeeping, marking a payment reversed). */
  onBooked?: () => void;
}

/** Sends the approval, prints, books, completes; auto-reverses if any answer is missing or negative. */
async function approve(vt: FlowTerminal, conv: Conversation, a: Approval): Promise<void> {
  vt.trace += 1;
  vt.receipt += 1;
  const trace = vt.trace;
  const receipt = vt.receipt;
  const at = vt.clock();
  const amount = { ...a.amount };
  const info = () =>
    statusInformation({
      resultCode: 0,
      amount,
      trace,
      receipt,
      turnover: vt.turnover + 1,
      originalTrace: a.originalTrace,
      at,
      terminalId: vt.terminalId,
      vuNumber: vt.vuNumber,
      card: a.card,
      pin: a.pin,
      authCode: a.card ? String(100000 + (trace % 900000)) : undefined,
      tokenTag: vt.tokenTag,
      tlvAllowed: vt.tlvAllowed,
    });
  const autoReverse = (why: string) => vt.emit({ kind: 'auto-reversal', receipt, why });

  const loop = vt.takeFault('goods-issue-loop');
  for (let k = 0; k < (loop?.repeats ?? 2); k++) {
    if (!loop) break;
    if ((await conv.send(info())).kind === 'lost') return autoReverse('no answer to a repeated 04 0F');
  }
  let answer = await conv.send(info());
  // Goods-issue loop (P15 §2.2.6): on 84 9C wait 2 s and repeat, at most BMP 02 + 1 times.
  let repeats = 0;
  while (answer.kind === 'retry-later' && repeats < (a.maxStatusInfos ?? 1) + 1) {
    repeats += 1;
    await new Promise((r) => setTimeout(r, vt.timers.goodsRetryDelayMs));
    answer = await conv.send(info());
  }
  if (answer.kind === 'partial') amount.amountMinor = Math.min(amount.amountMinor, answer.amountMinor);
  if (answer.kind === 'retry-later' || answer.kind === 'negative') {
    autoReverse(
      answer.kind === 'negative' ? `ECR answered 84 ${hexByte(answer.code)}` : 'goods never issued',
    );
    await conv.send(shortStatusInformation(0x6c));
    await conv.send(abortMessage(0x6c));
    return;
  }
  if (answer.kind === 'lost') return autoReverse('the ECR did not acknowledge the 04 0F');
  const receipts: { type: 1 | 2 | 3; lines: string[] }[] = [];
  if (a.kind !== 'pre-authorisation') {
    // P15 §2.8: no receipt for a successful pre-authorisation.
    for (const [type, copy] of [
      [2, 'Kundenbeleg'],
      [1, 'Händlerbeleg'],
    ] as const) {
      const lines = vt.receiptFor({
        title: TITLES[a.kind],
        amount,
        card: a.card,
        trace,
        receipt,
        at,
        outcome: 'Zahlung erfolgt',
        copy,
      });
      receipts.push({ type, lines });
      if ((await vt.print(conv, type, lines)) === 'lost')
        return autoReverse('a print message was not acknowledged');
    }
  }
  vt.turnover += 1;
  const entry: TerminalJournalEntry = {
    kind: a.kind,
    receipt,
    trace,
    turnover: vt.turnover,
    amountMinor: amount.amountMinor,
    currency: amount.currency,
    card: a.card,
    status: a.kind === 'pre-authorisation' ? 'open' : 'booked',
    refersTo: a.refersTo,
    statusInformation: info(),
    receipts,
    batch: vt.batch,
  };
  vt.journal.push(entry);
  a.onBooked?.();
  vt.emit({ kind: 'booked', entry });
  if (vt.takeFault('silence-after-approval')) return;
  await conv.send(completion());
}

async function decline(
  vt: FlowTerminal,
  conv: Conversation,
  rc: number,
  amount: Money,
  card?: TestCard,
): Promise<void> {
  vt.trace += 1;
  vt.emit({ kind: 'declined', resultCode: rc });
  const at = vt.clock();
  const a = await conv.send(
    statusInformation({
      resultCode: rc,
      amount,
      trace: vt.trace,
      at,
      terminalId: vt.terminalId,
      card,
      tlvAllowed: vt.tlvAllowed,
    }),
  );
  if (a.kind === 'lost') return;
  if (rc !== 0x6c) {
    const reason = resultCodeText(rc).de;
    const lines = vt.receiptFor({
      title: 'Kartenzahlung',
      amount,
      card,
      trace: vt.trace,
      at,
      outcome: 'Zahlung nicht erfolgt',
      copy: 'Kundenbeleg',
      extra: [reason],
    });
    if ((await vt.print(conv, 2, lines)) === 'lost') return;
  }
  await conv.send(abortMessage(rc));
}

export async function payment(
  vt: FlowTerminal,
  conv: Conversation,
  m: ParsedMessage,
  kind: JournalKind,
): Promise<void> {
  const amount = amountOf(vt, m);
  if (amount === 'wrong-currency') return void (await conv.post(refuse(0x6f)));
  if (amount === null || amount.amountMinor <= 0) return void (await conv.post(refuse(0x9a))); // BMP 04 is mandatory in practice
  if (!(await conv.post(ACCEPT))) return;
  const card = vt.presentedCardOrNone;
  if (!card) {
    // Nobody presents a card: the PT prompts, then gives up with "abort via timeout" (6C).
    if ((await vt.status(conv, 0x0a)) === 'lost') return;
    if ((await conv.waitCustomer(vt.timers.customerDelayMs)) === 'lost') return;
    return decline(vt, conv, 0x6c, amount);
  }
  const d = cardDecision(card, amount);
  for (const code of d.statuses) {
    if ((await vt.status(conv, code)) === 'lost') return;
    const waited = await conv.waitCustomer(code === 0x04 ? vt.timers.hostDelayMs : vt.timers.customerDelayMs);
    if (waited === 'lost') return;
    if (waited === 'aborted') return decline(vt, conv, 0x6c, amount, card);
  }
  if (d.rc !== 0) return decline(vt, conv, d.rc, amount, card);
  const maxStatusInfos = findBmp(m.fields, 0x02)?.value;
  await approve(vt, conv, {
    kind,
    amount,
    card,
    pin: d.pin,
    maxStatusInfos: typeof maxStatusInfos === 'number' ? maxStatusInfos : undefined,
  });
}

export async function reversal(vt: FlowTerminal, conv: Conversation, m: ParsedMessage): Promise<void> {
  const receipt = str(m, 0x87);
  if (receipt === undefined) return void (await conv.post(refuse(0x9a)));
  if (!(await conv.post(ACCEPT))) return;
  const original = vt.journal.find(
    (e) => e.receipt === Number(receipt) && (e.kind === 'payment' || e.kind === 'book-total'),
  );
  if (!original) return void (await conv.send(abortMessage(0xb5)));
  if (original.status === 'reversed') return void (await conv.send(abortMessage(0xb4)));
  await approve(vt, conv, {
    kind: 'reversal',
    amount: { amountMinor: original.amountMinor, currency: original.currency },
    card: original.card,
    originalTrace: original.trace,
    refersTo: original.receipt,
    onBooked: () => (original.status = 'reversed'),
  });
}

/** 06 23 (partial reversal / booking), 06 24 (book total), 06 25 (pre-auth reversal). */
export async function preAuthOperation(
  vt: FlowTerminal,
  conv: Conversation,
  m: ParsedMessage,
): Promise<void> {
  const raw = findBmp(m.fields, 0x87)?.raw;
  if (!raw) return void (await conv.post(refuse(0x9a)));
  if (!(await conv.post(ACCEPT))) return;
  const open = vt.journal.filter((e) => e.kind === 'pre-authorisation' && e.status === 'open');
  if (m.ins === 0x23 && raw[0] === 0xff && raw[1] === 0xff) {
    return void (await conv.send(openPreAuthAnswer(open[0]?.receipt ?? null)));
  }
  const preAuth = open.find((e) => e.receipt === Number(str(m, 0x87)));
  if (!preAuth) return void (await conv.send(abortMessage(0xb8)));
  const amount = amountOf(vt, m);
  if (amount === 'wrong-currency') return void (await conv.send(abortMessage(0x6f)));
  const given = amount?.amountMinor ?? (m.ins === 0x24 ? preAuth.amountMinor : 0);
  if (given > preAuth.amountMinor) return void (await conv.send(abortMessage(0xb7)));
  const booked = m.ins === 0x24 ? given : m.ins === 0x23 ? preAuth.amountMinor - given : preAuth.amountMinor;
  await approve(vt, conv, {
    kind: m.ins === 0x25 ? 'pre-auth-reversal' : 'book-total',
    amount: { amountMinor: booked, currency: preAuth.currency },
    card: preAuth.card,
    originalTrace: preAuth.trace,
    refersTo: preAuth.receipt,
    onBooked: () => (preAuth.status = 'closed'),
  });
}

const SCHEME_INDEX: Record<string, number> = { GIROCARD: 0, JCB: 1, MASTERCARD: 2, AMEX: 3, VISA: 4 };

export async function endOfDay(vt: FlowTerminal, conv: Conversation): Promise<void> {
  if (!(await conv.post(ACCEPT))) return;
  const sales = vt.journal.filter(
    (e) => e.batch === vt.batch && e.status === 'booked' && (e.kind === 'payment' || e.kind === 'book-total'),
  );
  const counts = Array.from({ length: 7 }, () => ({ count: 0, total: 0 }));
  for (const e of sales) {
    const slot = counts[SCHEME_INDEX[e.card?.brand ?? ''] ?? 6];
    if (slot) {
      slot.count += 1;
      slot.total += e.amountMinor;
    }
  }
  const total = sales.reduce((n, e) => n + e.amountMinor, 0);
  const inBatch = vt.journal.filter((e) => e.batch === vt.batch);
  const single = concatBytes([
    encodeBcd(inBatch[0]?.receipt ?? 0, 2),
    encodeBcd(inBatch.at(-1)?.receipt ?? 0, 2),
    ...counts.map((c) => concatBytes([[Math.min(c.count, 255)], encodeBcd(c.total, 6)])),
  ]);
  vt.trace += 1;
  const at = vt.clock();
  const a = await conv.send(
    statusInformation({
      resultCode: 0,
      amount: { amountMinor: total, currency: vt.currency },
      trace: vt.trace,
      at,
      terminalId: vt.terminalId,
      tlvAllowed: false,
      singleTotals: single,
    }),
  );
  if (a.kind !== 'ack') return;
  const lines = vt.receiptFor({
    title: 'Kassenschnitt',
    amount: { amountMinor: total, currency: vt.currency },
    at,
    outcome: 'Kassenschnitt erfolgreich',
    copy: 'Administration',
    extra: [`Umsätze ${sales.length}`],
  });
  if ((await vt.print(conv, 3, lines)) === 'lost') return;
  vt.emit({ kind: 'end-of-day', batch: vt.batch, totalMinor: total });
  vt.batch += 1;
  await conv.send(completion());
}

export async function repeatReceipt(vt: FlowTerminal, conv: Conversation, m: ParsedMessage): Promise<void> {
  if (!(await conv.post(ACCEPT))) return;
  const last = vt.lastBooked();
  if (!last) return void (await conv.send(abortMessage(0x83)));
  const svc = findBmp(m.fields, 0x03)?.value;
  if (typeof svc === 'number' && (svc & 0x01) !== 0) {
    if ((await conv.send(last.statusInformation)).kind !== 'ack') return;
  }
  if (!(typeof svc === 'number' && (svc & 0x02) !== 0)) {
    for (const r of last.receipts) if ((await vt.print(conv, r.type, r.lines)) === 'lost') return;
  }
  await conv.send(completion());
}
