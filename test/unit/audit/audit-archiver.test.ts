/**
 * The audit archiver (shared/audit/api/audit-archiver.ts): which stream records become lines,
 * and how a failure is reported so the mapping retries it and skips nothing. An archive that
 * loses some lines fails exactly those records; one that throws fails every line of the batch;
 * an item that cannot be archived (a bug) fails only its record. Logs carry counts, never an
 * item's content.
 */
import { beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { createAuditArchiverHandler } from '#shared/audit/api/audit-archiver.ts';
import type { ArchiveLine } from '#shared/audit/domain/archive-line.ts';
import type { ArchiveResult, AuditArchive } from '#shared/audit/domain/ports.ts';
import { referralKeys } from '#shared/platform/dynamodb/keys.ts';
import { logger } from '#shared/platform/http/logger.ts';
import { auditArchiverHandler } from '#shared/wiring/audit-archiver.ts';
import { eventItem, sequenceOf, streamRecord } from '#test/support/stream-records.ts';

const NOTE_TEXT = 'Note-words: her neighbour Doris holds a key';

/** An archive that keeps what it is given and fails the lines `fail` picks (or throws). */
class CapturingArchive implements AuditArchive {
  readonly calls: ArchiveLine[][] = [];
  fail: (line: ArchiveLine) => boolean = () => false;
  throws = false;

  async append(lines: readonly ArchiveLine[]): Promise<ArchiveResult> {
    this.calls.push([...lines]);
    if (this.throws) throw new Error('The archive is unavailable');
    return { failedSequenceNumbers: lines.filter((line) => this.fail(line)).map((line) => line.sequenceNumber) };
  }

  get stored(): ArchiveLine[] {
    return this.calls.flat().filter((line) => !this.fail(line));
  }
}

const accessItem = (referralId: string, what = 'detail') => ({
  ...referralKeys.access(referralId, `01JACCESS${referralId.slice(-4)}0000000000000`),
  entity: 'access',
  referralId,
  at: '2026-11-28T00:06:46.000Z',
  actor: { sub: 'sub-of-reader', org: 'ecc', role: 'practitioner' },
  what,
});

const noteItem = (referralId: string) => ({
  ...referralKeys.note(referralId, '01JNOTE0000000000000000000'),
  entity: 'note',
  id: '01JNOTE0000000000000000000',
  referralId,
  text: NOTE_TEXT,
  author: { sub: 'sub-of-author', org: 'ecc', role: 'practitioner', name: 'Pat Author' },
  createdAt: '2026-11-28T00:06:46.000Z',
});

const failuresOf = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((f) => f.itemIdentifier);

let info: MockInstance<typeof logger.info>;
let warn: MockInstance<typeof logger.warn>;
beforeEach(() => {
  info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
});

describe('audit archiver: what is archived', () => {
  it('archives inserted access-log entries and events, in stream order, and nothing else', async () => {
    // Prepare
    const archive = new CapturingArchive();
    const records = [
      streamRecord(1, accessItem('01JREFERRAL0000000000000AA')),
      streamRecord(2, eventItem('01JREFERRAL0000000000000AA', 1)),
      streamRecord(3, noteItem('01JREFERRAL0000000000000AA')),
      streamRecord(4, { ...referralKeys.referral('01JREFERRAL0000000000000AA'), entity: 'referral', reason: NOTE_TEXT }),
      streamRecord(5, eventItem('01JREFERRAL0000000000000AA', 2), 'MODIFY'),
      streamRecord(6, accessItem('01JREFERRAL0000000000000BB'), 'REMOVE'),
      streamRecord(7, accessItem('01JREFERRAL0000000000000BB', 'history')),
    ];
    const handler = createAuditArchiverHandler({ archive });

    // Act
    const response = await handler({ Records: records });

    // Assess
    expect(failuresOf(response)).toEqual([]);
    expect(archive.calls).toHaveLength(1);
    expect(archive.stored.map((line) => [line.kind, line.sequenceNumber])).toEqual([
      ['access', sequenceOf(records[0]!)],
      ['event', sequenceOf(records[1]!)],
      ['access', sequenceOf(records[6]!)],
    ]);
    expect(JSON.stringify(archive.calls)).not.toContain(NOTE_TEXT);
    expect(JSON.stringify(archive.calls)).not.toContain('Free text that stays in the table');
    expect(info).toHaveBeenCalledWith(expect.any(String), { records: 7, lines: 3, stored: 3 });
  });

  it('does not call the archive for a batch with nothing to archive', async () => {
    // Prepare
    const archive = new CapturingArchive();
    const handler = createAuditArchiverHandler({ archive });

    // Act
    const response = await handler({ Records: [streamRecord(1, noteItem('01JREFERRAL0000000000000AA'))] });

    // Assess
    expect(failuresOf(response)).toEqual([]);
    expect(archive.calls).toEqual([]);
  });
});

describe('audit archiver: failures', () => {
  it('fails exactly the records whose lines the archive did not store', async () => {
    // Prepare
    const archive = new CapturingArchive();
    const records = [1, 2, 3, 4].map((n) => streamRecord(n, accessItem(`01JREFERRAL000000000000${String(n).padStart(2, '0')}`)));
    archive.fail = (line) => line.sequenceNumber === sequenceOf(records[1]!) || line.sequenceNumber === sequenceOf(records[3]!);
    const handler = createAuditArchiverHandler({ archive });

    // Act
    const response = await handler({ Records: records });

    // Assess
    expect(failuresOf(response)).toEqual([sequenceOf(records[1]!), sequenceOf(records[3]!)]);
    expect(warn).toHaveBeenCalledWith(expect.any(String), { records: 4, lines: 4, stored: 2, ArchiveWriteFailedError: 2 });
  });

  it('fails every line of the batch when the archive throws, and records with nothing to archive stay done', async () => {
    // Prepare
    const archive = new CapturingArchive();
    archive.throws = true;
    const records = [
      streamRecord(1, accessItem('01JREFERRAL0000000000000AA')),
      streamRecord(2, noteItem('01JREFERRAL0000000000000AA')),
      streamRecord(3, eventItem('01JREFERRAL0000000000000AA', 1)),
    ];
    const handler = createAuditArchiverHandler({ archive });

    // Act
    const response = await handler({ Records: records });

    // Assess
    expect(failuresOf(response)).toEqual([sequenceOf(records[0]!), sequenceOf(records[2]!)]);
  });

  it('fails only the record of an item that cannot be archived, and stores the others', async () => {
    // Prepare
    const archive = new CapturingArchive();
    const broken = { ...accessItem('01JREFERRAL0000000000000AA'), actor: undefined, what: NOTE_TEXT };
    const records = [
      streamRecord(1, accessItem('01JREFERRAL0000000000000BB')),
      streamRecord(2, broken),
      streamRecord(3, eventItem('01JREFERRAL0000000000000BB', 1)),
    ];
    const handler = createAuditArchiverHandler({ archive });

    // Act
    const response = await handler({ Records: records });

    // Assess
    expect(failuresOf(response)).toEqual([sequenceOf(records[1]!)]);
    expect(archive.stored.map((line) => line.sequenceNumber)).toEqual([sequenceOf(records[0]!), sequenceOf(records[2]!)]);
    expect(warn).toHaveBeenCalledWith(expect.any(String), { records: 3, lines: 2, stored: 2, UnarchivableItemError: 1 });
    expect(JSON.stringify(warn.mock.calls)).not.toContain(NOTE_TEXT);
  });
});

describe('audit archiver: wiring', () => {
  it('needs the archive bucket’s name when it builds the S3 archive, and names the variable when it is missing', () => {
    // Act
    const build = () => auditArchiverHandler({ env: {} });

    // Assess
    expect(build).toThrow(/JOINTLY_AUDIT_ARCHIVE_BUCKET is not set/);
    expect(auditArchiverHandler({ env: { JOINTLY_AUDIT_ARCHIVE_BUCKET: 'jointly-audit' } })).toBeTypeOf('function');
  });
});
