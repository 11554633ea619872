/**
 * `npm run terminal -- simulate`: the virtual terminal on a socat pseudo-terminal (and optionally TCP), with
 * the presented card and faults typed on stdin while it runs.
 */
import { createInterface } from 'node:readline';
import { TEST_CARDS, testCardById } from '../../../src-shared';
import { hexByte } from '../codec/bytes';
import { openSerialStream } from '../transport/serial';
import { listenTcp } from '../transport/tcp';
import { startPtyPair } from '../virtual-terminal/pty';
import { FAULT_NAMES, VirtualTerminal, type VirtualFault } from '../virtual-terminal/terminal';
import { flag, type CliArgs } from './args';
import { formatError } from './format';
import { serialSettings, usageError, type Print } from './common';

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
    case undefined:
    default:
      return `unknown fault '${name ?? ''}'; one of ${FAULT_NAMES.join(', ')}`;
  }
}

export async function simulate(args: CliArgs, print: Print, json: boolean): Promise<number> {
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
  // Listen for Ctrl-C / SIGTERM before socat starts, so a stop during start-up still cleans it up.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
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
    else if (e.kind === 'declined') console.log(`declined with ZVT result ${hexByte(e.resultCode)}`);
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
      'type a card id to present another card ("none": no card), "fault <name> [n]" to inject a fault, Ctrl-C to stop',
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
    } else if (words[0] === 'none') {
      vt.presentNoCard();
      console.log('customer now presents no card');
    } else if (testCardById(words[0] ?? '')) {
      vt.presentCard(words[0] ?? '');
      console.log(`customer now presents ${words[0]}`);
    } else console.log(`unknown card or command '${line.trim()}'`);
  });
  await stopped;
  rl.close();
  await listener?.close();
  await pt.value.close();
  await pty.stop();
  return 0;
}
