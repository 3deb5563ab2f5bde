/**
 * Builds the console with esbuild: one script and one stylesheet with content-hashed,
 * immutable names, the NHS design system's images, and `index.html` naming them. The NHS
 * fonts (loaded from assets.nhs.uk by the design system's CSS) are left out: the CSP allows
 * same-origin fonts only, and the page falls back to Arial as the design system intends.
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { buildApiReference } from './build-api-reference.ts';
import { CONSOLE_BASE_PATH, CONSOLE_CONFIG_PATH, type ConsoleConfig } from './console-site.ts';

/** The repository root. */
const ROOT = resolve(import.meta.dirname, '../..');

/** The first page's JavaScript and CSS together, gzip-compressed, at most (issue 18). */
export const FIRST_PAGE_BUDGET_BYTES = 150 * 1024;

/** What a build produced: files relative to `outDir`, and their sizes. */
export interface ConsoleBuild {
  readonly outDir: string;
  /** `console/assets/app-<hash>.js`, as served under the site root. */
  readonly script: string;
  readonly stylesheet: string;
  readonly bytes: { readonly script: number; readonly stylesheet: number };
}

/** Drops `@font-face` rules that load fonts from another origin. */
const withoutRemoteFonts: Plugin = {
  name: 'without-remote-fonts',
  setup(b) {
    b.onLoad({ filter: /nhsuk-frontend\.min\.css$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replace(/@font-face\{[^}]*https:\/\/[^}]*\}/g, ''),
      loader: 'css',
    }));
  },
};

const page = (script: string, stylesheet: string): string => `<!doctype html>
<html lang="en-GB">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <title>Jointly</title>
    <link rel="icon" href="${CONSOLE_BASE_PATH}assets/images/favicon.svg" type="image/svg+xml">
    <link rel="stylesheet" href="/${stylesheet}">
    <script type="module" src="/${script}"></script>
  </head>
  <body>
    <div id="app"><noscript>The Jointly console needs JavaScript.</noscript></div>
  </body>
</html>
`;

/**
 * Builds the console into `outDir` (emptied first): `outDir/console/index.html` and
 * `outDir/console/assets/…`, and `outDir/console/config.json` when `config` is given (the
 * local runtime's; deployed, the stack writes its own beside the build).
 */
export const buildConsole = async (outDir: string, config?: ConsoleConfig): Promise<ConsoleBuild> => {
  const site = join(outDir, CONSOLE_BASE_PATH);
  const assets = join(site, 'assets');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(assets, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { app: 'console/src/main.tsx', styles: 'console/src/styles.css' },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: assets,
    entryNames: '[name]-[hash]',
    // Pages that need a large library (the dashboard's charts) load it when opened, not with the first page.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // The design system's CSS names its images by absolute path: they are copied beside the assets.
    external: ['/assets/*'],
    plugins: [withoutRemoteFonts],
    metafile: true,
    // The libraries' licence notices go in a file beside each bundle, linked from it.
    legalComments: 'linked',
    logLevel: 'silent',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const script = outputs.find(([, output]) => output.entryPoint === 'console/src/main.tsx')!;
  const stylesheet = outputs.find(([path]) => path.endsWith('.css'))!;
  const served = (path: string) => `${CONSOLE_BASE_PATH.slice(1)}assets/${basename(path)}`;
  // The CSS asks for /assets/images/…: serve them there, under the console's own prefix too.
  const rewritten = (await readFile(join(ROOT, stylesheet[0]), 'utf8')).replaceAll('/assets/images/', `${CONSOLE_BASE_PATH}assets/images/`);
  await writeFile(join(ROOT, stylesheet[0]), rewritten);
  await cp(join(ROOT, 'node_modules/nhsuk-frontend/dist/nhsuk/assets/images'), join(assets, 'images'), { recursive: true });
  await writeFile(join(site, 'index.html'), page(served(script[0]), served(stylesheet[0])));
  if (config) await writeFile(join(outDir, CONSOLE_CONFIG_PATH), JSON.stringify(config));
  await buildApiReference(outDir);
  return {
    outDir,
    script: served(script[0]),
    stylesheet: served(stylesheet[0]),
    bytes: { script: script[1].bytes, stylesheet: Buffer.byteLength(rewritten) },
  };
};
