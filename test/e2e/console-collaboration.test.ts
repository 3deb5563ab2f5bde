/**
 * Two organisations working one referral through the console, each in its own browser
 * context (separate storage, separate sign-in), against the local runtime: the receiver
 * asks for information and the sender answers; a handoff is offered by one organisation and
 * accepted by another; a practitioner finds a person's referrals by NHS number through a
 * form POST that never puts the number in an address, and reads who has read the referral.
 * Every page is checked with axe-core, and screenshots go to `test-output/console/`.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, openTab, overflowsSideways, screenshot, seriousViolations, signInAs } from '#test/support/browser.ts';
import { handoffApi, validNhsNumber, type HandoffApi } from '#test/support/handoff-api.ts';
import { demoCaller } from '#test/support/demo-callers.ts';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';

let runtime: RuntimeProcess;
let api: HandoffApi;
let browser: Browser;

const SAM = demoCaller('nurse.sam'); // Provide
const ALEX = demoCaller('sw.alex'); // ECC
const RIA = demoCaller('coordinator.ria'); // Age UK Essex

beforeAll(async () => {
  [runtime, browser] = await Promise.all([startRuntimeProcess({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') }), launchBrowser()]);
  api = handoffApi(runtime.url);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

/** A referral from Provide to ECC about a person only its parties may name. */
const refer = async (reason: string, nhsNumber = validNhsNumber()) => {
  const created = await api.post(SAM, '/referrals', {
    toOrg: 'ecc',
    serviceArea: 'joint-referral',
    priority: 'soon',
    subject: { nhsNumber, name: 'Wilhelmina Ashcombe-Tree' },
    reason,
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
};

/** Opens the referral's page signed in as `sub` (a reload signs out: the token is in memory). */
const openReferral = async (sub: string, id: string, width?: number) => {
  const tab = await openTab(browser, width);
  await signInAs(tab.page, `${runtime.url}/console/referrals/${id}`, sub);
  await tab.page.getByRole('heading', { name: /^Referral from / }).waitFor();
  return tab;
};

describe('two organisations on one referral, in Chromium', () => {
  it('the receiver asks for information and the sender answers, each in their own browser', async () => {
    // Prepare
    const id = await refer('Console request-info test.');
    const receiver = await openReferral(ALEX.sub, id);
    const sender = await openReferral(SAM.sub, id);

    // Act: ECC asks.
    await receiver.page.getByRole('button', { name: 'Request info' }).click();
    await receiver.page.getByRole('form', { name: 'Request info' }).getByLabel('Comment').fill('Is there a carer at home?');
    await receiver.page.getByRole('form', { name: 'Request info' }).getByRole('button', { name: 'Request info' }).click();
    await receiver.page.getByText('Request info: done.').waitFor();
    // Provide sees the question on reloading its page, and answers.
    await sender.page.reload();
    await sender.page.getByLabel('Sign in as').selectOption(SAM.sub);
    await sender.page.getByRole('button', { name: 'Sign in' }).click();
    await sender.page.getByText(/Is there a carer at home\?/).waitFor();
    const senderViolations = await seriousViolations(sender.page, 'referral-info-requested');
    await screenshot(sender.page, 'referral-info-requested');
    await sender.page.getByRole('button', { name: 'Provide info' }).click();
    await sender.page.getByRole('form', { name: 'Provide info' }).getByLabel('Comment').fill('Her daughter visits every day.');
    await sender.page.getByRole('form', { name: 'Provide info' }).getByRole('button', { name: 'Provide info' }).click();
    await sender.page.getByText('Provide info: done.').waitFor();
    await screenshot(sender.page, 'referral-info-provided');

    // Assess
    const after = await api.get(ALEX, `/referrals/${id}`);
    expect(after.body.status).toBe('submitted');
    const history = await api.get(ALEX, `/referrals/${id}/history`);
    expect(history.body.items.map((e: { type: string }) => e.type)).toEqual([
      'referral.submitted',
      'referral.info_requested',
      'referral.info_provided',
    ]);
    expect(senderViolations).toEqual([]);
    expect([...receiver.errors, ...sender.errors]).toEqual([]);
    await receiver.context.close();
    await sender.context.close();
  });

  it('a handoff offered by ECC is accepted by Age UK Essex in another browser, and ECC sees it accepted', async () => {
    // Prepare: ECC has accepted the referral, so it is responsible and may hand it off.
    const id = await refer('Console handoff test.');
    expect((await api.post(ALEX, `/referrals/${id}/accept`, {})).status).toBe(200);
    const offering = await openReferral(ALEX.sub, id);

    // Act: ECC offers.
    await offering.page.getByRole('button', { name: 'Offer a handoff' }).click();
    const offer = offering.page.getByRole('form', { name: 'Offer a handoff' });
    await offer.getByLabel('Offer responsibility to').selectOption('ageuk-essex');
    await offer.getByLabel('Why').fill('Befriending and shopping support to lead from now.');
    await offer.getByRole('button', { name: 'Offer the handoff' }).click();
    await offering.page.getByText('Handoff offered.').waitFor();
    await offering.page.getByText(/ecc to ageuk-essex: offered/).waitFor();
    const offeredViolations = await seriousViolations(offering.page, 'handoff-offered');
    await screenshot(offering.page, 'handoff-offered');
    const withdrawOffered = await offering.page.getByRole('button', { name: 'Withdraw the handoff' }).count();

    // Age UK Essex, now a party, opens the same referral in its own browser and accepts, by keyboard.
    const receiving = await openReferral(RIA.sub, id, 320);
    await receiving.page.getByRole('button', { name: 'Accept the handoff' }).focus();
    await receiving.page.keyboard.press('Enter');
    const answer = receiving.page.getByRole('form', { name: 'Accept the handoff' });
    await answer.getByLabel('Comment (optional)').fill('We will call her tomorrow.');
    await answer.getByRole('button', { name: 'Accept the handoff' }).press('Enter');
    await receiving.page.getByText('Handoff: accept done.').waitFor();
    await receiving.page.getByText(/ecc to ageuk-essex: accepted/).waitFor();
    const receivingViolations = await seriousViolations(receiving.page, 'handoff-accepted-320');
    const overflow = await overflowsSideways(receiving.page);
    await screenshot(receiving.page, 'handoff-accepted-320');

    // ECC reloads its page and sees Age UK Essex responsible.
    await offering.page.reload();
    await offering.page.getByLabel('Sign in as').selectOption(ALEX.sub);
    await offering.page.getByRole('button', { name: 'Sign in' }).click();
    await offering.page.getByText(/ecc to ageuk-essex: accepted/).waitFor();

    // Assess
    const after = await api.get(ALEX, `/referrals/${id}`);
    expect(after.body.ownerOrg).toBe('ageuk-essex');
    expect(await offering.page.getByText(/^Responsible\s*ageuk-essex$/).count()).toBe(1);
    expect(withdrawOffered).toBe(1);
    expect(offeredViolations).toEqual([]);
    expect(receivingViolations).toEqual([]);
    expect(overflow).toBe(false);
    expect([...offering.errors, ...receiving.errors]).toEqual([]);
    await offering.context.close();
    await receiving.context.close();
  });

  it('a practitioner finds a person’s referrals by NHS number with a form POST, and reads who has read the referral', async () => {
    // Prepare
    const nhsNumber = validNhsNumber();
    const id = await refer('Console search test.', nhsNumber);
    const { context, page, urls, errors } = await openTab(browser, 320);
    await signInAs(page, `${runtime.url}/`, ALEX.sub);
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();

    // Act
    await page.getByRole('link', { name: 'Find a referral' }).click();
    await page.getByLabel('NHS number').fill(nhsNumber);
    const [search] = await Promise.all([
      page.waitForRequest((request) => request.url().includes('/referrals/search')),
      page.getByRole('button', { name: 'Search' }).click(),
    ]);
    await page.getByRole('heading', { name: '1 referral found' }).waitFor();
    const searchViolations = await seriousViolations(page, 'search-320');
    const overflow = await overflowsSideways(page);
    await screenshot(page, 'search-320');
    await page.getByRole('link', { name: /provide to ecc/ }).click();
    await page.getByRole('heading', { name: 'Who has read this referral' }).waitFor();
    const accessRows = page.getByRole('row').filter({ hasText: `${ALEX.sub} (ecc, practitioner)` });
    await accessRows.first().waitFor();
    const referralViolations = await seriousViolations(page, 'referral-access-log-320');
    await screenshot(page, 'referral-access-log-320');

    // Assess: the number went in the body of a POST, and in no address the browser kept.
    expect(search.method()).toBe('POST');
    expect(search.postDataJSON()).toEqual({ nhsNumber });
    expect(urls.filter((u) => u.includes(nhsNumber))).toEqual([]);
    expect(page.url()).toBe(`${runtime.url}/console/referrals/${id}`);
    expect(await page.title()).toBe('Referral – Jointly');
    expect(await accessRows.count()).toBeGreaterThan(0);
    expect(await page.getByLabel('NHS number').count()).toBe(0);
    expect(searchViolations).toEqual([]);
    expect(referralViolations).toEqual([]);
    expect(overflow).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });
});
