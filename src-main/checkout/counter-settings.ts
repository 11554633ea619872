/**
 * The counter settings a manager changes on the settings screen, kept in the store's `settings` table (key →
 * JSON): the card terminal's port, the core's URL, the offline limits, the scanner's timing, the display
 * language and the receipt header. Reading fills in defaults; a change needs a manager's PIN, is validated as a
 * whole before anything is written, and is audited with what changed (old → new).
 *
 * The terminal port and the core URL are read when the host starts: a change applies after a restart (the
 * settings screen says so). The others apply at once.
 */
import { domainError, err, ok, type DomainError, type Result } from '../../src-shared';
import { appendAudit, getSetting, OFFLINE_LIMITS_SETTING, setSetting } from '../store';
import type { CheckoutDeps } from './context';
import { requireManager } from './staff';

/** The `settings` keys; the terminal and core keys are the ones enrollment writes (host/compose.ts). */
export const COUNTER_SETTING = {
  terminalSerialPath: 'terminal.serialPath',
  terminalTcp: 'terminal.tcp',
  coreUrl: 'core.url',
  coreKeyId: 'core.keyId',
  terminalId: 'core.terminalId',
  offline: OFFLINE_LIMITS_SETTING,
  scanner: 'scanner.timing',
  language: 'ui.language',
  receiptHeader: 'receipt.header',
} as const;

export interface OfflineLimits {
  /** The most one card payment taken offline may be. */
  readonly perPaymentMaxMinor: number;
  /** The most all offline card payments not yet forwarded may add up to. */
  readonly totalMaxMinor: number;
  readonly maxCount: number;
  /** How long an offline payment may wait to be forwarded. */
  readonly maxAgeHours: number;
  /**
   * A card payment the acquirer refuses at forwarding is a collection task for a manager only above this
   * amount; at or below it the store writes it off (store/collections.ts). 0: every refusal is a task.
   */
  readonly collectAtCounterAboveMinor: number;
}

export interface CounterSettings {
  readonly terminal: { readonly serialPath: string | null; readonly tcp: string | null };
  readonly core: {
    readonly url: string | null;
    readonly enrolled: boolean;
    readonly terminalId: string | null;
  };
  readonly offline: OfflineLimits;
  readonly scanner: { readonly maxGapMs: number; readonly minLength: number };
  readonly language: 'en' | 'de';
  readonly receiptHeader: readonly string[];
}

export const DEFAULT_OFFLINE_LIMITS: OfflineLimits = {
  perPaymentMaxMinor: 5_000,
  totalMaxMinor: 50_000,
  maxCount: 20,
  maxAgeHours: 48,
  collectAtCounterAboveMinor: 0,
};
/** The renderer's scanner detection defaults (docs/app.md "Scanner detection"). */
export const DEFAULT_SCANNER = { maxGapMs: 100, minLength: 4 } as const;

export function counterSettings(deps: Pick<CheckoutDeps, 'db'>): CounterSettings {
  const db = deps.db;
  const url = getSetting<string>(db, COUNTER_SETTING.coreUrl) ?? null;
  return {
    terminal: {
      serialPath: getSetting<string>(db, COUNTER_SETTING.terminalSerialPath) ?? null,
      tcp: getSetting<string>(db, COUNTER_SETTING.terminalTcp) ?? null,
    },
    core: {
      url,
      enrolled: url !== null && getSetting<string>(db, COUNTER_SETTING.coreKeyId) !== undefined,
      terminalId: getSetting<string>(db, COUNTER_SETTING.terminalId) ?? null,
    },
    offline: {
      ...DEFAULT_OFFLINE_LIMITS,
      ...getSetting<Partial<OfflineLimits>>(db, COUNTER_SETTING.offline),
    },
    scanner: { ...DEFAULT_SCANNER, ...getSetting<object>(db, COUNTER_SETTING.scanner) },
    language: getSetting<'en' | 'de'>(db, COUNTER_SETTING.language) ?? 'en',
    receiptHeader: getSetting<string[]>(db, COUNTER_SETTING.receiptHeader) ?? [],
  };
}

export interface SettingsChange {
  readonly terminal?: { readonly serialPath?: string | null; readonly tcp?: string | null };
  readonly core?: { readonly url: string | null };
  readonly offline?: Partial<OfflineLimits>;
  readonly scanner?: { readonly maxGapMs?: number; readonly minLength?: number };
  readonly language?: 'en' | 'de';
  readonly receiptHeader?: readonly string[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Pure: what is wrong with a core URL (null when it is fine): https, or http only on this machine. */
export function coreUrlProblem(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'core.url: not a URL; give e.g. https://pay.example.com';
  }
  if (u.username || u.password) return 'core.url: must not contain a user name or password';
  if (u.search || u.hash) return 'core.url: must not contain a query or fragment';
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:' && LOOPBACK.has(u.hostname)) return null;
  if (u.protocol === 'http:') {
    return `core.url: plain http is allowed only on this machine (127.0.0.1, localhost); use https://${u.host}`;
  }
  return `core.url: use https (got ${u.protocol.replace(':', '')})`;
}

/** Pure: every problem of the settings as they would be after the change (empty when none). */
export function settingsProblems(s: CounterSettings): string[] {
  const out: string[] = [];
  const { serialPath, tcp } = s.terminal;
  if (serialPath !== null && !/^(\/[\w./-]+|COM\d{1,3}|\\\\\.\\COM\d{1,3})$/.test(serialPath)) {
    out.push('terminal.serialPath: give a serial device path such as /dev/ttyUSB0 or COM3');
  }
  if (tcp !== null) {
    const m = /^([\w.-]+):(\d{1,5})$/.exec(tcp);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65_535) {
      out.push('terminal.tcp: give host:port, e.g. 192.168.1.50:20007');
    }
  }
  if (s.core.url !== null) {
    const p = coreUrlProblem(s.core.url);
    if (p) out.push(p);
  }
  const o = s.offline;
  for (const [k, v] of Object.entries(o)) {
    if (!Number.isSafeInteger(v) || v < 0) out.push(`offline.${k}: give a whole number of at least 0`);
  }
  if (o.perPaymentMaxMinor > o.totalMaxMinor) {
    out.push('offline.perPaymentMaxMinor: one offline payment cannot be more than the offline total');
  }
  if (o.maxCount > 1_000) out.push('offline.maxCount: at most 1000 offline payments');
  if (o.maxAgeHours < 1 || o.maxAgeHours > 24 * 30) {
    out.push('offline.maxAgeHours: between 1 hour and 30 days (720)');
  }
  if (s.scanner.maxGapMs < 10 || s.scanner.maxGapMs > 1_000) {
    out.push('scanner.maxGapMs: between 10 and 1000 ms');
  }
  if (s.scanner.minLength < 3 || s.scanner.minLength > 64) {
    out.push('scanner.minLength: between 3 and 64 characters');
  }
  if (s.receiptHeader.length > 8) out.push('receiptHeader: at most 8 lines');
  s.receiptHeader.forEach((line, i) => {
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    if (line.length > 64 || /[\u0000-\u001f\u007f]/.test(line)) {
      out.push(`receiptHeader.${i}: at most 64 printable characters per line`);
    }
  });
  return out;
}

/** Pure: the settings after a change (only the parts given change; lines are trimmed). */
export function applySettingsChange(s: CounterSettings, c: SettingsChange): CounterSettings {
  return {
    terminal: { ...s.terminal, ...c.terminal },
    core: c.core ? { ...s.core, url: c.core.url } : s.core,
    offline: { ...s.offline, ...c.offline },
    scanner: { ...s.scanner, ...c.scanner },
    language: c.language ?? s.language,
    receiptHeader: c.receiptHeader ? c.receiptHeader.map((l) => l.trim()) : s.receiptHeader,
  };
}

export function updateCounterSettings(
  deps: CheckoutDeps,
  change: SettingsChange,
  manager: { managerId: string; managerPin: string },
): Result<CounterSettings, DomainError> {
  const before = counterSettings(deps);
  const after = applySettingsChange(before, change);
  const problems = settingsProblems(after);
  if (problems.length > 0) {
    return err(domainError('HOST_COMMAND_INVALID', { command: 'settings.put', reason: problems.join('; ') }));
  }
  const m = requireManager(deps, manager, 'Changing the counter settings');
  if (!m.ok) return m;
  const writes: [string, unknown, unknown][] = [
    [COUNTER_SETTING.terminalSerialPath, before.terminal.serialPath, after.terminal.serialPath],
    [COUNTER_SETTING.terminalTcp, before.terminal.tcp, after.terminal.tcp],
    [COUNTER_SETTING.coreUrl, before.core.url, after.core.url],
    [COUNTER_SETTING.offline, before.offline, after.offline],
    [COUNTER_SETTING.scanner, before.scanner, after.scanner],
    [COUNTER_SETTING.language, before.language, after.language],
    [COUNTER_SETTING.receiptHeader, before.receiptHeader, after.receiptHeader],
  ];
  const changed = writes.filter(([, a, b]) => JSON.stringify(a) !== JSON.stringify(b));
  if (changed.length === 0) return ok(before);
  const now = deps.clock();
  deps.db.tx(() => {
    for (const [key, , value] of changed) {
      if (value === null) deps.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
      else setSetting(deps.db, key, value);
    }
    appendAudit(deps.db, {
      at: now,
      actor: m.value.staffId,
      action: 'SETTINGS_CHANGED',
      subject: 'settings',
      details: Object.fromEntries(changed.map(([k, a, b]) => [k, { from: a, to: b }])),
    });
  });
  deps.emit({ kind: 'status-changed' });
  return ok(counterSettings(deps));
}
