import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkoutSale } from '../../../src-main/checkout/sale';
import { decryptRescue, exportRescue, importRescue } from '../../../src-main/host/rescue';
import { getOrder, pendingOutbox, recordPushResults, type StoreDb } from '../../../src-main/store';
import { createHostRig, type HostRig } from '../../helpers/host-rig';
import { cardNumbersIn, openTestStore } from '../../helpers/host-store';

let h: HostRig;
let other: StoreDb | undefined;
afterEach(async () => {
  await h?.close();
  other?.close();
});

describe('encrypted rescue export', () => {
  it('carries every unacknowledged message to another counter with its message id, once', async () => {
    h = await createHostRig();
    const sale = async (amountMinor: number) =>
      checkoutSale(h.deps, {
        entries: [{ kind: 'free', description: 'x', amountMinor, taxRateBp: 1900 }],
        tenders: [{ method: 'CARD' }],
        operatorId: 'cashier',
      });
    await sale(1000);
    // The first sale reached the core; the second did not before the counter broke.
    recordPushResults(
      h.db,
      pendingOutbox(h.db, 10).map((m) => ({
        messageId: m.messageId,
        status: 'accepted' as const,
        details: {},
      })),
      new Date(),
    );
    const second = await sale(2500);
    const queued = pendingOutbox(h.db, 10);
    expect(queued).toHaveLength(2);
    const exported = exportRescue(h.db, 'correct horse battery', new Date());
    expect(exported.ok).toBe(true);
    if (!exported.ok || !second.ok) return;
    expect(exported.value.messages).toBe(2);
    // Nothing readable in the file: not the order id, not the card's last digits.
    expect(exported.value.file).not.toContain(second.value.orderId);
    expect(exported.value.file).not.toContain('PAYMENT_RECORDED');

    // Decrypted, the export holds no card number (generic Luhn scan of clean JSON text).
    const plain = decryptRescue(exported.value.file, 'correct horse battery');
    const plainFile = path.join(h.dir, 'rescue-plain.json');
    fs.writeFileSync(plainFile, JSON.stringify(plain.ok ? plain.value : null));
    expect(plain.ok).toBe(true);
    expect(cardNumbersIn([plainFile])).toEqual([]);

    other = openTestStore();
    expect(importRescue(other, exported.value.file, 'wrong passphrase')).toMatchObject({
      ok: false,
      error: { code: 'RESCUE_PASSPHRASE_WRONG' },
    });
    const tampered = JSON.parse(exported.value.file) as { data: string };
    // One character changed for certain (the ciphertext is random: its first character is 'A' one time in 64).
    tampered.data = `${tampered.data.startsWith('A') ? 'B' : 'A'}${tampered.data.slice(1)}`;
    expect(importRescue(other, JSON.stringify(tampered), 'correct horse battery').ok).toBe(false);
    const imported = importRescue(other, exported.value.file, 'correct horse battery');
    expect(imported).toEqual({ ok: true, value: { queued: 2, skipped: 0, orders: 1 } });
    const there = pendingOutbox(other, 10);
    expect(there.map((m) => m.messageId)).toEqual(queued.map((m) => m.messageId));
    expect(there.map((m) => m.message.seq)).toEqual([1, 2]);
    expect(getOrder(other, second.value.orderId)).toMatchObject({ origin: 'SYNC', totalMinor: 2500 });
    // Importing the same file twice queues nothing more.
    expect(importRescue(other, exported.value.file, 'correct horse battery')).toEqual({
      ok: true,
      value: { queued: 0, skipped: 2, orders: 1 },
    });
    // The core already holds one of them from the broken counter: it is acknowledged, not an exception.
    recordPushResults(
      other,
      [
        {
          messageId: there[0]!.messageId,
          status: 'rejected',
          code: 'SYNC_ID_REUSED',
          message: 'reused',
          retryable: false,
        },
        { messageId: there[1]!.messageId, status: 'accepted', details: {} },
      ],
      new Date(),
    );
    expect(pendingOutbox(other, 10)).toEqual([]);
    expect(other.sql.prepare('SELECT COUNT(*) AS n FROM sync_exceptions').get()).toEqual({ n: 0 });
  });
});
