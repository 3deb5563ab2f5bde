/**
 * The journal of a durable local queue: an append-only file of JSON lines (sends, retries,
 * outcomes), read back at start so a restart redelivers every message not done, and
 * rewritten (compacted) when an idle queue has written many lines.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DeadLetter } from './local-queue.ts';

/** One line of a queue's journal. */
export type JournalEntry =
  | { readonly op: 'send'; readonly id: string; readonly body: string; readonly sentAt: number; readonly availableAt: number }
  | { readonly op: 'retry'; readonly id: string; readonly receiveCount: number; readonly availableAt: number }
  | { readonly op: 'done'; readonly id: string }
  | { readonly op: 'dead'; readonly id: string; readonly letter: DeadLetter };

/** A message the journal holds that is not done yet. */
export interface JournaledMessage {
  readonly id: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  availableAt: number;
}

/** Lines written since the last compaction before an idle queue rewrites its journal. */
const COMPACT_AFTER_LINES = 2_000;

/**
 * The append-only file behind a durable {@link LocalQueue}. Each append is one `write`
 * (no fsync): it survives the process being killed, as the kernel holds it, though not a
 * power cut.
 */
export class QueueJournal {
  private readonly file: string;
  private fd: number | undefined;
  private lines = 0;
  /** Messages not done and dead letters, as read at start. */
  readonly pending: JournaledMessage[];
  readonly dead: DeadLetter[];

  constructor(file: string) {
    this.file = file;
    mkdirSync(dirname(file), { recursive: true });
    const live = new Map<string, JournaledMessage>();
    const dead = new Map<string, DeadLetter>();
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    for (const line of text.split('\n')) {
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        continue; // an empty line, or the last one cut short by a crash
      }
      if (entry === null || typeof entry !== 'object') continue;
      if (entry.op === 'send')
        live.set(entry.id, { id: entry.id, body: entry.body, sentAt: entry.sentAt, receiveCount: 0, availableAt: entry.availableAt });
      else if (entry.op === 'retry') {
        const message = live.get(entry.id);
        if (message) Object.assign(message, { receiveCount: entry.receiveCount, availableAt: entry.availableAt });
      } else if (entry.op === 'done') live.delete(entry.id);
      else if (entry.op === 'dead') {
        live.delete(entry.id);
        dead.set(entry.id, entry.letter);
      }
    }
    this.pending = [...live.values()];
    this.dead = [...dead.values()];
    this.rewrite(this.pending, this.dead);
  }

  append(entry: JournalEntry): void {
    // After stop: the message stays as the journal last had it, and comes back at the next start.
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    this.lines += 1;
  }

  /** Rewrites the file once many lines are done with (called when the queue is idle: nothing live). */
  compactIfLong(dead: readonly DeadLetter[]): void {
    if (this.fd !== undefined && this.lines > COMPACT_AFTER_LINES) this.rewrite([], dead);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private rewrite(live: readonly JournaledMessage[], dead: readonly DeadLetter[]): void {
    const entries: JournalEntry[] = [
      ...dead.map((letter): JournalEntry => ({ op: 'dead', id: letter.messageId, letter })),
      ...live.flatMap((m): JournalEntry[] => [
        { op: 'send', id: m.id, body: m.body, sentAt: m.sentAt, availableAt: m.availableAt },
        ...(m.receiveCount > 0 ? [{ op: 'retry', id: m.id, receiveCount: m.receiveCount, availableAt: m.availableAt } as const] : []),
      ]),
    ];
    if (this.fd !== undefined) closeSync(this.fd);
    writeFileSync(`${this.file}.tmp`, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    renameSync(`${this.file}.tmp`, this.file);
    this.fd = openSync(this.file, 'a');
    this.lines = 0;
  }
}
