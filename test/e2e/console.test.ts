/**
 * The console in a real browser (Debian's Chromium through playwright-core) against the
 * local runtime, one origin: `/` leads to the console; a programme manager signs in as a
 * demo user and sees a handoff alert appear, unread first, and acknowledges it; a
 * practitioner's worklist marks an overdue referral in words. Every page is checked with
 * axe-core (0 serious or critical WCAG 2.2 AA violations), at 320 px wide, and by keyboard;
 * the page's CSP allows nothing inline and no token ever reaches a URL. Screenshots and axe
 * reports go to `test-output/console/`.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CONSOLE_CSP } from '#infra/console/console-site.ts';
import { handoffApi, validNhsNumber, type HandoffApi } from '#test/support/handoff-api.ts';
import {
  launchBrowser,
  openTab,
  overflowsSideways,
  screenshot,
  seriousViolations,
  signInAs as signInThere,
} from '#test/support/browser.ts';
import { demoCaller } from '#test/support/demo-callers.ts';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';

let runtime: RuntimeProcess;
let api: HandoffApi;
let browser: Browser;

const PM = demoCaller('pm.jo');
const ALEX = demoCaller('sw.alex');
const SAM = demoCaller('nurse.sam');
const PERSON = { nhsNumber: validNhsNumber(), name: 'Philippa Quartermaine-Holt' };

beforeAll(async () => {
  [runtime, browser] = await Promise.all([
    startRuntimeProcess({
      DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
      // Urgent referrals breach their target after 3 s, so the worklist has an overdue one.
      JOINTLY_PRIORITY_TARGET_MINUTES: JSON.stringify({ urgent: 0.05 }),
      JOINTLY_SLA_SWEEP_SECONDS: '1',
    }),
    launchBrowser(),
  ]);
  api = handoffApi(runtime.url);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

const openContext = (width?: number) => openTab(browser, width);
const signInAs = (page: Page, sub: string) => signInThere(page, `${runtime.url}/`, sub);

describe('the console, in Chromium', () => {
  it('/ leads to the sign-in page, served with a CSP that allows nothing inline, accessible, at 320 px too', async () => {
    // Prepare
    const { context, page, errors } = await openContext();

    // Act
    const response = await page.goto(`${runtime.url}/`);
    await page.getByRole('heading', { name: 'Sign in to Jointly' }).waitFor();
    const violations = await seriousViolations(page, 'sign-in');
    await screenshot(page, 'sign-in');
    await page.setViewportSize({ width: 320, height: 800 });
    const narrow = await seriousViolations(page, 'sign-in-320');
    const overflow = await overflowsSideways(page);
    await screenshot(page, 'sign-in-320');

    // Assess
    expect(page.url()).toBe(`${runtime.url}/console/`);
    expect(response?.headers()['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
    expect(await page.title()).toBe('Sign in – Jointly');
    expect(violations).toEqual([]);
    expect(narrow).toEqual([]);
    expect(overflow).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a programme manager signs in by keyboard alone, sees a handoff alert appear unread, and acknowledges it', async () => {
    // Prepare
    await api.post(PM, '/subscriptions', { eventTypes: ['handoff.*'], channel: { type: 'inbox' } });
    const { context, page, urls, errors } = await openContext();
    await page.goto(`${runtime.url}/`);
    await page.getByLabel('Sign in as').waitFor();

    // Act: by keyboard, from the top of the page.
    await page.keyboard.press('Tab'); // skip link
    await page.keyboard.press('Tab'); // service name
    await page.keyboard.press('Tab'); // who to sign in as
    const focused = await page.evaluate<string | undefined>('document.activeElement?.id');
    await page.getByLabel('Sign in as').selectOption(PM.sub);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    const referral = await api.post(SAM, '/referrals', {
      toOrg: 'ecc',
      serviceArea: 'crisis-prevention',
      priority: 'soon',
      subject: PERSON,
      reason: 'Console test.',
    });
    await api.post(ALEX, `/referrals/${referral.body.id}/accept`, {});
    await api.post(ALEX, `/referrals/${referral.body.id}/handoffs`, { toOrg: 'provide', reason: 'Nursing to lead.' });
    // The page refreshes itself (its first poll 15 s after it loaded): the alert appears without a reload.
    const unread = page.getByText(/Unread: Handoff offered by ecc to provide/);
    await unread.waitFor({ timeout: 25_000 });
    const alertsViolations = await seriousViolations(page, 'alerts');
    await screenshot(page, 'alerts-unread');
    await page
      .getByRole('button', { name: /^Mark as read/ })
      .first()
      .click();
    await page.getByText('Alert marked as read.').waitFor();
    await screenshot(page, 'alerts-read');

    // Assess
    expect(focused).toBe('user');
    expect(await page.getByText(/Read: Handoff offered by ecc to provide/).count()).toBe(1);
    expect(alertsViolations).toEqual([]);
    expect(await page.title()).toBe('Alerts – Jointly');
    const acked = await api.get(PM, '/alerts?unread=true');
    expect(acked.body.items).toEqual([]);
    // No token and no personal data in any URL the page asked for.
    expect(urls.filter((u) => /token|eyJ|Quartermaine|\d{10}/.test(u.replace(runtime.url, '')) && !u.endsWith('/_local/token'))).toEqual(
      [],
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a practitioner’s worklist marks an overdue referral in words, sorted by due time, accessible at 320 px', async () => {
    // Prepare
    const urgent = await api.post(SAM, '/referrals', {
      toOrg: 'ecc',
      serviceArea: 'rapid-response',
      priority: 'urgent',
      subject: { nhsNumber: validNhsNumber(), name: 'Bartholomew Ingleby-Crewe' },
      reason: 'Console worklist test.',
    });
    const { context, page, errors } = await openContext(320);
    await new Promise((r) => setTimeout(r, 3_500));

    // Act
    await signInAs(page, ALEX.sub);
    await page.getByRole('link', { name: 'Worklists' }).click();
    await page.getByRole('table').waitFor();
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: 'provide to ecc' }) })
      .filter({ hasText: 'urgent' });
    const violations = await seriousViolations(page, 'worklists-320');
    await screenshot(page, 'worklists-320');
    const overdueRows = await row.first().getByText('Overdue').count();
    // Filtered to another service area, the rapid-response referral leaves the list.
    await page.getByLabel('Service area').selectOption('joint-referral');
    await page.getByRole('table').or(page.getByText('Nothing here.')).waitFor();
    await page.waitForFunction(`![...document.querySelectorAll('td')].some((td) => td.textContent === 'rapid-response')`);
    const filteredRows = await page.getByRole('row').filter({ hasText: 'rapid-response' }).count();

    // Assess
    expect(urgent.status).toBe(201);
    expect(overdueRows).toBe(1);
    expect(filteredRows).toBe(0);
    expect(violations).toEqual([]);
    expect(await page.title()).toBe('Worklists – Jointly');
    expect(await page.content()).not.toContain('Ingleby-Crewe');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a practitioner triages a referral: opens it from the worklist, accepts it with If-Match, and sees it accepted in the history', async () => {
    // Prepare
    const created = await api.post(SAM, '/referrals', {
      toOrg: 'ecc',
      serviceArea: 'joint-referral',
      priority: 'routine',
      subject: { nhsNumber: validNhsNumber(), name: 'Cornelius Ashdown-Pryke' },
      reason: 'Console triage test.',
    });
    const { context, page, urls, errors } = await openContext();
    await signInAs(page, ALEX.sub);

    // Act
    await page.getByRole('link', { name: 'Worklists' }).click();
    await page.locator(`a[href="/console/referrals/${created.body.id}"]`).click();
    await page.getByRole('heading', { name: 'Referral from provide to ecc' }).waitFor();
    const violations = await seriousViolations(page, 'referral');
    await screenshot(page, 'referral-submitted');
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByRole('form', { name: 'Accept' }).getByRole('button', { name: 'Accept' }).click();
    await page.getByText('Accept: done.').waitFor();
    await page.getByText(/referral\.accepted by ecc/).waitFor();
    await screenshot(page, 'referral-accepted');
    const after = await api.get(ALEX, `/referrals/${created.body.id}`);

    // Assess
    expect(violations).toEqual([]);
    expect(after.body.status).toBe('accepted');
    expect(await page.title()).toBe('Referral – Jointly');
    expect(urls.filter((u) => u.includes('Ashdown') || /\d{10}/.test(u.replace(runtime.url, '')))).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a change made by someone else meanwhile is explained (412 on If-Match) and the page reloads', async () => {
    // Prepare
    const created = await api.post(SAM, '/referrals', {
      toOrg: 'ecc',
      serviceArea: 'joint-referral',
      priority: 'soon',
      subject: { nhsNumber: validNhsNumber(), name: 'Dorothea Fenwick-Ayres' },
      reason: 'Console conflict test.',
    });
    const { context, page, errors } = await openContext();
    await signInAs(page, ALEX.sub);
    await page.goto(`${runtime.url}/console/referrals/${created.body.id}`);
    // A reload of the document signs out (the token is in memory only): sign in again on the same address.
    await page.getByLabel('Sign in as').selectOption(ALEX.sub);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Referral from provide to ecc' }).waitFor();

    // Act: a colleague asks for information first, then this page tries to accept.
    await api.post(ALEX, `/referrals/${created.body.id}/request-info`, { comment: 'Is there a carer?' });
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByRole('form', { name: 'Accept' }).getByRole('button', { name: 'Accept' }).click();
    await page.getByText(/Someone else changed this referral/).waitFor();
    await page.getByText(/Status\s*info requested/).waitFor();
    await screenshot(page, 'referral-conflict');

    // Assess
    const after = await api.get(ALEX, `/referrals/${created.body.id}`);
    expect(after.body.status).toBe('info_requested');
    expect(errors.filter((e) => !e.includes('412'))).toEqual([]);
    await context.close();
  });

  it('a non-party’s direct link to a referral shows “not found”', async () => {
    // Prepare
    const created = await api.post(SAM, '/referrals', {
      toOrg: 'ecc',
      serviceArea: 'rapid-response',
      priority: 'routine',
      subject: { nhsNumber: validNhsNumber(), name: 'Evangeline Thorncroft' },
      reason: 'Console non-party test.',
    });
    const { context, page } = await openContext();
    await page.goto(`${runtime.url}/console/referrals/${created.body.id}`);
    await page.getByLabel('Sign in as').selectOption(demoCaller('discharge.kim').sub);

    // Act
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Referral not found' }).waitFor();
    const violations = await seriousViolations(page, 'referral-not-found');
    await screenshot(page, 'referral-not-found');

    // Assess
    expect(violations).toEqual([]);
    expect(await page.content()).not.toContain('Thorncroft');
    await context.close();
  });
});
