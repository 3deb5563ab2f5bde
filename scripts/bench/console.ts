/**
 * The console section of `npm run bench`: the first page's script and stylesheet as the
 * runtime serves them (gzip-compressed, as a CDN sends them), and the time to first render in
 * headless Chromium — each run a fresh browser context (an empty cache), from navigation
 * start to the first contentful paint and to the app's sign-in heading drawn.
 */
import { gzipSync } from 'node:zlib';
import { launchBrowser } from '../../test/support/browser.ts';
import type { ConsoleResult } from './results.ts';
import { median, round } from './stats.ts';

/** The asset paths `index.html` names (one script, one stylesheet). */
export const firstPageAssets = (html: string): { script: string; stylesheet: string } => {
  const script = /<script type="module" src="([^"]+)"/.exec(html)?.[1];
  const stylesheet = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1];
  if (!script || !stylesheet) throw new Error('The console page names no script or no stylesheet.');
  return { script, stylesheet };
};

const gzipped = async (url: string): Promise<number> => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return gzipSync(Buffer.from(await response.arrayBuffer())).length;
};

const medianMax = (values: readonly number[]) => ({ median: round(median(values), 1), max: round(Math.max(...values), 1) });

/** Measures the console served at `url` (the runtime's origin), `runs` fresh page loads. */
export const measureConsole = async (options: { url: string; runs: number }): Promise<ConsoleResult> => {
  const html = await (await fetch(`${options.url}/console/`)).text();
  const assets = firstPageAssets(html);
  const [scriptGzipBytes, stylesheetGzipBytes] = await Promise.all([
    gzipped(`${options.url}${assets.script}`),
    gzipped(`${options.url}${assets.stylesheet}`),
  ]);
  const browser = await launchBrowser();
  const paints: number[] = [];
  const renders: number[] = [];
  try {
    for (let run = 0; run < options.runs; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${options.url}/console/`);
      // Polled on animation frames in the page: the first frame with the app's heading, on the page's own clock.
      const rendered = await page.waitForFunction(
        `(() => { const h = document.querySelector('h1'); return h && h.textContent === 'Sign in to Jointly' ? performance.now() : 0; })()`,
      );
      const timing = {
        render: (await rendered.jsonValue()) as number,
        paint: await page.evaluate<number>(`performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN`),
      };
      paints.push(timing.paint);
      renders.push(timing.render);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return {
    scriptGzipBytes,
    stylesheetGzipBytes,
    firstPageGzipBytes: scriptGzipBytes + stylesheetGzipBytes,
    runs: options.runs,
    firstContentfulPaintMs: medianMax(paints.filter(Number.isFinite)),
    firstRenderMs: medianMax(renders),
  };
};
