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
 *
 * Memory stays bounded however long the sandbox runs: only the newest records (`keep`, 10,000 by default) are
 * held in memory. A reference the journal mints now (a UUIDv7, its time inside) that is newer than every
 * record let go is answered from memory alone; an older one (a reconciliation asking about a row from hours
 * ago, a retry after a long pause) is looked up by reading the file, which is slower and rare. Opening the
 * file still reads it once from the start.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { uuidV7Timestamp, type Uuid } from '../../src-shared';
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

/** Records the file store holds in memory by default: about 5 MB. */
export const DEFAULT_KEPT_RECORDS = 10_000;

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The time a UUIDv7 reference carries; null for any other reference (no time to go by). */
const timeOf = (reference: string): number | null =>
  UUID_V7.test(reference) ? uuidV7Timestamp(reference as Uuid) : null;

export interface FileSandboxRecords extends ClosableSandboxRecords {
  /** Records held in memory, and lookups that had to read the file (for tests and people watching it). */
  stats(): { inMemory: number; fileLookups: number };
}

/** Records in an append-only file of JSON lines, shared by every process that opens the same path. */
export function fileSandboxRecords(file: string, options: { keep?: number } = {}): FileSandboxRecords {
  const keep = Math.max(1, options.keep ?? DEFAULT_KEPT_RECORDS);
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'a+', 0o600);
  const index = createIndex();
  let offset = 0;
  /** A line still being written at the end of the file (read again once it is whole). */
  let rest: Buffer = Buffer.alloc(0);
  /** Every reference let go from memory carries a time at or before this (+Infinity: one carried none). */
  let letGoUpTo = -Infinity;
  /** The references let go that carry exactly `letGoUpTo` (several are made in one millisecond). */
  const letGoAtEdge = new Set<string>();
  let fileLookups = 0;

  /** Keeps the newest `keep` records (the Map's order is the file's order of first lines). */
  const applyKept = (line: Line) => {
    index.apply(line);
    if (index.records.size <= keep) return;
    for (const reference of index.records.keys()) {
      if (index.records.size <= keep) break;
      index.records.delete(reference);
      const time = timeOf(reference) ?? Infinity;
      if (time > letGoUpTo) {
        letGoUpTo = time;
        letGoAtEdge.clear();
      }
      if (time === letGoUpTo) letGoAtEdge.add(reference);
    }
  };

  /**
   * Calls `each` for every complete line in the file from `from` up to `to`, in order; with `containing`, only
   * for the lines holding those bytes (found in the raw bytes, the other lines never decoded). Returns the
   * bytes after the last complete line.
   */
  const readLines = (from: number, to: number, each: (text: string) => void, containing?: Buffer): Buffer => {
    let carry: Buffer = Buffer.alloc(0);
    for (let at = from; at < to;) {
      const chunk = Buffer.alloc(Math.min(1 << 20, to - at));
      const n = readSync(fd, chunk, 0, chunk.length, at);
      if (n === 0) break;
      at += n;
      const data = Buffer.concat([carry, chunk.subarray(0, n)]);
      const end = data.lastIndexOf(0x0a);
      carry = end < 0 ? data : data.subarray(end + 1);
      if (end < 0) continue;
      const whole = data.subarray(0, end);
      if (!containing) {
        for (const text of whole.toString('utf8').split('\n')) if (text) each(text);
        continue;
      }
      for (let hit = whole.indexOf(containing); hit >= 0;) {
        const start = whole.lastIndexOf(0x0a, hit) + 1;
        const stop = whole.indexOf(0x0a, hit);
        const lineEnd = stop < 0 ? whole.length : stop;
        each(whole.subarray(start, lineEnd).toString('utf8'));
        hit = whole.indexOf(containing, lineEnd);
      }
    }
    return carry;
  };

  /** Reads the lines appended since the last look (by any process); a line still being written waits. */
  const catchUp = () => {
    const size = fstatSync(fd).size;
    if (size <= offset) return;
    const from = offset - rest.length;
    offset = size;
    rest = readLines(from, size, (text) => applyKept(JSON.parse(text) as Line));
  };

  /** The record for a reference: from memory when memory is sure to have it, else from the file. */
  const lookUp = (reference: string): SandboxRecord | null => {
    const kept = index.records.get(reference);
    if (kept) return kept;
    const time = timeOf(reference);
    // Newer than everything let go, or made in the same millisecond as the newest let go but not one of them.
    if (time !== null && (time > letGoUpTo || (time === letGoUpTo && !letGoAtEdge.has(reference))))
      return null;
    fileLookups++;
    const one = createIndex();
    readLines(
      0,
      offset - rest.length,
      (text) => one.apply(JSON.parse(text) as Line),
      Buffer.from(JSON.stringify(reference), 'utf8'),
    );
    return one.records.get(reference) ?? null;
  };

  /**
   * Appends a line and brings the index up to date with it: when the file grew by exactly this line since it
   * was last read, no other process wrote in between, so the line sits at the offset read up to and is applied
   * as written (no read back); otherwise the file is read as any other change.
   */
  const append = (line: Line) => {
    const bytes = Buffer.from(JSON.stringify(line) + '\n', 'utf8');
    const at = offset;
    // One write per line: with O_APPEND the kernel places it whole at the end, never interleaved.
    const n = writeSync(fd, bytes);
    if (n !== bytes.length) throw new Error(`sandbox records: short write to ${file}`);
    if (rest.length === 0 && fstatSync(fd).size === at + n) {
      offset = at + n;
      applyKept(line);
    } else {
      catchUp();
    }
  };

  return {
    async find(reference) {
      catchUp();
      return lookUp(reference)?.answer ?? null;
    },
    async put(record) {
      // No catch-up first (one file status a request less): a line another process wrote for this reference
      // meanwhile is found by `append`'s catch-up, and the first line still wins, so the answer is the same;
      // the file then holds one line more for that reference (a retry racing another process: rare).
      const known = lookUp(record.reference);
      if (known) return known.answer;
      append({ t: 'put', ...record });
      // The first line for the reference wins, also when another process appended one just before this.
      const first = lookUp(record.reference);
      if (!first) throw new Error(`sandbox record ${record.reference} vanished from ${file}`);
      return first.answer;
    },
    async resolve(reference, answer) {
      catchUp();
      append({ t: 'resolve', reference, answer });
    },
    async list() {
      catchUp();
      const all = createIndex();
      readLines(0, offset - rest.length, (text) => all.apply(JSON.parse(text) as Line));
      return [...all.records.values()];
    },
    stats: () => ({ inMemory: index.records.size, fileLookups }),
    close: () => closeSync(fd),
  };
}
