/**
 * CSV for the programme board: RFC 4180 quoting and CRLF, formula-injection guard on text
 * (never on numbers), the summary's header and rows (the same figures as the JSON), and
 * content negotiation.
 */
import { describe, expect, it } from 'vitest';
import { ATTRIBUTION, type Summary } from '#shared/metrics/domain/metrics-service.ts';
import { figuresOf } from '#shared/metrics/domain/figures.ts';
import { csvField, flatten, toCsv } from '#shared/platform/http/csv.ts';
import { FIGURE_COLUMNS, summaryCsv, summaryFilename, wantsCsv } from '#shared/metrics/api/metrics-csv.ts';
import { parseCsv } from '#test/support/csv.ts';

describe('csvField', () => {
  it('quotes fields holding a comma, a quote, CR or LF, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
  });

  it('prefixes text a spreadsheet would run as a formula, and leaves numbers alone', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField(-2)).toBe('-2');
    expect(csvField(0.1234)).toBe('0.1234');
  });

  it('writes null, undefined and non-finite numbers as empty fields', () => {
    expect([csvField(null), csvField(undefined), csvField(Number.NaN)]).toEqual(['', '', '']);
  });
});

describe('toCsv', () => {
  it('ends every line, the last included, with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          [1, 'x'],
          [2, null],
        ],
      ),
    ).toBe('a,b\r\n1,x\r\n2,\r\n');
  });

  it('refuses a row whose length differs from the header', () => {
    expect(() => toCsv(['a', 'b'], [[1]])).toThrow(/1 fields; the header has 2/);
  });

  it('flattens nested figures into dotted columns in key order', () => {
    expect(flatten({ a: 1, b: { c: 2, d: { e: null } } })).toEqual([
      ['a', 1],
      ['b.c', 2],
      ['b.d.e', null],
    ]);
  });
});

const summary = (overrides: Partial<Summary> = {}): Summary => {
  const figures = figuresOf({
    st_submitted: 1,
    st_accepted: 2,
    acc: 2,
    acc_in: 1,
    tta_5: 2,
    tta_n: 2,
    tta_s: 1500,
    'dec_no-capacity': 1,
    st_declined: 1,
  });
  return {
    from: '2026-03-02',
    to: '2026-03-08',
    groupBy: 'serviceArea',
    attribution: ATTRIBUTION,
    groups: [
      { key: { serviceArea: 'rapid-response' }, figures },
      { key: { serviceArea: 'crisis-prevention' }, figures: figuresOf({}) },
    ],
    total: figures,
    ...overrides,
  };
};

describe('summaryCsv', () => {
  it('has the group columns, then every figure by its JSON path, in a fixed order', () => {
    // Act
    const [header] = parseCsv(summaryCsv(summary()));

    // Assess
    expect(header!.slice(0, 4)).toEqual(['serviceArea', 'referrals', 'byStatus.submitted', 'byStatus.info_requested']);
    expect(header).toContain('acceptedWithinTargetRate');
    expect(header).toContain('timeToAccept.medianMinutes');
    expect(header).toContain('completedByOutcome.admission-avoided');
    expect(header).toContain('handoffs.declinedByReason.no-capacity');
    expect(header!.slice(1)).toEqual([...FIGURE_COLUMNS]);
    expect(new Set(header).size).toBe(header!.length);
  });

  it('writes one row per group with the same figures as the JSON (empty where undefined), and no total row', () => {
    // Prepare
    const s = summary();

    // Act
    const [header, ...rows] = parseCsv(summaryCsv(s));

    // Assess
    expect(rows).toHaveLength(2);
    const first = Object.fromEntries(header!.map((name, i) => [name, rows[0]![i]]));
    const json = Object.fromEntries(flatten(s.groups[0]!.figures as unknown as Record<string, unknown>));
    expect(first.serviceArea).toBe('rapid-response');
    for (const [name, value] of Object.entries(json)) expect(first[name], name).toBe(value === null ? '' : String(value));
    expect(first).toMatchObject({
      referrals: '4',
      accepted: '2',
      acceptedWithinTarget: '1',
      acceptedWithinTargetRate: '0.5',
      'declinedByReason.no-capacity': '1',
    });
    expect(rows[1]![header!.indexOf('acceptedWithinTargetRate')]).toBe('');
  });

  it('groups by org pair in two columns, and names the file after the period and grouping', () => {
    // Prepare
    const s = summary({ groupBy: 'orgPair', org: 'ecc', groups: [{ key: { fromOrg: 'provide', toOrg: 'ecc' }, figures: figuresOf({}) }] });

    // Act
    const [header, row] = parseCsv(summaryCsv(s));

    // Assess
    expect(header!.slice(0, 3)).toEqual(['fromOrg', 'toOrg', 'referrals']);
    expect(row!.slice(0, 3)).toEqual(['provide', 'ecc', '0']);
    expect(summaryFilename(s)).toBe('jointly-metrics_2026-03-02_2026-03-08_by-orgPair_ecc.csv');
  });
});

describe('wantsCsv', () => {
  it('follows format= first, then an Accept that ranks text/csv above JSON', () => {
    expect(wantsCsv('csv', 'application/json')).toBe(true);
    expect(wantsCsv('json', 'text/csv')).toBe(false);
    expect(wantsCsv(undefined, 'text/csv')).toBe(true);
    expect(wantsCsv(undefined, 'text/csv;q=0.9, application/json;q=0.5')).toBe(true);
    expect(wantsCsv(undefined, 'application/json, text/csv;q=0.8')).toBe(false);
    expect(wantsCsv(undefined, '*/*')).toBe(false);
    expect(wantsCsv(undefined, undefined)).toBe(false);
  });
});
