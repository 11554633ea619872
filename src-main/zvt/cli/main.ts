/**
 * Technician CLI: `npm run terminal -- <command> …` (USAGE in args.ts). Drives a real terminal over
 * --port or --host, decodes captured bytes, or starts the virtual terminal on a pseudo-terminal.
 * Exit codes: 0 done/approved, 1 declined/refused/error, 2 usage, 3 outcome unknown.
 */
import { isCurrencyCode, type CurrencyCode, type DomainError } from '../../../src-shared';
import { fromHex } from '../codec/bytes';
import { describeBytes, describeDecodeError } from '../codec/describe';
import { EcrSession } from '../session/ecr-session';
import type { ReadCardOutcome, TransactionOutcome } from '../session/types';
import { readCardTimeoutProblem } from '../session/validation';
import { localeFromEnv, parseCliAmount } from './amount';
import { flag, parseArgs, unknownFlag, USAGE, type CliArgs } from './args';
import { connectorFrom, usageError, type Print } from './common';
import { formatCardRead, formatError, formatOutcome, formatReceipts, formatStatus } from './format';
import { simulate } from './simulate';
import { WaitReporter } from './waiting';

function outcomeExit(o: TransactionOutcome): number {
  return o.kind === 'approved' ? 0 : o.kind === 'unknown' ? 3 : 1;
}

const readCardExit = (o: ReadCardOutcome): number => (o.kind === 'read' ? 0 : 1);

async function runSessionCommand(args: CliArgs, print: Print, json: boolean): Promise<number> {
  const connect = connectorFrom(args);
  if (typeof connect === 'string') return usageError(print, connect);
  const currency = (flag(args, 'currency') ?? 'EUR').toUpperCase();
  if (!isCurrencyCode(currency)) return usageError(print, `--currency ${currency} is not an ISO 4217 code`);
  const password = flag(args, 'password') ?? '000000';
  if (!/^\d{6}$/.test(password)) return usageError(print, '--password has 6 digits');
  // Amounts and the read-card timeout are checked before anything goes to the terminal (usage: exit 2).
  let amount: ReturnType<typeof parseCliAmount> | null = null;
  if (args.command === 'pay' || args.command === 'refund') {
    const text = args.positional[0];
    if (!text) return usageError(print, `${args.command} needs an amount, e.g. ${args.command} 12.50`);
    amount = parseCliAmount(text, currency as CurrencyCode, {
      locale: flag(args, 'locale'),
      envLocale: localeFromEnv(process.env),
    });
    if (!amount.ok) return usageError(print, amount.error.message, amount.error);
  }
  const timeoutText = flag(args, 'timeout');
  const timeoutSeconds = timeoutText === undefined ? undefined : Number(timeoutText);
  const badTimeout = timeoutSeconds === undefined ? null : readCardTimeoutProblem(timeoutSeconds);
  if (badTimeout) return usageError(print, badTimeout.message, badTimeout);
  const session = new EcrSession({ connect, password, currency: currency as CurrencyCode });
  const waits = new WaitReporter((line) => process.stderr.write(`${line}\n`));
  if (!json) session.onWaiting((w) => waits.onWaiting(w));
  const fail = (e: DomainError) => {
    print({ error: e }, formatError(e));
    return 1;
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
        if (!amount?.ok) return usageError(print, `${args.command} needs an amount`);
        const reg = await session.register();
        if (!reg.ok) return fail(reg.error);
        const o =
          args.command === 'pay' ? await session.authorize(amount.value) : await session.refund(amount.value);
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
      case 'read-card': {
        const reg = await session.register();
        if (!reg.ok) return fail(reg.error);
        const o = await session.readCard({ timeoutSeconds });
        print(o, formatCardRead(o));
        return readCardExit(o);
      }
      case undefined: // answered with the usage before the switch; listed so the switch is exhaustive
      default:
        return usageError(print, `unknown command '${args.command}'`);
    }
  } finally {
    waits.stop();
    await session.close();
  }
}

function decode(args: CliArgs, print: Print): number {
  const text = args.positional.join(' ');
  if (!text) return usageError(print, 'decode needs hex bytes, e.g. decode "10 02 80 00 00 10 03 F5 1F"');
  const bytes = fromHex(text);
  if (!bytes) return usageError(print, `'${text}' is not whole bytes of hex`);
  // --after names the command the bytes answered; without it a 06 0F's layout is found (describe.ts).
  const after = flag(args, 'after');
  const layout = after === undefined ? undefined : after === 'status-enquiry' ? 'status-enquiry' : 'bitmaps';
  const d = describeBytes(bytes, layout);
  if (!d.ok) {
    print({ error: d.error }, `cannot decode: ${describeDecodeError(d.error)}`);
    return 1;
  }
  print(d.value, `${d.value.note ? `${d.value.note}\n` : ''}${JSON.stringify(d.value, null, 2)}`);
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
