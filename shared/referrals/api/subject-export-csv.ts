/**
 * The CSV half of a subject access export: one file per record type (referrals, handoffs,
 * events, notes, access log), one row per record, nested fields as dotted columns
 * (`subject.nhsNumber`, `actor.org`, `data.status`). A file's columns are every field any of
 * its records has, in the order first met, so nothing held is left out of the spreadsheet and
 * a record without a field has an empty cell. Every row leads with the referral's id.
 */
import { flatten, toCsv, type CsvValue } from '../../platform/http/csv.ts';
import type { SubjectExport } from '../domain/subject-rights.ts';
import type { SUBJECT_EXPORT_FILES } from '../domain/subject-schemas.ts';

/** One CSV document of `records`, columns as described above. */
const csvOf = (records: readonly Readonly<Record<string, unknown>>[]): string => {
  const rows = records.map((record) => new Map(flatten(record)));
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const column of row.keys()) {
      if (!seen.has(column)) {
        seen.add(column);
        columns.push(column);
      }
    }
  }
  return toCsv(
    columns,
    rows.map((row): CsvValue[] => columns.map((column) => row.get(column))),
  );
};

/** The export's CSV files by name. */
export const subjectExportFiles = (bundle: SubjectExport): Record<(typeof SUBJECT_EXPORT_FILES)[number], string> => {
  const each = <T extends object>(pick: (record: SubjectExport['referrals'][number]) => readonly T[]) =>
    bundle.referrals.flatMap((record) => pick(record).map((item) => ({ referralId: record.referral.id, ...item })));
  return {
    'referrals.csv': csvOf(bundle.referrals.map((record) => ({ ...record.referral }))),
    'handoffs.csv': csvOf(each((record) => record.handoffs)),
    'events.csv': csvOf(each((record) => record.events)),
    'notes.csv': csvOf(each((record) => record.notes)),
    'access-log.csv': csvOf(each((record) => record.accessLog)),
  };
};
