/**
 * The programme dashboard in a real browser (Debian's Chromium through playwright-core)
 * against the local runtime: after a morning of referrals and a handoff, the programme
 * manager's dashboard draws its charts from `GET /metrics/summary`, each chart's table shows
 * the numbers the API answers for the same query, and the CSV it downloads is the API's own,
 * byte for byte. Accessible (axe-core, WCAG 2.2 AA: 0 serious or critical) at 1024 and 320
 * px, usable by keyboard, with no console error (a CSP violation is one) and no token or
 * personal data in a URL. A practitioner is told the page is for programme managers.
 * Screenshots and axe reports go to `test-output/console/`.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handoffApi, type HandoffApi, type Reply } from '#test/support/handoff-api.ts';
import { launchBrowser, openTab, screenshot, seriousViolations } from '#test/support/browser.ts';
import { demoCaller } from '#test/support/demo-callers.ts';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import { pollUntil, sleep } from '#test/support/webhook-receiver.ts';

let runtime: RuntimeProcess;
let api: HandoffApi;
let browser: Browser;

const PM = demoCaller('pm.jo');
const ALEX = demoCaller('sw.alex');
const SAM = demoCaller('nurse.sam');
const KIM = demoCaller('discharge.kim');

/** Urgent referrals are due 3 s after submission here, and the sweep looks every second. */
const URGENT_TARGET_MINUTES = 0.05;

beforeAll(async () => {
  [runtime, browser] = await Promise.all([
    startRuntimeProcess({
      DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
      JOINTLY_PRIORITY_TARGET_MINUTES: JSON.stringify({ urgent: URGENT_TARGET_MINUTES }),
      JOINTLY_SLA_SWEEP_SECONDS: '1',
    }),
    launchBrowser(),
  ]);
  api = handoffApi(runtime.url);
  await seedMorning();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

const must = (reply: Reply, status: number): Reply => {
  expect(reply.status, reply.text).toBe(status);
  return reply;
};

/** What the tests read of a group's figures in `GET /metrics/summary` (DESIGN §4). */
interface Figures {
  readonly referrals: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly accepted: number;
  readonly acceptedWithinTarget: number;
  readonly acceptedWithinTargetRate: number | null;
  readonly timeToAccept: { readonly count: number; readonly medianMinutes: number | null; readonly p90Minutes: number | null };
  readonly declinedByReason: Readonly<Record<string, number>>;
  readonly overdue: number;
  readonly handoffs: Readonly<Record<'offered' | 'accepted' | 'declined' | 'withdrawn' | 'open' | 'overdue', number>> & {
    readonly declinedByReason: Readonly<Record<string, number>>;
  };
}
interface Answer {
  readonly from: string;
  readonly to: string;
  readonly groups: readonly { readonly figures: Figures }[];
  readonly total: Figures;
}

/** The figures of the default period (the last 7 days), as the API answers the programme manager. */
const summary = async (query = ''): Promise<Answer> => must(await api.get(PM, `/metrics/summary${query}`), 200).body;

/**
 * A morning across Provide, ECC and MEHT: accepted in time and late, one left unanswered
 * (overdue), one declined for no capacity, and a handoff offered and accepted. Waits until
 * the metrics (kept by an asynchronous consumer) show all of it, so the figures are settled
 * before a page reads them.
 */
const seedMorning = async (): Promise<void> => {
  // Soon (due in a day): within target however busy the machine is.
  const quick = await api.refer(SAM, 'ecc', { serviceArea: 'crisis-prevention', priority: 'soon' });
  must(await api.post(ALEX, `/referrals/${quick.id}/accept`, {}), 200);
  const late = await api.refer(SAM, 'ecc', { serviceArea: 'crisis-prevention', priority: 'urgent' });
  await api.refer(SAM, 'ecc', { serviceArea: 'rapid-response', priority: 'urgent' });
  const full = await api.refer(KIM, 'ecc', { serviceArea: 'joint-referral', priority: 'routine' });
  must(await api.post(ALEX, `/referrals/${full.id}/decline`, { reasonCode: 'no-capacity', comment: 'No capacity this week.' }), 200);
  const discharge = await api.acceptedReferral(KIM, SAM, { serviceArea: 'rapid-response', priority: 'soon' });
  const offer = await api.offer(SAM, discharge.id, 'ecc');
  must(await api.post(ALEX, `/handoffs/${offer.id}/accept`, {}), 200);
  // Both urgent ones unanswered past their target: marked overdue by the sweep; then the late one is accepted.
  const marked = await pollUntil(
    () => summary(),
    (s) => s.total.overdue === 2,
    { timeoutMs: 20_000, intervalMs: 200 },
  );
  expect(marked.total.overdue).toBe(2);
  must(await api.post(ALEX, `/referrals/${late.id}/accept`, {}), 200);
  const settled = await pollUntil(
    () => summary(),
    (s) => s.total.accepted === 3 && s.total.byStatus.declined === 1 && s.total.handoffs.accepted === 1,
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  expect(settled.total).toMatchObject({
    referrals: 5,
    accepted: 3,
    acceptedWithinTarget: 2,
    overdue: 2,
    handoffs: { offered: 1, accepted: 1 },
  });
};

const openContext = (width?: number) => openTab(browser, width);

const signInAs = async (page: Page, sub: string): Promise<void> => {
  await page.goto(`${runtime.url}/`);
  await page.getByLabel('Sign in as').selectOption(sub);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Alerts' }).waitFor();
};

/*
 * The page-side functions below are strings: they run in the browser, and the tests are
 * type-checked without the DOM's types (as in console.test.ts).
 */

/**
 * Waits until every chart's canvas has been drawn on (Chart.js loads and draws asynchronously).
 * Polled from here: `waitForFunction` with a string evaluates it in the page, which the CSP forbids.
 */
const chartsDrawn = async (page: Page, count: number): Promise<void> => {
  const drawn = `(() => {
    const canvases = [...document.querySelectorAll('canvas')];
    // Sized is not drawn: on a busy machine a canvas can have its size a frame before its paint.
    const painted = (c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0);
    return canvases.length === ${count} && canvases.every((c) => c.width > 0 && c.height > 0 && painted(c));
  })()`;
  const deadline = Date.now() + 10_000;
  while (!(await page.evaluate<boolean>(drawn))) {
    if (Date.now() > deadline) throw new Error(`${count} charts were not drawn within 10 s`);
    await sleep(50);
  }
};

/** How many pixels of each chart's canvas are painted (not transparent). */
const paintedPixels = (page: Page): Promise<{ id: string; label: string; painted: number }[]> =>
  page.evaluate(`[...document.querySelectorAll('canvas')].map((canvas) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return { id: canvas.id, label: canvas.getAttribute('aria-label') ?? '', painted };
  })`);

/** Every table on the page: its caption and its rows' cells (the row header first). */
const tables = (page: Page): Promise<{ caption: string; rows: string[][] }[]> =>
  page.evaluate(`[...document.querySelectorAll('table')].map((table) => ({
    caption: table.caption?.textContent?.trim() ?? '',
    rows: [...table.tBodies[0].rows].map((row) => [...row.cells].map((cell) => cell.textContent?.trim() ?? '')),
  }))`);

/** What has focus: its id, else what names it, else its text. */
const focused = (page: Page): Promise<string> =>
  page.evaluate(`(() => {
    const el = document.activeElement;
    return el?.id || el?.getAttribute('aria-labelledby') || el?.textContent?.trim() || el?.tagName || '';
  })()`);

/** A value as the tables write it: rates as percentages, "not defined" when there is none. */
const cell = (value: number | null, percent = false): string =>
  value === null ? '–not defined' : percent ? `${Number((value * 100).toFixed(1))}%` : String(value);

/** The numbers each grouped table should show, from an API answer: one row per group, then the total. */
const expectedGrouped = (answer: Answer) => {
  const rows = (read: (f: Figures) => string[]) => [...answer.groups.map((g) => read(g.figures)), read(answer.total)];
  return {
    status: rows((f) => [...Object.values<number>(f.byStatus).map((n) => cell(n)), cell(f.referrals)]),
    timeToAccept: rows((f) => [cell(f.timeToAccept.count), cell(f.timeToAccept.medianMinutes), cell(f.timeToAccept.p90Minutes)]),
    handoffs: rows((f) =>
      [
        f.handoffs.offered,
        f.handoffs.accepted,
        f.handoffs.declined,
        f.handoffs.withdrawn,
        f.handoffs.open,
        f.handoffs.overdue,
        f.overdue,
      ].map((n) => cell(n)),
    ),
    declines: [
      ...Object.keys(answer.total.declinedByReason).map((reason) => [
        cell(answer.total.declinedByReason[reason]!),
        cell(answer.total.handoffs.declinedByReason[reason]!),
      ]),
      [
        cell(Object.values<number>(answer.total.declinedByReason).reduce((a, b) => a + b, 0)),
        cell(Object.values<number>(answer.total.handoffs.declinedByReason).reduce((a, b) => a + b, 0)),
      ],
    ],
  };
};

/** The within-target-by-day table, from a by-day answer. */
const expectedDaily = (answer: Answer): string[][] =>
  [...answer.groups.map((g) => g.figures), answer.total].map((f) => [
    cell(f.accepted),
    cell(f.acceptedWithinTarget),
    cell(f.acceptedWithinTargetRate, true),
  ]);

/** The cells of a table without its row headers (the names of groups). */
const numbersOf = (table: { rows: string[][] } | undefined): string[][] => (table?.rows ?? []).map((row) => row.slice(1));

/** Downloads by clicking `button`; the file's name and content. */
const download = async (page: Page, button: string): Promise<{ name: string; text: string }> => {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
};

describe('the programme dashboard, in Chromium', () => {
  it('draws its charts from /metrics/summary, shows the same numbers in the tables, and downloads the API’s CSV; accessible at 1024 and 320 px', {
    timeout: 60_000,
  }, async () => {
    // Prepare
    const { context, page, urls, errors } = await openContext();
    await signInAs(page, PM.sub);
    const expected = await summary();
    const expectedByDay = await summary(`?from=${expected.from}&to=${expected.to}&groupBy=day`);
    const apiCsv = must(await api.get(PM, `/metrics/summary?from=${expected.from}&to=${expected.to}&groupBy=serviceArea&format=csv`), 200);

    // Act
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Programme dashboard', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Referrals by service area and status' }).waitFor();
    await chartsDrawn(page, 5);
    const drawn = await paintedPixels(page);
    const shown = await tables(page);
    const csv = await download(page, 'Download CSV by service area');
    await page.getByText(`Downloaded ${csv.name}.`).waitFor();
    const violations = await seriousViolations(page, 'dashboard');
    await screenshot(page, 'dashboard');
    await page.setViewportSize({ width: 320, height: 800 });
    await chartsDrawn(page, 5);
    const narrow = await seriousViolations(page, 'dashboard-320');
    const overflow = await page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth');
    await screenshot(page, 'dashboard-320');

    // Assess: the charts come from the API and are drawn, each named by a summary of its figures.
    expect(urls.some((u) => u.startsWith(`${runtime.url}/metrics/summary?`))).toBe(true);
    expect(drawn.map((c) => c.id)).toEqual([
      'referrals-by-status-chart',
      'time-to-accept-chart',
      'within-target-chart',
      'declines-chart',
      'handoffs-and-overdue-chart',
    ]);
    for (const chart of drawn) expect(chart.painted, chart.id).toBeGreaterThan(1_000);
    expect(drawn[0]!.label).toContain('5 in all');
    expect(drawn[3]!.label).toContain('No capacity: 1 referrals, 0 handoffs');
    // The tables beside the charts hold the API's numbers for the same period.
    const grouped = expectedGrouped(expected);
    expect(shown.map((t) => t.caption)).toEqual([
      'Referrals by service area and status',
      'Time to accept a referral, by service area',
      'Referrals accepted within target, by day submitted',
      'Declines by reason',
      'Handoffs and overdue counts, by service area',
    ]);
    expect(numbersOf(shown[0])).toEqual(grouped.status);
    expect(numbersOf(shown[1])).toEqual(grouped.timeToAccept);
    expect(numbersOf(shown[2])).toEqual(expectedDaily(expectedByDay));
    expect(numbersOf(shown[3])).toEqual(grouped.declines);
    expect(numbersOf(shown[4])).toEqual(grouped.handoffs);
    expect(shown[0]!.rows.map((row) => row[0])).toEqual([
      'Integrated rapid response',
      'Crisis prevention',
      'Joint processing of referrals',
      'Total',
    ]);
    expect(shown[2]!.rows.at(-1)).toEqual(['Total', '3', '2', '66.7%']);
    // The download is the API's CSV for the same query, under the API's file name.
    expect(csv.text).toBe(apiCsv.text);
    expect(csv.name).toBe(`jointly-metrics_${expected.from}_${expected.to}_by-serviceArea.csv`);
    expect(apiCsv.headers.get('content-disposition')).toContain(csv.name);
    // Accessible, narrow too, no page-wide sideways scrolling, no CSP violation or other error, no token in a URL.
    expect(violations).toEqual([]);
    expect(narrow).toEqual([]);
    expect(overflow).toBe(false);
    expect(errors).toEqual([]);
    expect(await page.title()).toBe('Programme dashboard – Jointly');
    expect(urls.filter((u) => /token|eyJ|\d{10}/.test(u.replace(runtime.url, '')) && !u.endsWith('/_local/token'))).toEqual([]);
    await context.close();
  });

  it('by keyboard alone: the period and grouping are reached by Tab, Enter shows the figures, and the CSV downloads', {
    timeout: 60_000,
  }, async () => {
    // Prepare
    const { context, page, errors } = await openContext();
    await signInAs(page, PM.sub);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await chartsDrawn(page, 5);
    const today = (await summary()).to;
    const [year, month, day] = today.split('-');

    // Act: Tab on from the menu link just followed, noting what takes focus, to the last table.
    const reached: string[] = [];
    await page.keyboard.press('Tab'); // from the menu link just followed
    for (let i = 0; i < 40 && !reached.includes('handoffs-and-overdue-title handoffs-and-overdue-table'); i++) {
      reached.push(await focused(page));
      await page.keyboard.press('Tab');
    }
    // Today only, grouped by priority: typed into the fields the Tab order reached, and sent with Enter.
    await page.locator('#from-day').focus();
    for (const value of [day, month, year, day, month, year]) {
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type(String(Number(value)));
      await page.keyboard.press('Tab');
    }
    // Focus is on the grouping now: typing a choice's name picks it, as in any select.
    await page.keyboard.type('Priority');
    await page.keyboard.press('Tab'); // service area
    await page.keyboard.press('Tab'); // organisation
    await page.keyboard.press('Tab'); // Show figures
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Referrals by priority and status' }).waitFor();
    await chartsDrawn(page, 5);
    const shown = await tables(page);
    const expected = await summary(`?from=${today}&to=${today}&groupBy=priority`);
    const apiCsv = must(await api.get(PM, `/metrics/summary?from=${today}&to=${today}&groupBy=priority&format=csv`), 200);
    await page.getByRole('button', { name: 'Download CSV by priority' }).focus();
    const [file] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const csv = readFileSync((await file.path())!, 'utf8');
    await screenshot(page, 'dashboard-by-priority');

    // Assess
    const order = ['from-day', 'from-month', 'from-year', 'to-day', 'to-month', 'to-year', 'groupBy', 'serviceArea', 'org', 'Show figures'];
    expect(reached.filter((r) => order.includes(r))).toEqual(order);
    expect(reached).toContain('Download CSV by service area');
    expect(reached).toContain('referrals-by-status-title referrals-by-status-table');
    expect(shown[0]!.rows.map((row) => row[0])).toEqual(['Urgent', 'Soon', 'Routine', 'Total']);
    expect(numbersOf(shown[0])).toEqual(expectedGrouped(expected).status);
    expect(csv).toBe(apiCsv.text);
    expect(file.suggestedFilename()).toBe(`jointly-metrics_${today}_${today}_by-priority.csv`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a period that is not a real date is explained at its field, and the API is not asked', async () => {
    // Prepare
    const { context, page, urls, errors } = await openContext(320);
    await signInAs(page, PM.sub);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await chartsDrawn(page, 5);
    const asked = urls.filter((u) => u.includes('/metrics/summary')).length;

    // Act
    await page.getByLabel('Day').first().fill('31');
    await page.getByLabel('Month').first().fill('2');
    await page.getByRole('button', { name: 'Show figures' }).click();
    await page.getByRole('alert').waitFor();
    const violations = await seriousViolations(page, 'dashboard-bad-date-320');
    await screenshot(page, 'dashboard-bad-date-320');

    // Assess
    expect(await page.getByRole('alert').textContent()).toContain('Enter a real date for the start of the period');
    expect(await page.getByRole('group', { name: 'From' }).getByText('Error: Enter a real date').count()).toBe(1);
    expect(urls.filter((u) => u.includes('/metrics/summary')).length).toBe(asked);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a practitioner opening the dashboard’s address is told it is for programme managers, and the figures are not asked for', async () => {
    // Prepare
    const { context, page, urls, errors } = await openContext(320);
    await page.goto(`${runtime.url}/console/dashboard`);
    await page.getByLabel('Sign in as').selectOption(ALEX.sub);

    // Act
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This page is for programme managers.').waitFor();
    await sleep(300);
    const violations = await seriousViolations(page, 'dashboard-practitioner-320');
    await screenshot(page, 'dashboard-practitioner-320');

    // Assess
    expect(await page.getByRole('heading', { name: 'Programme dashboard', level: 1 }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Dashboard' }).count()).toBe(0);
    expect(urls.filter((u) => u.includes('/metrics/'))).toEqual([]);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
