/**
 * The sandbox acquirer's records in a store of its own, outside the core's database: an acquirer is a separate
 * system, and its bookkeeping is not the core's commits (issue 8 "Faster money paths"). An append-only file of
 * JSON lines (one per record, one per resolution of a timed-out authorisation), indexed in memory.
 *
 * The same guarantees as the database table it replaces (sandbox-records.ts):
 * - a line is in the file before the answer leaves the sandbox, so `inquire(reference)` still knows after the
 *   core process was killed what was approved (the file lives in the page cache at least; it is not fsynced per
 *   record, so a power cut may lose the last answers: a sandbox, not a bank);
 * - a request repeated with the same reference gets the first answer: the first line for a reference wins.
 * Several core processes (two on one PostgreSQL) share one file: each appends with O_APPEND, one write per
 * line, and reads what the others appended before it answers, so all agree on which line came first.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { SandboxAnswer, SandboxRecord, SandboxRecords } from './sandbox-records';

/** Its name in a PGlite core's data directory, where the sandbox keeps its records by default. */
export const SANDBOX_RECORDS_FILE = 'sandbox-acquirer.jsonl';

type Line = ({ t: 'put' } & SandboxRecord) | { t: 'resolve'; reference: string; answer: SandboxAnswer };

const isFinal = (a: SandboxAnswer) => a.type === 'MOVEMENT' || a.outcome.outcome !== 'UNKNOWN';

/** The index both stores keep: first record per reference wins; a resolution replaces a non-final answer. */
function createIndex() {
  const records = new Map<string, SandboxRecord>();
  return {
    records,
    apply(line: Line) {
      if (line.t === 'put') {
        if (!records.has(line.reference)) {
          const { t: _t, ...record } = line;
          records.set(line.reference, record);
        }
        return;
      }
      const known = records.get(line.reference);
      if (known && !isFinal(known.answer)) records.set(line.reference, { ...known, answer: line.answer });
    },
  };
}

export interface ClosableSandboxRecords extends SandboxRecords {
  close(): void;
}

/** Records kept in memory only (one process; lost when it ends): unit tests and throwaway cores. */
export function memorySandboxRecords(): ClosableSandboxRecords {
  const index = createIndex();
  return {
    find: async (reference) => index.records.get(reference)?.answer ?? null,
    async put(record) {
      index.apply({ t: 'put', ...record });
      return index.records.get(record.reference)!.answer;
    },
    async resolve(reference, answer) {
      index.apply({ t: 'resolve', reference, answer });
    },
    list: async () => [...index.records.values()],
    close: () => undefined,
  };
}

/** Records in an append-only file of JSON lines, shared by every process that opens the same path. */
export function fileSandboxRecords(file: string): ClosableSandboxRecords {
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'a+', 0o600);
  const index = createIndex();
  let offset = 0;
  let rest = Buffer.alloc(0);

  /** Reads the lines appended since the last look (by any process); a line still being written waits. */
  const catchUp = () => {
    const size = fstatSync(fd).size;
    if (size <= offset) return;
    const chunk = Buffer.alloc(size - offset);
    let got = 0;
    while (got < chunk.length) {
      const n = readSync(fd, chunk, got, chunk.length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    offset += got;
    const data = Buffer.concat([rest, chunk.subarray(0, got)]);
    const end = data.lastIndexOf(0x0a);
    rest = end < 0 ? data : data.subarray(end + 1);
    if (end < 0) return;
    for (const text of data.subarray(0, end).toString('utf8').split('\n')) {
      if (text) index.apply(JSON.parse(text) as Line);
    }
  };

  /**
   * Appends a line and brings the index up to date with it. Called right after `catchUp`: when the file then
   * grew by exactly this line, no other process wrote in between, so the line sits at the offset read up to
   * and is applied as written (no read back); otherwise the file is read as any other change.
   */
  const append = (line: Line) => {
    const bytes = Buffer.from(JSON.stringify(line) + '\n', 'utf8');
    const at = offset;
    // One write per line: with O_APPEND the kernel places it whole at the end, never interleaved.
    const n = writeSync(fd, bytes);
    if (n !== bytes.length) throw new Error(`sandbox records: short write to ${file}`);
    if (rest.length === 0 && fstatSync(fd).size === at + n) {
      offset = at + n;
      index.apply(line);
    } else {
      catchUp();
    }
  };

  return {
    async find(reference) {
      catchUp();
      return index.records.get(reference)?.answer ?? null;
    },
    async put(record) {
      catchUp();
      const known = index.records.get(record.reference);
      if (known) return known.answer;
      append({ t: 'put', ...record });
      const first = index.records.get(record.reference);
      if (!first) throw new Error(`sandbox record ${record.reference} vanished from ${file}`);
      return first.answer;
    },
    async resolve(reference, answer) {
      catchUp();
      append({ t: 'resolve', reference, answer });
    },
    async list() {
      catchUp();
      return [...index.records.values()];
    },
    close: () => closeSync(fd),
  };
}
