/**
 * A real browser for the console's end-to-end tests: Debian's Chromium (`/usr/bin/chromium`,
 * installed by `.ci/run` beside Java), driven by playwright-core. Nothing is downloaded. The
 * flags stop Chromium calling out at start-up (there is no internet here to answer it).
 * Also: axe-core run in the page (through the DevTools protocol, which the page's CSP does
 * not govern) and screenshots under `test-output/console/`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where Debian puts Chromium. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a headless Chromium that makes no calls of its own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** Where the tests' screenshots and accessibility reports go (git-ignored). */
export const OUTPUT_DIR = resolve(import.meta.dirname, '../../test-output/console');

/** Starts the browser. */
export const launchBrowser = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One accessibility violation as axe reports it. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}

/** Runs axe-core on the page against WCAG 2.2 AA (and what comes before it); returns the violations. */
export const axeViolations = async (page: Page): Promise<AxeViolation[]> => {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: AxeViolation[] }> } })
      .axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
};

/** Saves a full-page screenshot as `<name>.png` under {@link OUTPUT_DIR}; returns its path. */
export const screenshot = async (page: Page, name: string): Promise<string> => {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const path = join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
};

/** A page in a fresh browser context (no shared storage), with what the tests check recorded. */
export interface ConsoleTab {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every URL the page requested. */
  readonly urls: string[];
  /** Console errors (CSP violations among them) and uncaught page errors. */
  readonly errors: string[];
  /** Every CSP violation the page saw (`securitypolicyviolation`), reported in the console or not. */
  readonly cspViolations: () => Promise<string[]>;
}

/** Opens a fresh context `width` px wide (downloads allowed), recording requests, errors and CSP violations. */
export const openTab = async (browser: Browser, width = 1024): Promise<ConsoleTab> => {
  const context = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const urls: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  // Before any of the page's own script.
  await page.addInitScript({
    content: `globalThis.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) =>
        globalThis.cspViolations.push(event.effectiveDirective + ' ' + event.blockedURI + ' ' + event.sourceFile + ':' + event.lineNumber));`,
  });
  const cspViolations = () => page.evaluate<string[]>('globalThis.cspViolations');
  return { context, page, urls, errors, cspViolations };
};

/** Axe on the page, its report saved as `<name>.axe.json`; the serious and critical violations. */
export const seriousViolations = async (page: Page, name: string): Promise<AxeViolation[]> => {
  const violations = await axeViolations(page);
  mkdirSync(OUTPUT_DIR, { recursive: true });
  writeFileSync(join(OUTPUT_DIR, `${name}.axe.json`), JSON.stringify(violations, null, 2));
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
};

/** Whether the page scrolls sideways (it must not, down to 320 px). */
export const overflowsSideways = (page: Page): Promise<boolean> =>
  page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth');

/** Signs in through the local "sign in as" form at `url` (the console's address, or a page of it). */
export const signInAs = async (page: Page, url: string, sub: string): Promise<void> => {
  await page.goto(url);
  await page.getByLabel('Sign in as').selectOption(sub);
  await page.getByRole('button', { name: 'Sign in' }).click();
};
