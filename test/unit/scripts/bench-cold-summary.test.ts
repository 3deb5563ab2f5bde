import { describe, expect, it } from 'vitest';
import {
  coldStartEntries,
  sampleOf,
  summarizeColdStarts,
  summarizeFunction,
  unexpectedSecretReads,
  type ChildReport,
  type ColdSample,
} from '#scripts/bench/cold-summary.ts';
import type { ColdStartResult } from '#scripts/bench/results.ts';
import { median } from '#scripts/bench/stats.ts';

/** A child that read two secrets during its import, then answered a request with two DynamoDB calls and two warm ones. */
const report: ChildReport = {
  bootMs: 30,
  importStartMs: 31,
  importEndMs: 151,
  first: { startMs: 152, ms: 40, status: 200 },
  warm: [
    { startMs: 195, ms: 12, status: 200 },
    { startMs: 210, ms: 10, status: 200 },
  ],
  http: [
    { target: 'secretsmanager.GetSecretValue', startMs: 120, endMs: 131 },
    { target: 'secretsmanager.GetSecretValue', startMs: 121, endMs: 140 },
    { target: 'DynamoDB_20120810.Query', startMs: 160, endMs: 175 },
    { target: 'DynamoDB_20120810.PutItem', startMs: 178, endMs: 190 },
    { target: 'DynamoDB_20120810.Query', startMs: 197, endMs: 205 },
  ],
};

const sample = (coldRequestMs: number, warmMs: number[], overrides: Partial<ColdSample> = {}): ColdSample => ({
  coldRequestMs,
  bootMs: 30,
  importMs: 100,
  secretsMs: 10,
  firstRequestMs: 40,
  status: 200,
  warmMs,
  warmStatuses: warmMs.map(() => 200),
  dynamoCalls: 2,
  secretReads: { cursorKey: 1, subjectHashKey: 1 },
  ...overrides,
});

describe('median', () => {
  it('is the middle value, or the mean of the middle two, whatever the order', () => {
    // Act
    const odd = median([5, 1, 3]);
    const even = median([4, 1, 3, 2]);

    // Assess
    expect(odd).toBe(3);
    expect(even).toBe(2.5);
    expect(() => median([])).toThrow(/no values/);
  });
});

describe('sampleOf', () => {
  it('splits the child’s timeline: import, the secret round trips inside it, the first request and its DynamoDB calls', () => {
    // Act
    const result = sampleOf(report, 260, { cursorKey: 1, subjectHashKey: 1 });

    // Assess
    expect(result).toEqual({
      coldRequestMs: 260,
      bootMs: 30,
      importMs: 120,
      secretsMs: 20,
      firstRequestMs: 40,
      status: 200,
      warmMs: [12, 10],
      warmStatuses: [200, 200],
      dynamoCalls: 2,
      untilDynamoMs: { first: 8, warm: [2] },
      secretReads: { cursorKey: 1, subjectHashKey: 1 },
    });
  });

  it('gives 0 ms of secrets to a function that reads none, and refuses a report without a first request', () => {
    // Prepare
    const noSecrets: ChildReport = { ...report, http: report.http.filter((c) => c.target.startsWith('DynamoDB')) };
    const baseline: ChildReport = { bootMs: 30, importStartMs: 31, importEndMs: 32, warm: [], http: [] };

    // Act
    const result = sampleOf(noSecrets, 200, {});

    // Assess
    expect(result.secretsMs).toBe(0);
    expect(sampleOf({ ...report, http: [] }, 200, {}).untilDynamoMs).toBeUndefined();
    expect(() => sampleOf(baseline, 50, {})).toThrow(/no request/);
  });
});

describe('summarizeFunction', () => {
  it('takes cold − warm − bare Node per sample with that child’s warm median, then the median and the max', () => {
    // Prepare
    const samples = [
      sample(200, [10, 20, 30], { untilDynamoMs: { first: 9, warm: [1, 2, 3] } }),
      sample(300, [20], { untilDynamoMs: { first: 12, warm: [2] } }),
      sample(250, [10, 30]),
    ];

    // Act
    const result = summarizeFunction(
      { functionId: 'getReferral', operationId: 'getReferral', secrets: ['subjectHashKey', 'cursorKey'], samples },
      50,
    ) as ColdStartResult;

    // Assess: overheads are 200−20−50 = 130, 300−20−50 = 230, 250−20−50 = 180.
    expect(result.coldOverheadMs).toEqual({ median: 180, max: 230 });
    expect(result.coldRequestMs).toEqual({ median: 250, max: 300 });
    expect(result.warmMs).toEqual({ median: 20 });
    expect(result.untilDynamoMs).toEqual({ first: 10.5, warm: 2 });
    expect(result).toMatchObject({ operationId: 'getReferral', samples: 3, status: 200, dynamoCalls: 2 });
    expect(result.secrets).toEqual(['cursorKey', 'subjectHashKey']);
    expect(result.secretReads).toEqual({ cursorKey: { min: 1, max: 1 }, subjectHashKey: { min: 1, max: 1 } });
    expect(result).not.toHaveProperty('statuses');
  });

  it('keeps the most common first status and lists them all when samples disagree; a declared secret never read counts 0', () => {
    // Prepare
    const samples = [
      sample(200, [10], { status: 201 }),
      sample(200, [10], { status: 500, secretReads: {} }),
      sample(200, [10], { status: 201 }),
    ];

    // Act
    const result = summarizeFunction({ functionId: 'createReferral', operationId: 'createReferral', secrets: ['cursorKey'], samples }, 40);

    // Assess
    expect(result).toMatchObject({ status: 201, statuses: [201, 500, 201] });
    expect((result as ColdStartResult).secretReads.cursorKey).toEqual({ min: 0, max: 1 });
  });

  it('a function whose child failed is a failure with the reason, and no figures', () => {
    // Act
    const result = summarizeFunction({ functionId: 'x', operationId: 'x', secrets: [], samples: [], error: 'exit 1: boom' }, 40);

    // Assess
    expect(result).toEqual({ operationId: 'x', error: 'exit 1: boom' });
  });
});

describe('summarizeColdStarts', () => {
  it('puts bareNodeMs (the median baseline) first, then each function by id, rounded to tenths', () => {
    // Prepare
    const functions = [
      { functionId: 'getHealth', operationId: 'getHealth', secrets: [], samples: [sample(100.04, [1], { secretReads: {} })] },
      { functionId: 'notFound', operationId: 'notFound', secrets: [], samples: [], error: 'exit 1' },
    ];

    // Act
    const section = summarizeColdStarts([41, 45.26, 39], functions);

    // Assess
    expect(Object.keys(section)).toEqual(['bareNodeMs', 'getHealth', 'notFound']);
    expect(section.bareNodeMs).toBe(41);
    expect((section.getHealth as ColdStartResult).coldOverheadMs).toEqual({ median: 58, max: 58 });
    expect(coldStartEntries(section).map(([id]) => id)).toEqual(['getHealth', 'notFound']);
  });
});

describe('unexpectedSecretReads', () => {
  it('names a declared secret not read exactly once per child, and an undeclared one read at all', () => {
    // Prepare
    const section = summarizeColdStarts(
      [40],
      [
        { functionId: 'ok', operationId: 'ok', secrets: ['cursorKey'], samples: [sample(100, [1], { secretReads: { cursorKey: 1 } })] },
        {
          functionId: 'twice',
          operationId: 'twice',
          secrets: ['cursorKey'],
          samples: [sample(100, [1], { secretReads: { cursorKey: 2 } })],
        },
        { functionId: 'extra', operationId: 'extra', secrets: [], samples: [sample(100, [1], { secretReads: { subjectHashKey: 1 } })] },
      ],
    );

    // Act
    const odd = unexpectedSecretReads(section);

    // Assess
    expect(odd).toEqual(['twice: cursorKey 2–2', 'extra: subjectHashKey 1–1']);
  });
});
