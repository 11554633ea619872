import { describe, expect, it } from 'vitest';
import { maskCardNumbers } from '../../../src-main/host/live';
import { openStore, saveTerminalReceipt, terminalReceiptsOfOrder } from '../../../src-main/store';
import { tempDataDir } from '../../helpers/host-store';

describe('maskCardNumbers', () => {
  it('masks any run of 13 to 19 digits to its last four, with or without spaces and dashes', () => {
    expect(maskCardNumbers('Karte 4330264936344675')).toBe('Karte ************4675');
    expect(maskCardNumbers('PAN 5555 5555 5555 4444 ok')).toBe('PAN ************4444 ok');
    expect(maskCardNumbers('4330-2649-3634-4675')).toBe('************4675');
    expect(maskCardNumbers('Karte 433026******4675')).toBe('Karte 433026******4675');
  });
  it('leaves shorter numbers alone: receipt and trace numbers, dates, amounts', () => {
    for (const line of ['Beleg-Nr. 0001', 'Trace-Nr. 000001', 'Terminal-ID 52500001', 'Betrag EUR 13,99'])
      expect(maskCardNumbers(line)).toBe(line);
  });
});

describe('terminal receipts in the store (real SQLite)', () => {
  it("keeps the terminal's copies apart; a row stored before the copies were told apart reads as one untyped receipt", () => {
    const s = openStore(tempDataDir());
    if (!s.ok) throw new Error(s.error.message);
    const db = s.value;
    const at = '2026-12-03T10:00:00.000Z';
    saveTerminalReceipt(db, {
      attemptId: 'a1',
      orderId: 'o1',
      paymentId: 'p1',
      lines: ['Kundenbeleg', 'Betrag EUR 1,00', 'Haendlerbeleg', 'Betrag EUR 1,00'],
      receipts: [
        { type: 'customer', lines: ['Kundenbeleg', 'Betrag EUR 1,00'] },
        { type: 'merchant', lines: ['Haendlerbeleg', 'Betrag EUR 1,00'] },
      ],
      createdAt: at,
    });
    // As the host stored it before (lines only, a bare JSON array).
    db.prepare(
      'INSERT INTO terminal_receipts (attempt_id, order_id, payment_id, lines, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run('a0', 'o1', 'p0', JSON.stringify(['Old line']), '2026-12-03T09:00:00.000Z');
    const read = terminalReceiptsOfOrder(db, 'o1');
    expect(read.map((r) => [r.attemptId, r.receipts?.map((c) => c.type)])).toEqual([
      ['a0', ['unspecified']],
      ['a1', ['customer', 'merchant']],
    ]);
    expect(read[0]!.lines).toEqual(['Old line']);
    expect(read[1]!.receipts![1]!.lines).toEqual(['Haendlerbeleg', 'Betrag EUR 1,00']);
    db.close();
  });
});
