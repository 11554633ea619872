/** Argument parsing for `npm run terminal -- <command> [args] [--flags]` (no dependency needed). */

export interface CliArgs {
  readonly command: string | undefined;
  readonly positional: readonly string[];
  readonly flags: ReadonlyMap<string, string | true>;
}

const BOOLEAN_FLAGS = new Set(['json', 'help', 'verbose']);

export function parseArgs(argv: readonly string[]): CliArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (inline !== undefined) flags.set(name, inline);
      else if (BOOLEAN_FLAGS.has(name) || i + 1 >= argv.length || (argv[i + 1] ?? '').startsWith('--'))
        flags.set(name, true);
      else flags.set(name, argv[++i] ?? '');
    } else positional.push(a);
  }
  return { command: positional[0], positional: positional.slice(1), flags };
}

const CONNECTION_FLAGS = ['port', 'host', 'baud', 'stop-bits', 'parity', 'data-bits', 'password', 'currency'];
const COMMON_FLAGS = ['json', 'help', 'verbose'];

/** Options each command understands; anything else is a mistake worth saying out loud, not ignoring. */
const FLAGS_BY_COMMAND: Readonly<Record<string, readonly string[]>> = {
  decode: [...COMMON_FLAGS, 'after'],
  pay: [...COMMON_FLAGS, ...CONNECTION_FLAGS, 'locale'],
  refund: [...COMMON_FLAGS, ...CONNECTION_FLAGS, 'locale'],
  'read-card': [...COMMON_FLAGS, ...CONNECTION_FLAGS, 'timeout'],
  simulate: [...COMMON_FLAGS, 'card', 'fault', 'tcp', 'delay', 'baud'],
  default: [...COMMON_FLAGS, ...CONNECTION_FLAGS],
};

/** The first option the command does not understand, with a hint where it belongs; null if all are known. */
export function unknownFlag(args: CliArgs): string | null {
  const known = FLAGS_BY_COMMAND[args.command ?? ''] ?? FLAGS_BY_COMMAND.default ?? [];
  for (const name of args.flags.keys()) {
    if (known.includes(name)) continue;
    const owner = Object.entries(FLAGS_BY_COMMAND).find(([, flags]) => flags.includes(name))?.[0];
    const hint = owner && owner !== 'default' ? ` (--${name} is an option of '${owner}')` : '';
    return `'${args.command ?? ''}' has no option --${name}${hint}`;
  }
  return null;
}

export function flag(args: CliArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export const USAGE = `Counter card terminal (ZVT) technician tool

usage: npm run terminal -- <command> [arguments] (--port <serial path> | --host <ip[:port]>) [options]

commands:
  status                 Status Enquiry: is the terminal ready, which software
  pay <amount>           Authorization, e.g. pay 12.50, 12,50, 1.234,56 or 1,234.56 (registers first)
  refund <amount>        Refund to the card presented
  read-card              Read Card: the presented card's token, masked number, type and expiry
  reverse <receipt>      Reversal of the payment with that receipt number
  end-of-day             End-of-Day: settle and print the totals
  repeat-receipt         Repeat the last receipt (and its result)
  diagnosis              Run the terminal's diagnosis
  register               Registration only (Counter's config byte BE)
  decode <hex>           A captured frame (10 02 … 10 03 crc crc) or APDU → named fields;
                         --after status-enquiry reads a 06 0F as the Status Enquiry's completion
  simulate               Start a virtual terminal on a pseudo-terminal and print its path

connection:
  --port <path>          serial port, e.g. /dev/ttyUSB0 (default 9600 8N2)
  --baud <n>             9600 (default) or 115200 …
  --stop-bits <1|2>      default 2;  --parity none|even|odd;  --data-bits 8
  --host <ip[:port]>     ZVT over TCP, port 20007 by default
  --password <6 digits>  terminal password, default 000000
  --currency <ISO>       default EUR

amounts (pay, refund):
  --locale <bcp47>       read the amount in this locale only (e.g. de-DE: 1.234,56). Without it both
                         1.234,56 and 1,234.56 are taken; a form that reads two ways (1.234) follows
                         LC_ALL / LC_NUMERIC / LANG, or is refused when they name no locale

read-card:
  --timeout <s>          how long the terminal waits for a card, 1–255 (default 30)

amounts (pay, refund):
  --locale <bcp47>       read the amount in this locale only (e.g. de-DE: 1.234,56). Without it both
                         1.234,56 and 1,234.56 are taken; a form that reads two ways (1.234) follows
                         LC_ALL / LC_NUMERIC / LANG, or is refused when they name no locale

read-card:
  --timeout <s>          how long the terminal waits for a card, 1–255 (default 30)

simulate:
  --card <id>            the test card the customer presents (default visa-approve); type another id
                         on stdin while it runs to change it ("none": no card), or "fault <name>"
                         to inject a fault
  --fault <name>         bad-crc | missing-ack | late-acceptance | silence-after-approval |
                         silence-before-answer | goods-issue-loop
  --tcp <port>           also serve ZVT over TCP on 127.0.0.1:<port> (0 = any free port)
  --delay <ms>           how long the simulated customer takes per step (default 800)

output:
  --json                 JSON instead of text
`;
