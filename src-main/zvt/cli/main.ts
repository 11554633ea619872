/**
 * Technician CLI: `npm run terminal -- <command> …` (USAGE in args.ts). Drives a real terminal over
 * --port or --host, decodes captured bytes, or starts the virtual terminal on a pseudo-terminal.
 * Exit codes: 0 done/approved, 1 declined/refused/error, 2 usage, 3 outcome unknown.
 */
import { createInterface } from 'node:readline';
import {
  isCurrencyCode,
  parseMoney,
  TEST_CARDS,
  testCardById,
  type CurrencyCode,
  type DomainError,
} from '../../../src-shared';
import { fromHex } from '../codec/bytes';
import { describeBytes, describeDecodeError } from '../codec/describe';
import { EcrSession } from '../session/ecr-session';
import type { TransactionOutcome } from '../session/types';
import { serialConnector, tcpConnector, type Connector } from '../transport/connect';
import { openSerialStream, type SerialSettings } from '../transport/serial';
import { listenTcp, parseHostPort } from '../transport/tcp';
import { startPtyPair } from '../virtual-terminal/pty';
import { FAULT_NAMES, VirtualTerminal, type VirtualFault } from '../virtual-terminal/terminal';
import { flag, parseArgs, unknownFlag, USAGE, type CliArgs } from './args';
import { formatError, formatOutcome, formatStatus, formatReceipts } from './format';

type Print = (value: unknown, text: string) => void;

function usageError(print: Print, message: string): number {
  print({ error: { code: 'USAGE', message } }, `${message}\n\n${USAGE}`);
  return 2;
}

function serialSettings(args: CliArgs, path: string): SerialSettings | string {
  const baud = Number(flag(args, 'baud') ?? 9600);
  const stop = Number(flag(args, 'stop-bits') ?? 2);
  const data = Number(flag(args, 'data-bits') ?? 8);
  const parity = flag(args, 'parity') ?? 'none';
  if (!Number.isInteger(baud) || baud <= 0) return `--baud ${flag(args, 'baud')} is not a baud rate`;
  if (stop !== 1 && stop !== 2) return '--stop-bits is 1 or 2';
  if (data !== 8 && data !== 7) return '--data-bits is 7 or 8';
  if (!['none', 'even', 'odd'].includes(parity)) return '--parity is none, even or odd';
  return { path, baudRate: baud, stopBits: stop, dataBits: data, parity: parity as SerialSettings['parity'] };
}

function connectorFrom(args: CliArgs): Connector | string {
  const port = flag(args, 'port');
  const host = flag(args, 'host');
  if (port && host) return 'give either --port or --host, not both';
  if (port) {
    const s = serialSettings(args, port);
    return typeof s === 'string' ? s : serialConnector(s);
  }
  if (host) {
    const hp = parseHostPort(host);
    return hp ? tcpConnector(hp.host, hp.port) : `--host ${host} is not ip[:port]`;
  }
  return 'which terminal? give --port <serial path> (e.g. /dev/ttyUSB0) or --host <ip[:port]>';
}

function outcomeExit(o: TransactionOutcome): number {
  return o.kind === 'approved' ? 0 : o.kind === 'unknown' ? 3 : 1;
}

async function runSessionCommand(args: CliArgs, print: Print, json: boolean): Promise<number> {
  const connect = connectorFrom(args);
  if (typeof connect === 'string') return usageError(print, connect);
  const currency = (flag(args, 'currency') ?? 'EUR').toUpperCase();
  if (!isCurrencyCode(currency)) return usageError(print, `--currency ${currency} is not an ISO 4217 code`);
  const password = flag(args, 'password') ?? '000000';
  if (!/^\d{6}$/.test(password)) return usageError(print, '--password has 6 digits');
  const session = new EcrSession({ connect, password, currency: currency as CurrencyCode });
  if (!json)
    session.onStatus((e) =>
      process.stderr.write(
        `  … ${e.text.en} / ${e.text.de}${e.lines.length ? ` (${e.lines.join(' ')})` : ''}\n`,
      ),
    );
  const fail = (e: DomainError) => {
    print({ error: e }, formatError(e));
    return 1;
  };
  const money = (text: string | undefined) => {
    if (!text) return null;
    const m = parseMoney(text, currency, {
      locale: text.includes(',') && !text.includes('.') ? 'de-DE' : 'en-US',
    });
    return m;
  };
  try {
    switch (args.command) {
      case 'status': {
        const s = await session.statusEnquiry();
        if (!s.ok) return fail(s.error);
        print(s.value, formatStatus(s.value));
        return 0;
      }
      case 'register': {
        const r = await session.register();
        if (!r.ok) return fail(r.error);
        print(r.value, `registered: terminal ${r.value.terminalId ?? '?'}`);
        return 0;
      }
      case 'pay':
      case 'refund': {
        const m = money(args.positional[0]);
        if (m === null)
          return usageError(print, `${args.command} needs an amount, e.g. ${args.command} 12.50`);
        if (!m.ok) return fail(m.error);
        const reg = await session.register();
        if (!reg.ok) return fail(reg.error);
        const o = args.command === 'pay' ? await session.authorize(m.value) : await session.refund(m.value);
        print(o, formatOutcome(o, args.command === 'pay' ? 'APPROVED' : 'REFUNDED'));
        return outcomeExit(o);
      }
      case 'reverse': {
        const receipt = args.positional[0];
        if (!receipt || !/^\d{1,4}$/.test(receipt))
          return usageError(print, 'reverse needs the receipt number (up to 4 digits)');
        const reg = await session.register();
        if (!reg.ok) return fail(reg.error);
        const o = await session.reverse(receipt.padStart(4, '0'));
        print(o, formatOutcome(o, 'REVERSED'));
        return outcomeExit(o);
      }
      case 'end-of-day': {
        const reg = await session.register();
        if (!reg.ok) return fail(reg.error);
        const o = await session.endOfDay();
        print(o, formatOutcome(o, 'SETTLED'));
        return outcomeExit(o);
      }
      case 'repeat-receipt': {
        const r = await session.repeatReceipt();
        if (!r.ok) return fail(r.error);
        print(
          r.value,
          `last receipt ${r.value.details?.receiptNumber ?? '?'}\n${formatReceipts(r.value.receipts)}`,
        );
        return 0;
      }
      case 'diagnosis': {
        const r = await session.diagnosis();
        if (!r.ok) return fail(r.error);
        print(r.value, formatReceipts(r.value.receipts));
        return 0;
      }
      default:
        return usageError(print, `unknown command '${args.command}'`);
    }
  } finally {
    await session.close();
  }
}

function decode(args: CliArgs, print: Print): number {
  const text = args.positional.join(' ');
  if (!text) return usageError(print, 'decode needs hex bytes, e.g. decode "10 02 80 00 00 10 03 F5 1F"');
  const bytes = fromHex(text);
  if (!bytes) return usageError(print, `'${text}' is not whole bytes of hex`);
  const layout = flag(args, 'after') === 'status-enquiry' ? 'status-enquiry' : 'bitmaps';
  const d = describeBytes(bytes, layout);
  if (!d.ok) {
    print({ error: d.error }, `cannot decode: ${describeDecodeError(d.error)}`);
    return 1;
  }
  print(d.value, JSON.stringify(d.value, null, 2));
  return 0;
}

function parseFault(words: readonly string[]): VirtualFault | string {
  const [name, arg] = words;
  const n = arg === undefined ? undefined : Number(arg);
  switch (name) {
    case 'bad-crc':
    case 'missing-ack':
      return { kind: name, frames: n ?? 1 };
    case 'late-acceptance':
      return { kind: name, delayMs: n ?? 7000 };
    case 'goods-issue-loop':
      return { kind: name, repeats: n ?? 2 };
    case 'silence-after-approval':
    case 'silence-before-answer':
      return { kind: name };
    default:
      return `unknown fault '${name ?? ''}'; one of ${FAULT_NAMES.join(', ')}`;
  }
}

async function simulate(args: CliArgs, print: Print, json: boolean): Promise<number> {
  const cardId = flag(args, 'card') ?? 'visa-approve';
  if (!testCardById(cardId))
    return usageError(print, `unknown card '${cardId}'; one of ${TEST_CARDS.map((c) => c.id).join(', ')}`);
  const delay = Number(flag(args, 'delay') ?? 800);
  const vt = new VirtualTerminal({ cardId, timers: { customerDelayMs: delay, hostDelayMs: delay } });
  const faultFlag = flag(args, 'fault');
  if (faultFlag) {
    const f = parseFault(faultFlag.split(':'));
    if (typeof f === 'string') return usageError(print, f);
    vt.injectFault(f);
  }
  const pty = await startPtyPair();
  const settings = serialSettings(args, pty.ptPath);
  if (typeof settings === 'string') return usageError(print, settings);
  const pt = await openSerialStream(settings);
  if (!pt.ok) {
    await pty.stop();
    print({ error: pt.error }, formatError(pt.error));
    return 1;
  }
  const serveSerial = async () => {
    // The ECR opens and closes its end per command; the terminal's end stays open while socat runs.
    await vt.serveSerial(pt.value);
  };
  void serveSerial();
  const tcpPort = flag(args, 'tcp');
  const listener =
    tcpPort === undefined
      ? undefined
      : await listenTcp('127.0.0.1', Number(tcpPort), (s) => void vt.serveStream(s));
  vt.onEvent((e) => {
    if (json)
      console.log(
        JSON.stringify({
          event:
            e.kind === 'booked'
              ? { ...e, entry: { ...e.entry, card: e.entry.card?.id, statusInformation: undefined } }
              : e,
        }),
      );
    else if (e.kind === 'booked')
      console.log(
        `booked ${e.entry.kind} receipt ${e.entry.receipt}: ${e.entry.amountMinor} ${e.entry.currency} (${e.entry.card?.id ?? '-'})`,
      );
    else if (e.kind === 'auto-reversal') console.log(`auto-reversal of receipt ${e.receipt}: ${e.why}`);
    else if (e.kind === 'declined') console.log(`declined with ZVT result ${e.resultCode.toString(16)}`);
    else if (e.kind === 'end-of-day') console.log(`end-of-day batch ${e.batch}: total ${e.totalMinor}`);
    else console.log(`command: ${e.name}`);
  });
  print(
    {
      ecrPath: pty.ecrPath,
      terminalPath: pty.ptPath,
      tcp: listener ? `127.0.0.1:${listener.port}` : null,
      card: cardId,
    },
    [
      `virtual terminal ready on ${pty.ecrPath}${listener ? ` and 127.0.0.1:${listener.port}` : ''} (card ${cardId})`,
      `try: npm run terminal -- pay 12.50 --port ${pty.ecrPath}`,
      'type a card id to present another card, "fault <name> [n]" to inject a fault, Ctrl-C to stop',
    ].join('\n'),
  );
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const words = line.trim().split(/\s+/);
    if (words[0] === '') return;
    if (words[0] === 'fault') {
      const f = parseFault(words.slice(1));
      console.log(typeof f === 'string' ? f : `next: ${f.kind}`);
      if (typeof f !== 'string') vt.injectFault(f);
    } else if (testCardById(words[0] ?? '')) {
      vt.presentCard(words[0] ?? '');
      console.log(`customer now presents ${words[0]}`);
    } else console.log(`unknown card or command '${line.trim()}'`);
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  rl.close();
  await listener?.close();
  await pt.value.close();
  await pty.stop();
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const json = args.flags.has('json');
  const print: Print = (value, text) => console.log(json ? JSON.stringify(value, null, 2) : text);
  if (!args.command || args.command === 'help' || args.flags.has('help')) {
    console.log(USAGE);
    return args.command ? 0 : 2;
  }
  const wrongFlag = unknownFlag(args);
  if (wrongFlag) return usageError(print, wrongFlag);
  if (args.command === 'decode') return decode(args, print);
  if (args.command === 'simulate') return simulate(args, print, json);
  return runSessionCommand(args, print, json);
}

const isEntry = process.argv[1] !== undefined && /cli[\\/]main\.ts$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error('unexpected failure (a bug):', e);
      process.exit(1);
    },
  );
}
