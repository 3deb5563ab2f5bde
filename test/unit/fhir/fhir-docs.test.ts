/**
 * The FHIR page's mapping tables are the behaviour: each is compared, row by row, with the
 * tables the mapping code reads (shared/fhir/domain/state-mapping.ts), so the published
 * mapping cannot drift from what the face serves.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HANDOFF_STATE_MAPPING, PRIORITY_TO_FHIR, REFERRAL_STATE_MAPPING } from '#shared/fhir/domain/state-mapping.ts';

const PAGE = readFileSync(resolve(import.meta.dirname, '../../../docs/fhir.md'), 'utf8');

/** The rows of the table between `<!-- state-table:<name> -->` and its end marker, cells trimmed, header and rule left out. */
const tableRows = (name: string): string[][] => {
  const start = PAGE.indexOf(`<!-- state-table:${name} -->`);
  const end = PAGE.indexOf('<!-- /state-table -->', start);
  expect(start, `docs/fhir.md has no ${name} table`).toBeGreaterThanOrEqual(0);
  return PAGE.slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
};

describe('docs/fhir.md states the mapping the code applies', () => {
  it('referral statuses: Task status, reason, output, ServiceRequest status and owner, in the code’s order', () => {
    // Prepare
    const reasonCell = (row: (typeof REFERRAL_STATE_MAPPING)[keyof typeof REFERRAL_STATE_MAPPING]) =>
      row.statusReasonFrom === 'info-requested'
        ? '"More information was requested from the referrer"'
        : row.statusReasonFrom === 'reasonCode'
          ? `the reason code (\`${row.reasonCodeSystem}\`)`
          : '–';

    // Act
    const documented = tableRows('referral');

    // Assess
    expect(documented).toEqual(
      Object.entries(REFERRAL_STATE_MAPPING).map(([status, row]) => [
        status,
        row.taskStatus,
        reasonCell(row),
        row.outputFrom ? 'the outcome (`outcome`)' : '–',
        row.serviceRequestStatus,
        row.owner,
      ]),
    );
  });

  it('handoff statuses: Task status and reason', () => {
    // Act
    const documented = tableRows('handoff');

    // Assess
    expect(documented).toEqual(
      Object.entries(HANDOFF_STATE_MAPPING).map(([status, row]) => [
        status,
        row.taskStatus,
        row.statusReasonFrom ? `the reason code (\`${row.reasonCodeSystem}\`)` : '–',
      ]),
    );
  });

  it('priorities, both names', () => {
    // Act
    const documented = tableRows('priority').map(([ours, fhir]) => [ours, fhir]);

    // Assess
    expect(documented).toEqual(Object.entries(PRIORITY_TO_FHIR));
  });
});
