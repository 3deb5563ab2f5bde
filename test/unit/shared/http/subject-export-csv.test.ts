/**
 * The CSV half of a subject access export (shared/referrals/api/subject-export-csv.ts): one
 * file per record type, dotted columns for nested fields, every column any record has in the
 * order first met, the referral's id leading every child row, and formulas defused.
 */
import { describe, expect, it } from 'vitest';
import { subjectExportFiles } from '#shared/referrals/api/subject-export-csv.ts';
import type { SubjectExport, SubjectReferralRecord } from '#shared/referrals/domain/subject-rights.ts';
import { parseCsv } from '#test/support/csv.ts';

const R1 = '01JNR0000000000000000000R1';
const R2 = '01JNR0000000000000000000R2';

/** A file's rows as objects keyed by its header. */
const recordsOf = (text: string): Record<string, string>[] => {
  const [header, ...rows] = parseCsv(text);
  return rows.map((row) => Object.fromEntries(header!.map((column, i) => [column, row[i]!])));
};

const actor = (sub: string, org: string) => ({ sub, org, role: 'practitioner' as const });

const record = (id: string, overrides: Partial<SubjectReferralRecord> = {}): SubjectReferralRecord => ({
  referral: {
    id,
    fromOrg: 'provide',
    toOrg: 'ecc',
    ownerOrg: 'provide',
    serviceArea: 'rapid-response',
    priority: 'urgent',
    subject: { nhsNumber: '9434765919', name: 'Ada Example' },
    reason: 'Falls at home',
    status: 'submitted',
    version: 1,
    createdAt: '2025-03-03T09:00:00.000Z',
    updatedAt: '2025-03-03T09:00:00.000Z',
    dueAt: '2025-03-03T11:00:00.000Z',
    parties: ['provide', 'ecc'],
  },
  handoffs: [],
  events: [
    {
      id: `${id.slice(0, 24)}E1`,
      type: 'referral.submitted',
      seq: 1,
      at: '2025-03-03T09:00:00.000Z',
      actor: actor('u-provide', 'provide'),
      referralId: id,
      data: { status: 'submitted', fromOrg: 'provide' },
    },
  ],
  notes: [],
  accessLog: [{ at: '2025-03-03T09:05:00.000Z', actor: actor('u-ecc', 'ecc'), what: 'detail' }],
  ...overrides,
});

const bundleOf = (...referrals: SubjectReferralRecord[]): SubjectExport => ({
  nhsNumber: '9434765919',
  generatedAt: '2025-06-02T10:00:00.000Z',
  referrals,
});

describe('subjectExportFiles', () => {
  it('writes the five files, one row per record', () => {
    // Prepare
    const bundle = bundleOf(record(R1), record(R2));

    // Act
    const files = subjectExportFiles(bundle);

    // Assess
    expect(Object.keys(files).sort()).toEqual(['access-log.csv', 'events.csv', 'handoffs.csv', 'notes.csv', 'referrals.csv']);
    expect(recordsOf(files['referrals.csv']).map((r) => r.id)).toEqual([R1, R2]);
    expect(recordsOf(files['events.csv'])).toHaveLength(2);
    expect(recordsOf(files['access-log.csv'])).toHaveLength(2);
    expect(recordsOf(files['handoffs.csv'])).toEqual([]);
    expect(files['notes.csv']).toBe('\r\n');
  });

  it('flattens nested fields into dotted columns and writes arrays as JSON', () => {
    // Prepare
    const bundle = bundleOf(record(R1));

    // Act
    const files = subjectExportFiles(bundle);

    // Assess
    const [referral] = recordsOf(files['referrals.csv']);
    expect(referral).toMatchObject({ 'subject.nhsNumber': '9434765919', 'subject.name': 'Ada Example', parties: '["provide","ecc"]' });
    const [event] = recordsOf(files['events.csv']);
    expect(event).toMatchObject({
      'actor.sub': 'u-provide',
      'actor.org': 'provide',
      'data.status': 'submitted',
      'data.fromOrg': 'provide',
    });
  });

  it('takes every column any record has, in the order first met, leaving a missing field empty', () => {
    // Prepare: the second referral has a team, an outcome and former parties the first lacks
    const first = record(R1);
    const second = record(R2, {
      referral: {
        ...record(R2).referral,
        toTeam: 'adult-triage',
        status: 'completed',
        outcome: 'admission-avoided',
        formerParties: [{ org: 'meht', leftAt: '2025-03-04T09:00:00.000Z', leftSeq: 3 }],
      },
    });

    // Act
    const files = subjectExportFiles(bundleOf(first, second));

    // Assess
    const [header] = parseCsv(files['referrals.csv']);
    const firstColumns = Object.keys(first.referral).flatMap((key) => (key === 'subject' ? ['subject.nhsNumber', 'subject.name'] : [key]));
    expect(header!.slice(0, firstColumns.length)).toEqual(firstColumns);
    expect(header!.slice(firstColumns.length)).toEqual(['toTeam', 'outcome', 'formerParties']);
    const [one, two] = recordsOf(files['referrals.csv']);
    expect(one).toMatchObject({ toTeam: '', outcome: '', formerParties: '' });
    expect(two).toMatchObject({ toTeam: 'adult-triage', outcome: 'admission-avoided' });
    expect(JSON.parse(two!.formerParties!)).toEqual([{ org: 'meht', leftAt: '2025-03-04T09:00:00.000Z', leftSeq: 3 }]);
  });

  it('leads every row of the child files with the referral’s id', () => {
    // Prepare
    const bundle = bundleOf(
      record(R1, {
        handoffs: [
          {
            id: '01JNR00000000000000000000H',
            referralId: R1,
            fromOrg: 'ecc',
            toOrg: 'meht',
            reason: 'Over to MEHT',
            status: 'offered',
            version: 1,
            createdAt: '2025-03-04T09:00:00.000Z',
            updatedAt: '2025-03-04T09:00:00.000Z',
            dueAt: '2025-03-04T11:00:00.000Z',
            offeredBy: actor('u-ecc', 'ecc'),
          },
        ],
        notes: [
          {
            id: '01JNR00000000000000000000N',
            referralId: R1,
            text: 'Seen at home',
            author: actor('u-ecc', 'ecc'),
            createdAt: '2025-03-04T10:00:00.000Z',
          },
        ],
      }),
      record(R2),
    );

    // Act
    const files = subjectExportFiles(bundle);

    // Assess
    for (const name of ['handoffs.csv', 'events.csv', 'notes.csv', 'access-log.csv'] as const) {
      const [header] = parseCsv(files[name]);
      expect(header![0], name).toBe('referralId');
      expect(
        header!.filter((column) => column === 'referralId'),
        name,
      ).toHaveLength(1);
    }
    expect(recordsOf(files['access-log.csv']).map((r) => r.referralId)).toEqual([R1, R2]);
    expect(recordsOf(files['events.csv']).map((r) => r.referralId)).toEqual([R1, R2]);
    expect(recordsOf(files['notes.csv'])).toEqual([
      {
        referralId: R1,
        id: '01JNR00000000000000000000N',
        text: 'Seen at home',
        'author.sub': 'u-ecc',
        'author.org': 'ecc',
        'author.role': 'practitioner',
        createdAt: '2025-03-04T10:00:00.000Z',
      },
    ]);
  });

  it('defuses text a spreadsheet would run as a formula, and quotes commas, quotes and line breaks', () => {
    // Prepare
    const bundle = bundleOf(
      record(R1, {
        referral: { ...record(R1).referral, reason: '=HYPERLINK("http://evil.example","click")' },
        notes: [
          {
            id: '01JNR00000000000000000000N',
            referralId: R1,
            text: '+44 7700 900123, "call back"\r\nafter 5',
            author: actor('u-ecc', 'ecc'),
            createdAt: '2025-03-04T10:00:00.000Z',
          },
        ],
      }),
    );

    // Act
    const files = subjectExportFiles(bundle);

    // Assess
    expect(recordsOf(files['referrals.csv'])[0]!.reason).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(recordsOf(files['notes.csv'])[0]!.text).toBe('\'+44 7700 900123, "call back"\r\nafter 5');
    expect(files['notes.csv']).toContain('"\'+44 7700 900123, ""call back""\r\nafter 5"');
  });

  it('writes numbers plainly, so a version or a seq stays a number', () => {
    // Prepare
    const bundle = bundleOf(record(R1));

    // Act
    const files = subjectExportFiles(bundle);

    // Assess
    expect(recordsOf(files['referrals.csv'])[0]!.version).toBe('1');
    expect(recordsOf(files['events.csv'])[0]!.seq).toBe('1');
  });

  it('writes an empty header and no rows for a person Jointly holds nothing about', () => {
    // Act
    const files = subjectExportFiles(bundleOf());

    // Assess
    expect(Object.values(files)).toEqual(['\r\n', '\r\n', '\r\n', '\r\n', '\r\n']);
  });
});
