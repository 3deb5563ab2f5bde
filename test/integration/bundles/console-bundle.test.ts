/**
 * The console's build: what the first page loads (its one script and one stylesheet) is at
 * most 150 KB compressed; asset names carry a content hash (served immutable); the page has
 * no inline script or style (the CSP allows none) and loads nothing from another origin.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, FIRST_PAGE_BUDGET_BYTES, type ConsoleBuild } from '#infra/console/build-console.ts';

let dir: string;
let built: ConsoleBuild;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'console-bundle-'));
  built = await buildConsole(dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the console build', () => {
  it('keeps the first page’s JavaScript and CSS within 150 KB compressed', async () => {
    // Act
    const [script, stylesheet] = await Promise.all([readFile(join(dir, built.script)), readFile(join(dir, built.stylesheet))]);
    const compressed = gzipSync(script).length + gzipSync(stylesheet).length;

    // Assess
    expect(compressed).toBeLessThanOrEqual(FIRST_PAGE_BUDGET_BYTES);
    expect(compressed).toBeGreaterThan(0);
  });

  it('names the script and stylesheet by content hash, and the page names exactly those', async () => {
    // Act
    const page = await readFile(join(dir, 'console/index.html'), 'utf8');

    // Assess
    expect(built.script).toMatch(/^console\/assets\/app-[A-Z0-9]{8}\.js$/);
    expect(built.stylesheet).toMatch(/^console\/assets\/styles-[A-Z0-9]{8}\.css$/);
    expect(page).toContain(`<script type="module" src="/${built.script}"></script>`);
    expect(page).toContain(`<link rel="stylesheet" href="/${built.stylesheet}">`);
  });

  it('puts nothing inline on the page and loads nothing from another origin', async () => {
    // Act
    const page = await readFile(join(dir, 'console/index.html'), 'utf8');
    const stylesheet = await readFile(join(dir, built.stylesheet), 'utf8');

    // Assess
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/<style|\sstyle=/);
    expect(page).not.toMatch(/https?:\/\//);
    expect(stylesheet).not.toMatch(/url\(\s*["']?https?:/);
    expect(stylesheet).not.toContain('@font-face');
  });
});
