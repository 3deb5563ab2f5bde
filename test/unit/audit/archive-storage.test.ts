/**
 * Where archive lines are stored (docs/audit-archive.md "Layout"): one object per kind and UTC
 * day of a batch, keyed `<folder>/day=<day>/<first>-<last>.jsonl`, on S3 (S3AuditArchive over
 * the platform's object writer) and as append-only files locally (LocalAuditArchive). A failed
 * object or file fails exactly its own lines.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3AuditArchive } from '#shared/audit/data/s3-audit-archive.ts';
import { ARCHIVE_CONTENT_TYPE, archiveGroupsOf, archiveObjectKeyOf } from '#shared/audit/domain/archive-layout.ts';
import { type ArchiveLine, ArchiveLineSchema, toArchiveLine } from '#shared/audit/domain/archive-line.ts';
import type { ObjectWriter, PutObjectInput } from '#shared/platform/aws/s3-object-writer.ts';
import { referralKeys } from '#shared/platform/dynamodb/keys.ts';
import { LocalAuditArchive, localArchiveFileOf } from '#infra/local/adapters/local-audit-archive.ts';
import { eventItem } from '#test/support/stream-records.ts';

const DAY_ONE = Date.parse('2026-11-28T23:59:59Z') / 1000;
const DAY_TWO = Date.parse('2026-11-29T00:00:01Z') / 1000;

const accessLine = (sequence: number, at: number): ArchiveLine =>
  toArchiveLine({
    sequenceNumber: String(sequence).padStart(21, '0'),
    approximateCreationTime: at,
    item: {
      ...referralKeys.access('01JREFERRAL0000000000000AA', `01JACCESS${String(sequence).padStart(17, '0')}`),
      entity: 'access',
      referralId: '01JREFERRAL0000000000000AA',
      at: new Date(at * 1000).toISOString(),
      actor: { sub: 'sub-of-reader', org: 'ecc', role: 'practitioner' },
      what: 'detail',
    },
  });

const eventLine = (sequence: number, at: number): ArchiveLine =>
  toArchiveLine({
    sequenceNumber: String(sequence).padStart(21, '0'),
    approximateCreationTime: at,
    item: eventItem('01JREFERRAL0000000000000AA', sequence),
  });

/** A batch over midnight: access and event lines of two days, interleaved. */
const batch = (): ArchiveLine[] => [
  accessLine(1, DAY_ONE),
  eventLine(2, DAY_ONE),
  accessLine(3, DAY_TWO),
  accessLine(4, DAY_ONE),
  eventLine(5, DAY_TWO),
];

const seq = (n: number) => String(n).padStart(21, '0');

describe('the layout', () => {
  it('groups a batch by kind and day, keeping stream order, and names each object by its first and last sequence number', () => {
    // Act
    const groups = archiveGroupsOf(batch());

    // Assess
    expect(groups.map((group) => [archiveObjectKeyOf(group), group.lines.map((line) => line.sequenceNumber)])).toEqual([
      [`access-log/day=2026-11-28/${seq(1)}-${seq(4)}.jsonl`, [seq(1), seq(4)]],
      [`events/day=2026-11-28/${seq(2)}-${seq(2)}.jsonl`, [seq(2)]],
      [`access-log/day=2026-11-29/${seq(3)}-${seq(3)}.jsonl`, [seq(3)]],
      [`events/day=2026-11-29/${seq(5)}-${seq(5)}.jsonl`, [seq(5)]],
    ]);
  });

  it('gives a batch stored again the same keys, so S3 keeps a retry as another version of the same object', () => {
    // Act
    const first = archiveGroupsOf(batch()).map(archiveObjectKeyOf);
    const again = archiveGroupsOf(batch()).map(archiveObjectKeyOf);

    // Assess
    expect(again).toEqual(first);
  });
});

/** An object writer that keeps what it is given and fails the keys `fail` picks. */
class CapturingObjects implements ObjectWriter {
  readonly puts: PutObjectInput[] = [];
  fail: (key: string) => boolean = () => false;

  async putObject(input: PutObjectInput): Promise<void> {
    this.puts.push(input);
    if (this.fail(input.key)) throw Object.assign(new Error('Slow down'), { name: 'SlowDown' });
  }
}

describe('the S3 archive', () => {
  it('puts one JSON Lines object per kind and day into the bucket, naming no lock, key or retention', async () => {
    // Prepare
    const objects = new CapturingObjects();
    const archive = new S3AuditArchive({ bucket: 'jointly-audit-bucket', objects });

    // Act
    const result = await archive.append(batch());

    // Assess
    expect(result.failedSequenceNumbers).toEqual([]);
    expect(objects.puts.map(({ bucket, key, contentType }) => ({ bucket, key, contentType }))).toEqual(
      archiveGroupsOf(batch()).map((group) => ({
        bucket: 'jointly-audit-bucket',
        key: archiveObjectKeyOf(group),
        contentType: ARCHIVE_CONTENT_TYPE,
      })),
    );
    const body = new TextDecoder().decode(objects.puts[0]!.body);
    expect(body.endsWith('\n')).toBe(true);
    expect(
      body
        .trimEnd()
        .split('\n')
        .map((text) => ArchiveLineSchema.parse(JSON.parse(text)).sequenceNumber),
    ).toEqual([seq(1), seq(4)]);
    expect(Object.keys(objects.puts[0]!).sort()).toEqual(['body', 'bucket', 'contentType', 'key']);
  });

  it('fails exactly the lines of an object S3 refused, and still stores the others', async () => {
    // Prepare
    const objects = new CapturingObjects();
    objects.fail = (key) => key.startsWith('access-log/day=2026-11-28/');
    const archive = new S3AuditArchive({ bucket: 'jointly-audit-bucket', objects });

    // Act
    const result = await archive.append(batch());

    // Assess
    expect(result.failedSequenceNumbers).toEqual([seq(1), seq(4)]);
    expect(objects.puts).toHaveLength(4);
  });
});

describe('the local archive', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jointly-audit-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const linesIn = (file: string) =>
    readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((text) => ArchiveLineSchema.parse(JSON.parse(text)).sequenceNumber);

  it('appends each kind’s lines of a day to one file in the archive’s folders, never rewriting what is there', async () => {
    // Prepare
    const archive = new LocalAuditArchive({ dir });

    // Act
    const first = await archive.append(batch());
    const second = await archive.append([accessLine(6, DAY_ONE)]);

    // Assess
    expect([first.failedSequenceNumbers, second.failedSequenceNumbers]).toEqual([[], []]);
    expect(localArchiveFileOf(dir, 'access', '2026-11-28')).toBe(join(dir, 'access-log', 'day=2026-11-28.jsonl'));
    expect(linesIn(localArchiveFileOf(dir, 'access', '2026-11-28'))).toEqual([seq(1), seq(4), seq(6)]);
    expect(linesIn(localArchiveFileOf(dir, 'event', '2026-11-28'))).toEqual([seq(2)]);
    expect(linesIn(localArchiveFileOf(dir, 'access', '2026-11-29'))).toEqual([seq(3)]);
    expect(linesIn(localArchiveFileOf(dir, 'event', '2026-11-29'))).toEqual([seq(5)]);
  });

  it('fails the lines of a file it cannot write, and stores the others', async () => {
    // Prepare: a file where the events folder should be
    writeFileSync(join(dir, 'events'), 'not a folder');
    const archive = new LocalAuditArchive({ dir });

    // Act
    const result = await archive.append(batch());

    // Assess
    expect(result.failedSequenceNumbers).toEqual([seq(2), seq(5)]);
    expect(linesIn(localArchiveFileOf(dir, 'access', '2026-11-28'))).toEqual([seq(1), seq(4)]);
  });
});
