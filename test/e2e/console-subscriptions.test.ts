/**
 * The console's subscriptions page in a real browser (Debian's Chromium through
 * playwright-core) against the local runtime: the programme manager subscribes their inbox by
 * keyboard; subscribes a webhook whose receiver fails, sees the dead letters under "Last
 * deliveries" and redrives them once the receiver answers 200; renews one and deletes one
 * through an "are you sure" step; and a webhook URL the API refuses is shown in the design
 * system's error summary, linked to its input. Every page is checked with axe-core (0 serious
 * or critical WCAG 2.2 AA violations), at 1024 and 320 px, with no sideways scrolling, no
 * console errors, and no token or secret in any URL. Screenshots go to `test-output/console/`.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_USERS } from '#infra/local/demo-users.ts';
import {
  launchBrowser,
  openTab,
  overflowsSideways,
  screenshot,
  seriousViolations,
  signInAs as signInThere,
} from '#test/support/browser.ts';
import { handoffApi, validNhsNumber, type HandoffApi, type Reply } from '#test/support/handoff-api.ts';
import { demoCaller } from '#test/support/demo-callers.ts';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import { headerOf, pollUntil, startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver.ts';

let runtime: RuntimeProcess;
let api: HandoffApi;
let browser: Browser;
let receiver: WebhookReceiver;
/** What the webhook receiver answers: 500 until a test mends it. */
let receiverStatus = 500;

const PM = demoCaller('pm.jo');
const SAM = demoCaller('nurse.sam');
const SECRET = 'console-test-signing-secret';
const PM_EMAIL = DEMO_USERS.find((u) => u.sub === 'pm.jo')!.email;

beforeAll(async () => {
  receiver = await startWebhookReceiver(() => receiverStatus);
  [runtime, browser] = await Promise.all([
    startRuntimeProcess({
      DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
      // Retries 1 s apart (the backoff rounds up to SQS's whole seconds): dead-lettered in seconds.
      JOINTLY_DELIVERY_BACKOFF_BASE_MS: '50',
    }),
    launchBrowser(),
  ]);
  api = handoffApi(runtime.url);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  await receiver?.close();
});

const openContext = (width?: number) => openTab(browser, width);

/** Signs in as `sub` and opens the subscriptions page from the menu. */
const openSubscriptions = async (page: Page, sub: string): Promise<void> => {
  await signInThere(page, `${runtime.url}/`, sub);
  await page.getByRole('link', { name: 'Subscriptions' }).click();
  await page.getByRole('heading', { name: 'Add a subscription' }).waitFor();
};

/** The URLs the page asked for that carry a token, a secret or an NHS-number-like run of digits. */
const leakyUrls = (urls: readonly string[]): string[] =>
  urls.filter((u) => !u.endsWith('/_local/token') && /token|eyJ|secret|\d{10}/i.test(u.replace(runtime.url, '')));

/** A subscription as `GET /subscriptions` lists it: the fields these tests read. */
interface SubscriptionView {
  readonly id: string;
  readonly eventTypes: string[];
  readonly channel: { readonly type: string; readonly url?: string };
  readonly filters: Record<string, unknown>;
  readonly expiresAt: string;
  readonly quietHours?: Record<string, unknown>;
  readonly delivery: Record<string, unknown>;
}

const ownSubscriptions = async (): Promise<SubscriptionView[]> => (await api.get(PM, '/subscriptions?limit=100')).body.items;

/** The id of the element that has focus. */
const focusedId = (page: Page): Promise<string | undefined> => page.evaluate<string | undefined>('document.activeElement?.id');

describe('the subscriptions page, in Chromium', () => {
  it('a programme manager subscribes their inbox by keyboard and sees it listed, accessible at 1024 and 320 px', async () => {
    // Prepare
    const { context, page, urls, errors } = await openContext();
    await openSubscriptions(page, PM.sub);

    // Act: from the handoff box to the Subscribe button by keyboard alone.
    await page.getByLabel('Handoff events (handoff.*)').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab'); // case notes
    await page.keyboard.press('Tab'); // other event types
    await page.keyboard.press('Tab'); // where to: the alerts inbox, chosen already
    await page.keyboard.press('Tab'); // Subscribe
    const onButton = await page.evaluate<string | undefined>('document.activeElement?.textContent?.trim()');
    await page.keyboard.press('Enter');
    await page.getByText('Subscription created: Alerts inbox, handoff.*.').waitFor();
    const card = page.getByRole('article', { name: 'Alerts inbox: handoff.*' });
    await card.waitFor();
    const bannerFocused = await page.evaluate<boolean>('document.activeElement?.classList.contains("nhsuk-notification-banner") ?? false');
    const wide = await seriousViolations(page, 'subscriptions');
    await screenshot(page, 'subscriptions');
    await page.setViewportSize({ width: 320, height: 800 });
    const narrow = await seriousViolations(page, 'subscriptions-320');
    const overflow = await overflowsSideways(page);
    await screenshot(page, 'subscriptions-320');

    // Assess
    expect(onButton).toBe('Subscribe');
    expect(bannerFocused).toBe(true);
    expect(await card.getByText('Active').count()).toBe(1);
    expect(await card.getByText('Every organisation').count()).toBe(1);
    const made = (await ownSubscriptions()).filter((s) => s.channel.type === 'inbox' && s.eventTypes.join() === 'handoff.*');
    expect(made).toHaveLength(1);
    expect(made[0]!.filters).toEqual({});
    expect(await page.title()).toBe('Subscriptions – Jointly');
    expect(wide).toEqual([]);
    expect(narrow).toEqual([]);
    expect(overflow).toBe(false);
    expect(leakyUrls(urls)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('a webhook whose receiver fails shows its dead letters under Last deliveries, and Redrive sends them once it answers 200', async () => {
    // Prepare
    const { context, page, urls, errors } = await openContext();
    await openSubscriptions(page, PM.sub);
    await page.getByLabel('Referral events (referral.*)').check();
    await page.getByLabel('A webhook: your system’s address').check();
    await page.getByLabel('Webhook URL').fill(receiver.url);
    await page.getByLabel('Signing secret').fill(SECRET);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByText('Subscription created: Webhook, referral.*.').waitFor();
    const card = page.getByRole('article', { name: 'Webhook: referral.*' });
    await card.getByText('Nothing has been sent yet.').waitFor();
    const webhook = (await ownSubscriptions()).find((s) => s.channel.type === 'webhook')!;
    const deliveries = (): Promise<Reply> => api.get(PM, `/subscriptions/${webhook.id}/deliveries`);

    // Act: an event the receiver refuses until its delivery is dead-lettered.
    const referral = await api.post(SAM, '/referrals', {
      toOrg: 'ecc',
      serviceArea: 'rapid-response',
      priority: 'soon',
      subject: { nhsNumber: validNhsNumber(), name: 'Araminta Bellweather-Strand' },
      reason: 'Console subscriptions test.',
    });
    const dead = await pollUntil(deliveries, (r) => r.body.items.some((d: { outcome: string }) => d.outcome === 'dead-lettered'), {
      timeoutMs: 40_000,
      intervalMs: 250,
    });
    await page.getByRole('button', { name: 'Refresh the list' }).click();
    await card.getByText('Dead-lettered (HTTP 500)').waitFor();
    const failedViolations = await seriousViolations(page, 'subscriptions-dead-lettered');
    await screenshot(page, 'subscriptions-dead-lettered');
    receiverStatus = 200;
    await card.getByRole('button', { name: /^Redrive dead letters/ }).click();
    await card.getByText('1 dead letter was queued again: the new attempts appear under Last deliveries.').waitFor();
    await card.getByText('Delivered (HTTP 200)').waitFor({ timeout: 30_000 });
    await screenshot(page, 'subscriptions-redriven');
    const after = await deliveries();
    await page.setViewportSize({ width: 320, height: 800 });
    const narrow = await seriousViolations(page, 'subscriptions-deliveries-320');
    const overflow = await overflowsSideways(page);
    await screenshot(page, 'subscriptions-deliveries-320');

    // Assess
    expect(referral.status).toBe(201);
    expect(webhook.channel).toEqual({ type: 'webhook', url: receiver.url, payload: 'jointly-event' });
    expect(await card.getByText(receiver.url).count()).toBe(1);
    expect(dead.body.items[0]).toMatchObject({ outcome: 'dead-lettered', httpStatus: 500 });
    expect(after.body.items[0]).toMatchObject({ outcome: 'delivered', httpStatus: 200, attempt: 1, eventId: dead.body.items[0].eventId });
    const last = receiver.requests.at(-1)!;
    expect(last.status).toBe(200);
    expect(headerOf(last, 'jointly-event-id')).toBe(dead.body.items[0].eventId);
    expect(failedViolations).toEqual([]);
    expect(narrow).toEqual([]);
    expect(overflow).toBe(false);
    expect(await page.content()).not.toContain(SECRET);
    expect(await page.content()).not.toContain('Bellweather');
    expect(leakyUrls(urls)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('renew moves the expiry later; delete asks “are you sure” first, and then the subscription is gone', async () => {
    // Prepare
    const made = await api.post(PM, '/subscriptions', { eventTypes: ['note.*'], channel: { type: 'inbox' } });
    const { context, page, errors } = await openContext();
    await openSubscriptions(page, PM.sub);
    const card = page.getByRole('article', { name: 'Alerts inbox: note.*' });

    // Act: renew.
    await card.getByRole('button', { name: /^Renew/ }).click();
    await card.getByText(/^Renewed: it now runs until /).waitFor();
    const renewed = (await ownSubscriptions()).find((s) => s.id === made.body.id)!;

    // Act: delete, by keyboard; say no first, then yes.
    await card.getByRole('button', { name: /^Delete/ }).click();
    const question = card.getByRole('heading', { name: /Are you sure you want to delete this subscription\?/ });
    await question.waitFor();
    const questionFocused = (await focusedId(page)) === `subscription-${made.body.id}-heading-confirm`;
    const confirmViolations = await seriousViolations(page, 'subscriptions-delete-confirm');
    await screenshot(page, 'subscriptions-delete-confirm');
    await card.getByRole('button', { name: 'No, keep it' }).click();
    const backOnDelete = await page.evaluate<string | undefined>('document.activeElement?.textContent?.trim()');
    await page.keyboard.press('Enter'); // Delete again, where focus went back to
    await question.waitFor();
    await page.keyboard.press('Tab'); // from the question to "Yes, delete it"
    await page.keyboard.press('Enter');
    await page.getByText('Subscription deleted: Alerts inbox, note.*.').waitFor();
    await screenshot(page, 'subscriptions-deleted');

    // Assess
    expect(made.status).toBe(201);
    expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.parse(made.body.expiresAt));
    expect(questionFocused).toBe(true);
    expect(backOnDelete).toMatch(/^Delete/);
    expect(confirmViolations).toEqual([]);
    expect(await card.count()).toBe(0);
    expect((await ownSubscriptions()).some((s) => s.id === made.body.id)).toBe(false);
    expect((await api.request(PM, 'DELETE', `/subscriptions/${made.body.id}`)).status).toBe(404);
    expect((await api.get(PM, `/subscriptions/${made.body.id}/deliveries`)).status).toBe(404);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('an email subscription with quiet hours and a daily digest is made as entered, after a bad time is linked to its input', async () => {
    // Prepare
    const { context, page, errors } = await openContext();
    await openSubscriptions(page, PM.sub);
    await page.getByLabel('Case notes added (note.*)').check();
    await page.getByLabel('An email address').check();
    await page.getByLabel('Email address', { exact: true }).fill(PM_EMAIL);
    await page.getByLabel('Hold deliveries during quiet hours').check();
    await page.getByLabel('From', { exact: true }).fill('25:00');
    await page.getByLabel('Until', { exact: true }).fill('07:00');
    await page.getByLabel('A daily digest').check();
    await page.getByLabel('Send it at').fill('08:00');

    // Act
    await page.getByRole('button', { name: 'Subscribe' }).click();
    const timeLink = page.locator('.nhsuk-error-summary').getByRole('link', { name: 'Quiet hours start must be a 24-hour time "HH:MM"' });
    await timeLink.waitFor();
    const timeHref = await timeLink.getAttribute('href');
    await timeLink.click();
    const afterClick = await focusedId(page);
    await page.getByLabel('From', { exact: true }).fill('20:00');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByText('Subscription created: Email, note.*.').waitFor();
    const card = page.getByRole('article', { name: 'Email: note.*' });
    await card.waitFor();
    const violations = await seriousViolations(page, 'subscriptions-email-digest');
    await screenshot(page, 'subscriptions-email-digest');

    // Assess
    expect(timeHref).toBe('#quiet-start');
    expect(afterClick).toBe('quiet-start');
    const made = (await ownSubscriptions()).find((s) => s.channel.type === 'email')!;
    expect(made).toMatchObject({
      eventTypes: ['note.*'],
      channel: { type: 'email', address: PM_EMAIL },
      quietHours: { start: '20:00', end: '07:00', timeZone: 'Europe/London' },
      delivery: { mode: 'digest', schedule: 'daily 08:00', timeZone: 'Europe/London' },
    });
    expect(await card.getByText('20:00 to 07:00 (Europe/London)').count()).toBe(1);
    expect(await card.getByText('Digest, daily 08:00 (Europe/London)').count()).toBe(1);
    expect(await card.getByText('Nothing has been sent yet.').count()).toBe(1);
    expect(violations).toEqual([]);
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await context.close();
  }, 60_000);

  it('what the API refuses (a short secret, then a private webhook address) is in the error summary, each linked to its input', async () => {
    // Prepare
    const before = await ownSubscriptions();
    const { context, page, urls, errors } = await openContext();
    await openSubscriptions(page, PM.sub);
    await page.getByLabel('Referral events (referral.*)').check();
    await page.getByLabel('A webhook: your system’s address').check();
    await page.getByLabel('Webhook URL').fill('https://192.168.1.10/hook');
    const summary = page.locator('.nhsuk-error-summary');

    // Act: the schema's 400 first (the secret), then the domain's 422 (the address).
    await page.getByLabel('Signing secret').fill('too-short');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    const secretLink = summary.getByRole('link', { name: 'Signing secret must be at least 16 characters' });
    await secretLink.waitFor();
    const summaryFocused = await page.evaluate<boolean>('document.activeElement?.classList.contains("nhsuk-error-summary") ?? false');
    const secretHref = await secretLink.getAttribute('href');
    const secretMessage = await page.locator('#webhook-secret-error').textContent();
    const secretDescribedBy = await page.locator('#webhook-secret').getAttribute('aria-describedby');
    await page.getByLabel('Signing secret').fill(SECRET);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    const urlLink = summary.getByRole('link', {
      name: 'Webhook URL must not point at a private, loopback, link-local or reserved address',
    });
    await urlLink.waitFor();
    const urlHref = await urlLink.getAttribute('href');
    const wide = await seriousViolations(page, 'subscriptions-error');
    await screenshot(page, 'subscriptions-error');
    await urlLink.click();
    const afterClick = await focusedId(page);
    await page.setViewportSize({ width: 320, height: 800 });
    const narrow = await seriousViolations(page, 'subscriptions-error-320');
    const overflow = await overflowsSideways(page);
    await screenshot(page, 'subscriptions-error-320');

    // Assess
    expect(summaryFocused).toBe(true);
    expect(secretHref).toBe('#webhook-secret');
    expect(secretMessage).toBe('Error: Signing secret must be at least 16 characters');
    expect(secretDescribedBy?.split(' ')).toContain('webhook-secret-error');
    expect(urlHref).toBe('#webhook-url');
    expect(await summary.getByRole('listitem').count()).toBe(1);
    expect(await page.locator('#webhook-url-error').textContent()).toBe(
      'Error: Webhook URL must not point at a private, loopback, link-local or reserved address',
    );
    expect(await page.locator('#webhook-url').getAttribute('class')).toContain('nhsuk-input--error');
    expect(await page.locator('#webhook-secret-error').count()).toBe(0);
    expect(afterClick).toBe('webhook-url');
    expect(await ownSubscriptions()).toEqual(before);
    expect(wide).toEqual([]);
    expect(narrow).toEqual([]);
    expect(overflow).toBe(false);
    expect(leakyUrls(urls)).toEqual([]);
    // Chromium logs each refused request; nothing else may be logged.
    expect(errors.filter((e) => !/status of (400|422)/.test(e))).toEqual([]);
    await context.close();
  }, 60_000);
});
