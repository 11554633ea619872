import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { guardIpcCall } from '../../../src-main/electron/ipc-guard';
import { APP_ORIGIN } from '../../../src-main/electron/window-options';

const contract = {
  commands: {
    'staff.signIn': { input: z.object({ pin: z.string().regex(/^\d{4,12}$/) }).strict() },
  },
};
const app = { url: `${APP_ORIGIN}/index.html`, isMainFrame: true };

describe('IPC guard', () => {
  it('passes a call from the app page with a valid payload, input parsed by the contract', () => {
    expect(guardIpcCall(contract, app, { command: 'staff.signIn', input: { pin: '1234' } })).toEqual({
      ok: true,
      command: 'staff.signIn',
      input: { pin: '1234' },
    });
  });

  it('refuses a foreign sender: another origin, a file:// page, an iframe, a frame that is gone', () => {
    const call = { command: 'staff.signIn', input: { pin: '1234' } };
    for (const sender of [
      { url: 'https://evil.example/', isMainFrame: true },
      { url: 'file:///tmp/x.html', isMainFrame: true },
      { url: `${APP_ORIGIN}/index.html`, isMainFrame: false },
      { url: null, isMainFrame: true },
    ]) {
      const r = guardIpcCall(contract, sender, call);
      expect(r.ok, JSON.stringify(sender)).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('BRIDGE_ORIGIN_FORBIDDEN');
    }
  });

  it('refuses an invalid payload, naming the field', () => {
    const r = guardIpcCall(contract, app, { command: 'staff.signIn', input: { pin: 'abcd' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'REQUEST_INVALID' } });
    if (!r.ok) expect(r.error.message).toMatch(/input\.pin/);
    const extra = guardIpcCall(contract, app, { command: 'staff.signIn', input: { pin: '1234', role: 'x' } });
    expect(extra).toMatchObject({ ok: false, error: { code: 'REQUEST_INVALID' } });
  });

  it('refuses a call that is not { command, input }, and a command outside the contract', () => {
    expect(guardIpcCall(contract, app, 'staff.signIn')).toMatchObject({
      ok: false,
      error: { code: 'REQUEST_INVALID' },
    });
    expect(guardIpcCall(contract, app, { command: 'fs.readFile', input: {} })).toMatchObject({
      ok: false,
      error: { code: 'ROUTE_NOT_FOUND' },
    });
    expect(guardIpcCall(contract, app, { command: 'constructor', input: {} })).toMatchObject({ ok: false });
  });
});
