/**
 * Business metrics as EMF: one line per service area with the stage namespace and
 * low-cardinality dimensions; off locally unless asked for, on in deployed stages.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emfEnabled, PowertoolsEmfSink } from '#shared/metrics/data/emf.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The JSON lines written to stdout while `fn` runs. */
const stdoutLines = (fn: () => void): Record<string, any>[] => {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  fn();
  vi.restoreAllMocks();
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
};

describe('emfEnabled', () => {
  it('is off in the local runtime and on in deployed stages, unless POWERTOOLS_METRICS_DISABLED says otherwise', () => {
    expect(emfEnabled('local', {})).toBe(false);
    expect(emfEnabled('prod', {})).toBe(true);
    expect(emfEnabled('local', { POWERTOOLS_METRICS_DISABLED: 'false' })).toBe(true);
    expect(emfEnabled('prod', { POWERTOOLS_METRICS_DISABLED: 'true' })).toBe(false);
  });
});

describe('PowertoolsEmfSink', () => {
  it('writes one EMF line per service area: namespace Jointly/<stage>, dimensions service and serviceArea, values per metric', () => {
    // Prepare
    const sink = new PowertoolsEmfSink({ stage: 'staging', enabled: true });

    // Act
    const lines = stdoutLines(() =>
      sink.publish([
        {
          serviceArea: 'crisis-prevention',
          metrics: [
            { name: 'ReferralsAccepted', unit: 'Count', value: 1 },
            { name: 'TimeToAcceptMinutes', unit: 'None', value: 42 },
          ],
        },
        { serviceArea: 'crisis-prevention', metrics: [{ name: 'TimeToAcceptMinutes', unit: 'None', value: 7.5 }] },
        { serviceArea: 'rapid-response', metrics: [{ name: 'ReferralsSubmitted', unit: 'Count', value: 1 }] },
      ]),
    );

    // Assess
    expect(lines).toHaveLength(2);
    const crisis = lines.find((l) => l.serviceArea === 'crisis-prevention')!;
    expect(crisis._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Jointly/staging',
        Dimensions: [['service', 'serviceArea']],
        Metrics: expect.arrayContaining([
          { Name: 'ReferralsAccepted', Unit: 'Count' },
          { Name: 'TimeToAcceptMinutes', Unit: 'None' },
        ]),
      },
    ]);
    expect(crisis).toMatchObject({ service: 'jointly', ReferralsAccepted: 1, TimeToAcceptMinutes: [42, 7.5] });
    expect(lines.find((l) => l.serviceArea === 'rapid-response')).toMatchObject({ ReferralsSubmitted: 1 });
    expect(JSON.stringify(lines)).not.toMatch(/referralId|[0-9A-HJKMNP-TV-Z]{26}/);
  });

  it('writes nothing when disabled', () => {
    // Prepare
    const sink = new PowertoolsEmfSink({ stage: 'local', enabled: false });

    // Act / Assess
    expect(
      stdoutLines(() =>
        sink.publish([{ serviceArea: 'rapid-response', metrics: [{ name: 'ReferralsSubmitted', unit: 'Count', value: 1 }] }]),
      ),
    ).toEqual([]);
  });
});
