/**
 * The API reference (`/docs/`) in a real browser (Debian's Chromium through playwright-core)
 * against the local runtime, one origin: Scalar renders the published `/openapi.json`, every
 * operation in its navigation, under the console's CSP (nothing inline) with no violation and
 * no request to another origin, from hashed, immutable files; "try it" sends a pasted bearer
 * token to this origin and shows the API's 200; the navigation is reachable by keyboard; axe
 * finds no serious or critical WCAG 2.2 AA violation but the two known ones inside Scalar's
 * try-it client (see {@link KNOWN_CLIENT_VIOLATIONS}). Screenshots, axe reports and the
 * reference's compressed size go to `test-output/console/`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CONSOLE_CACHE, CONSOLE_CSP } from '#infra/console/console-site.ts';
import { launchBrowser, openTab, OUTPUT_DIR, screenshot, seriousViolations, type AxeViolation } from '#test/support/browser.ts';
import { startRuntimeProcess, tokenFor, type RuntimeProcess } from '#test/support/local-runtime-process.ts';

let runtime: RuntimeProcess;
let browser: Browser;

beforeAll(async () => {
  [runtime, browser] = await Promise.all([startRuntimeProcess({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') }), launchBrowser()]);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

/** One operation of the OpenAPI document, as Scalar's navigation links to it. */
interface Operation {
  readonly summary: string;
  readonly href: string;
}

/** Every operation of the published document: `#tag/<tag>/<METHOD><path>`, Scalar's address for it. */
const publishedOperations = async (): Promise<{ title: string; operations: Operation[] }> => {
  type PathItem = Record<string, { summary: string; tags: string[] }>;
  const doc = (await (await fetch(`${runtime.url}/openapi.json`)).json()) as { info: { title: string }; paths: Record<string, PathItem> };
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ summary: op.summary, href: `#tag/${op.tags[0]}/${method.toUpperCase()}${path}` })),
  );
  return { title: doc.info.title, operations };
};

const openContext = (width = 1280) => openTab(browser, width);

/**
 * What axe finds inside Scalar's try-it client (1.76.0) that no setting of Scalar's and no
 * same-origin CSS can change, each an element Scalar writes without the ARIA it needs:
 * - `aria-required-attr`: the key and value cells of its cookie, header and query tables are
 *   `contenteditable` elements with `role="combobox"` but no `aria-expanded` or `aria-controls`;
 * - `aria-prohibited-attr`: its "More Information" button has `role="none"` and an `aria-label`;
 * - `aria-input-field-name`: the response body viewer (CodeMirror's `.cm-content`,
 *   `role="textbox"`) has no name;
 * - `aria-valid-attr-value`: the response body's "Copy code" button's `aria-controls` names an
 *   element that is not in the page.
 */
const KNOWN_CLIENT_VIOLATIONS: readonly { readonly id: string; readonly target: RegExp }[] = [
  { id: 'aria-required-attr', target: /\.code-input-lite__editor/ },
  { id: 'aria-prohibited-attr', target: /^#headlessui-popover-button-scalar-client-/ },
  { id: 'aria-input-field-name', target: /^\.cm-content$/ },
  { id: 'aria-valid-attr-value', target: /^button\[aria-controls="scalar-client-/ },
];

const isKnown = (violation: AxeViolation): boolean =>
  KNOWN_CLIENT_VIOLATIONS.some(
    (known) => known.id === violation.id && violation.nodes.every((node) => node.target.some((target) => known.target.test(target))),
  );

/** Opens the reference and waits for Scalar to have rendered the document's title. */
const openReference = async (page: Page, title: string) => {
  const response = await page.goto(`${runtime.url}/docs`);
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  return response;
};

/** Opens every group of Scalar's navigation (each click renames its button "Close Group - …"). */
const openAllGroups = async (page: Page): Promise<void> => {
  const closed = page.locator('aside').getByRole('button', { name: /^Open Group - / });
  while ((await closed.count()) > 0) await closed.first().click();
};

// Every context parses Scalar's 5 MB script afresh (contexts share no cache): a minute each, not half.
describe('the API reference, in Chromium', { timeout: 60_000 }, () => {
  it('/docs renders the published contract, every operation in its navigation, under the console CSP: no violation, nothing from another origin, hashed immutable files', async () => {
    // Prepare
    const { title, operations } = await publishedOperations();
    const { context, page, urls, errors, cspViolations } = await openContext();

    // Act
    const response = await openReference(page, title);
    await openAllGroups(page);
    const linked = await page
      .locator('aside a[href^="#tag/"]')
      .evaluateAll((links) =>
        links
          .map((link) => ({ href: link.getAttribute('href') ?? '', text: link.textContent?.trim() ?? '' }))
          .filter(({ href }) => href.split('/').length > 2),
      );
    const violations = await seriousViolations(page, 'api-reference');
    await screenshot(page, 'api-reference');
    const inlineStyleElements = await page.locator('style').count();
    const assets = urls.filter((url) => new URL(url).pathname.startsWith('/docs/assets/'));
    const served = await Promise.all(assets.map(async (url) => ({ url, response: await fetch(url) })));
    const sizes = await Promise.all(
      served.map(async ({ url, response }) => {
        const body = Buffer.from(await response.arrayBuffer());
        return { file: new URL(url).pathname, bytes: body.length, gzipped: gzipSync(body).length };
      }),
    );
    writeFileSync(join(OUTPUT_DIR, 'api-reference-size.json'), JSON.stringify(sizes, null, 2));

    // Assess
    expect(response?.request().redirectedFrom()?.url()).toBe(`${runtime.url}/docs`);
    expect(response?.url()).toBe(`${runtime.url}/docs/`);
    expect(await page.title()).toBe('API reference – Jointly');
    expect(response?.headers()['content-security-policy']).toBe(CONSOLE_CSP);
    expect(response?.headers()['cache-control']).toBe(CONSOLE_CACHE.page);
    expect(linked.map((link) => link.href).sort()).toEqual(operations.map((operation) => operation.href).sort());
    for (const operation of operations) {
      expect(linked.find((link) => link.href === operation.href)?.text.startsWith(operation.summary)).toBe(true);
    }
    expect(await page.getByRole('link', { name: /^Refer a person from the caller’s organisation to another/ }).isVisible()).toBe(true);
    expect(urls.every((url) => new URL(url).origin === runtime.url)).toBe(true);
    expect(assets.map((url) => new URL(url).pathname).sort()).toEqual([
      expect.stringMatching(/^\/docs\/assets\/reference-[A-Z0-9]{8}\.css$/),
      expect.stringMatching(/^\/docs\/assets\/reference-[A-Z0-9]{8}\.js$/),
    ]);
    for (const { response: asset } of served) {
      expect(asset.headers.get('cache-control')).toBe(CONSOLE_CACHE.asset);
      expect(asset.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    }
    expect(inlineStyleElements).toBe(0);
    expect(await cspViolations()).toEqual([]);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await context.close();
  });

  it('at 320 px wide: nothing overflows sideways, accessible', async () => {
    // Prepare
    const { title } = await publishedOperations();
    const { context, page, errors, cspViolations } = await openContext(320);

    // Act
    await openReference(page, title);
    const violations = await seriousViolations(page, 'api-reference-320');
    const overflow = await page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth');
    await screenshot(page, 'api-reference-320');

    // Assess
    expect(violations).toEqual([]);
    expect(overflow).toBe(false);
    expect(await cspViolations()).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('try it: a pasted bearer token goes to this origin with the request, and the API’s 200 is shown; the token is kept in memory only', async () => {
    // Prepare
    const { title } = await publishedOperations();
    const token = await tokenFor(runtime.url, { sub: 'sw.alex', org: 'ecc', roles: ['practitioner'] });
    const { context, page, urls, errors, cspViolations } = await openContext();
    await openReference(page, title);
    await page.locator('aside').getByRole('button', { name: 'Open Group - reference' }).click();
    await page.locator('aside a[href="#tag/reference/GET/reference"]').click();
    await page.getByRole('button', { name: 'Test Request (get /reference)' }).click();
    const client = page.getByRole('dialog');

    // Act
    await client.getByPlaceholder('Token').fill(token);
    const sent = page.waitForRequest((request) => request.url() === `${runtime.url}/reference`);
    await client.getByRole('button', { name: /^Send get request/ }).click();
    const request = await sent;
    await client.getByText('200 OK').waitFor();
    const answered = await request.response();
    const violations = await seriousViolations(page, 'api-reference-try-it');
    // The client is a dialog over the page: what the viewport shows, not the page below it.
    await page.screenshot({ path: join(OUTPUT_DIR, 'api-reference-try-it.png') });
    const stored = await page.evaluate<string>('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })');

    // Assess
    expect(await client.getByRole('button', { name: `Server: ${runtime.url}` }).count()).toBe(1);
    expect(request.headers().authorization).toBe(`Bearer ${token}`);
    expect(answered?.status()).toBe(200);
    expect(urls.every((url) => new URL(url).origin === runtime.url)).toBe(true);
    expect(stored).not.toContain(token);
    expect(violations.filter((violation) => !isKnown(violation))).toEqual([]);
    expect(await cspViolations()).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('by keyboard: the skip link, the way back to the console, search, then every group of the navigation', async () => {
    // Prepare
    const { title } = await publishedOperations();
    const { context, page } = await openContext();
    await openReference(page, title);
    const focused = () =>
      page.evaluate<string>('document.activeElement?.getAttribute("href") ?? document.activeElement?.textContent?.trim() ?? ""');

    // Act: from the top of the page, Tab until the referrals group's link.
    const order: string[] = [];
    for (let presses = 0; presses < 20 && !order.includes('#tag/referrals'); presses++) {
      await page.keyboard.press('Tab');
      order.push(await focused());
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'referrals', level: 2 }).waitFor();

    // Assess
    expect(order.slice(0, 3)).toEqual(['#reference', '/console/', expect.stringMatching(/^Open Search/)]);
    expect(order).toContain('#description/introduction');
    expect(order).toContain('#tag/referrals');
    expect(new URL(page.url()).hash).toBe('#tag/referrals');
    await context.close();
  });
});
