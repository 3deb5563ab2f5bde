/**
 * Builds the API reference (`/docs/`): Scalar's renderer of the published `/openapi.json`,
 * bundled by esbuild from console/docs/main.ts into one page, one script and one stylesheet,
 * same-origin with content-hashed names (served `immutable`; the page `no-store`).
 *
 * The page is served under the console's CSP, which allows nothing inline. Scalar, as
 * published, puts styles inline in five places. Its theme `<style>` is handled in the entry
 * (console/docs/constructed-style.ts); the other four are rewritten here, at build time, each
 * rewrite checked to have matched as often as it should, so an upgrade that moves the code
 * stops the build instead of bringing a violation back:
 *
 * - its toasts' CSS, which a `<style>` element injects when the module loads, becomes part of
 *   the stylesheet file;
 * - its scrollbar probe's `setAttribute('style', …)` becomes `style.cssText = …` (the CSS
 *   object model, which CSP does not govern);
 * - CodeMirror's styles (style-mod), a `<style>` element in a document, go in a constructed
 *   stylesheet the document adopts, as style-mod already does in a shadow root;
 * - its numbered code blocks' `style="--line-digits: N"` becomes `data-line-digits="N"`, which
 *   console/docs/reference.css turns back into the variable.
 *
 * Bundling Scalar takes seconds, and every local runtime builds its site when it starts (each
 * end-to-end test file starts at least one): a finished build is kept under
 * `node_modules/.cache/`, named by a digest of everything it is made from, and copied.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { API_REFERENCE_BASE_PATH, CONSOLE_BASE_PATH } from './console-site.ts';

/** The repository root. */
const ROOT = resolve(import.meta.dirname, '../..');

/** The page's script and the folder it lives in, relative to the root. */
const ENTRY = 'console/docs/main.ts';
const ENTRY_DIR = 'console/docs';

/** Where finished builds are kept, one folder per digest of their inputs. */
const CACHE_DIR = join(ROOT, 'node_modules/.cache/jointly-api-reference');

/** What a build produced: paths as served under the site root (no leading slash), sizes in bytes. */
export interface ApiReferenceBuild {
  /** `docs/assets/reference-<hash>.js` */
  readonly script: string;
  /** `docs/assets/reference-<hash>.css` */
  readonly stylesheet: string;
  readonly bytes: { readonly script: number; readonly stylesheet: number };
}

/** One rewrite of a published file: what to find (it must match `times`), and what to put instead. */
interface Rewrite {
  readonly file: RegExp;
  readonly find: RegExp;
  readonly times: number;
  readonly replace: (match: string, ...groups: string[]) => string;
}

/** The namespace of the stylesheets lifted out of Scalar's script. */
const LIFTED_CSS = 'scalar-lifted-css';

/**
 * Vite's "CSS injected by JS": an IIFE that appends a `<style>` element holding the CSS (a
 * JSON string) when the module loads.
 */
const INJECTED_STYLE =
  /\(function\(\) \{\s*try \{\s*if \(typeof document != "undefined"\) \{\s*var elementStyle = document\.createElement\("style"\);\s*elementStyle\.appendChild\(document\.createTextNode\(("(?:[^"\\]|\\.)*")\)\);\s*document\.head\.appendChild\(elementStyle\);\s*\}\s*\} catch \(e\) \{[^}]*\}\s*\}\)\(\);/g;

/** The rewrites that keep Scalar's styles out of inline markup, and the stylesheets they lift out. */
const scalarWithoutInlineStyles = (): Plugin => {
  const lifted = new Map<string, string>();
  const rewrites: readonly Rewrite[] = [
    {
      file: /[\\/]@scalar[\\/]use-toasts[\\/]dist[\\/]index\.js$/,
      find: INJECTED_STYLE,
      times: 1,
      replace: (_match, css) => {
        const name = `use-toasts-${lifted.size + 1}.css`;
        lifted.set(name, JSON.parse(css!) as string);
        return `import ${JSON.stringify(`${LIFTED_CSS}:${name}`)};`;
      },
    },
    {
      file: /[\\/]@scalar[\\/]themes[\\/]dist[\\/]index\.js$/,
      find: /(\w+)\.setAttribute\("style", ("[^"]*")\)/g,
      times: 2,
      replace: (_match, element, css) => `${element}.style.cssText = ${css}`,
    },
    {
      // CodeMirror's (the try-it editors') styles: style-mod adopts a constructed stylesheet in a
      // shadow root, but gives a document a `<style>` element; here the document adopts one too.
      file: /[\\/]style-mod[\\/]src[\\/]style-mod\.js$/,
      find: /if \(!root\.head && root\.adoptedStyleSheets && win\.CSSStyleSheet\)/g,
      times: 1,
      replace: () => 'if (root.adoptedStyleSheets && win.CSSStyleSheet)',
    },
    {
      file: /[\\/]@scalar[\\/]highlight[\\/]dist[\\/]compat[\\/]syntax-highlight\.js$/,
      find: / style="--line-count: \$\{count\}; --line-digits: \$\{count\.toString\(\)\.length\};"/g,
      times: 1,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder belongs to the template literal it is written into.
      replace: () => ' data-line-digits="${count.toString().length}"',
    },
  ];
  return {
    name: 'scalar-without-inline-styles',
    setup(b) {
      for (const rewrite of rewrites) {
        b.onLoad({ filter: rewrite.file }, async (args) => {
          const source = await readFile(args.path, 'utf8');
          const found = source.match(rewrite.find)?.length ?? 0;
          if (found !== rewrite.times) {
            throw new Error(
              `${args.path}: ${rewrite.find} matched ${found} times, not ${rewrite.times}: Scalar changed, review the rewrite`,
            );
          }
          return { contents: source.replace(rewrite.find, rewrite.replace), loader: 'js' };
        });
      }
      b.onResolve({ filter: new RegExp(`^${LIFTED_CSS}:`) }, (args) => ({
        path: args.path.slice(LIFTED_CSS.length + 1),
        namespace: LIFTED_CSS,
      }));
      b.onLoad({ filter: /.*/, namespace: LIFTED_CSS }, (args) => ({ contents: lifted.get(args.path)!, loader: 'css' }));
    },
  };
};

/** The page: a banner with the way back to the console, and Scalar's reference (which brings its own `main`, `aside` and headings). */
const page = (script: string, stylesheet: string): string => `<!doctype html>
<html lang="en-GB">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <title>API reference – Jointly</title>
    <link rel="icon" href="${CONSOLE_BASE_PATH}assets/images/favicon.svg" type="image/svg+xml">
    <link rel="stylesheet" href="/${stylesheet}">
    <script type="module" src="/${script}"></script>
  </head>
  <body>
    <a class="api-reference-skip-link" href="#reference">Skip to the API reference</a>
    <header class="api-reference-header">
      <a class="api-reference-header__home" href="${CONSOLE_BASE_PATH}">Jointly console</a>
      <p class="api-reference-header__hint">To try a request, paste a bearer token under Authentication.</p>
    </header>
    <div id="reference" class="api-reference" tabindex="-1">
      <noscript>The API reference needs JavaScript. The contract itself is at <a href="/openapi.json">/openapi.json</a>.</noscript>
    </div>
  </body>
</html>
`;

/** Bundles the reference into `siteDir/docs/` (which must not exist yet). */
const bundle = async (siteDir: string): Promise<ApiReferenceBuild> => {
  const site = join(siteDir, API_REFERENCE_BASE_PATH);
  const assets = join(site, 'assets');
  await mkdir(assets, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { reference: ENTRY },
    bundle: true,
    minify: true,
    format: 'esm',
    // One script: code splitting saved a seventh of the first load (Scalar's first view needs
    // most of it), and esbuild does not keep the order modules run in across chunks, which
    // main.ts relies on.
    splitting: false,
    target: ['es2022'],
    outdir: assets,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'true',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    plugins: [scalarWithoutInlineStyles()],
    metafile: true,
    // The libraries' licence notices go in a file beside each bundle, linked from it.
    legalComments: 'linked',
    logLevel: 'silent',
  });
  const [script, output] = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint === ENTRY)!;
  const stylesheet = output.cssBundle!;
  const served = (path: string) => `${API_REFERENCE_BASE_PATH.slice(1)}assets/${basename(path)}`;
  await writeFile(join(site, 'index.html'), page(served(script), served(stylesheet)));
  return {
    script: served(script),
    stylesheet: served(stylesheet),
    bytes: { script: output.bytes, stylesheet: result.metafile.outputs[stylesheet]!.bytes },
  };
};

/** The files a build is made from: this builder, the entry's folder, the site's paths and every package version. */
const inputsDigest = async (): Promise<string> => {
  const entryFiles = (await readdir(join(ROOT, ENTRY_DIR), { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  const files = [import.meta.filename, join(import.meta.dirname, 'console-site.ts'), join(ROOT, 'package-lock.json'), ...entryFiles];
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update(await readFile(file));
  return hash.digest('hex').slice(0, 16);
};

/** A build still in its scratch folder after this long was abandoned (its process died). */
const ABANDONED_AFTER_MS = 10 * 60_000;

/** Removes every cached build but `digest`'s, and abandoned scratch folders. */
const pruneCache = async (digest: string): Promise<void> => {
  for (const name of await readdir(CACHE_DIR)) {
    const path = join(CACHE_DIR, name);
    // A scratch folder another process has just renamed is gone: as young as can be.
    const age = name.startsWith('building-')
      ? await stat(path).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        )
      : Number.POSITIVE_INFINITY;
    if (name === digest || age < ABANDONED_AFTER_MS) continue;
    await rm(path, { recursive: true, force: true });
  }
};

/** The cached build for `digest`, bundled first if there is none (concurrent builders: the first to finish wins). */
const cachedBuild = async (digest: string): Promise<{ readonly dir: string; readonly build: ApiReferenceBuild }> => {
  const dir = join(CACHE_DIR, digest);
  const manifest = join(dir, 'build.json');
  try {
    return { dir, build: JSON.parse(await readFile(manifest, 'utf8')) as ApiReferenceBuild };
  } catch {
    await mkdir(CACHE_DIR, { recursive: true });
    const scratch = await mkdtemp(join(CACHE_DIR, 'building-'));
    const built = await bundle(scratch);
    await writeFile(join(scratch, 'build.json'), JSON.stringify(built));
    // Renaming a folder is atomic; it fails when another process got there first, whose build is the same.
    await rename(scratch, dir).catch(() => rm(scratch, { recursive: true, force: true }));
    await pruneCache(digest);
    return { dir, build: built };
  }
};

/**
 * Builds the API reference into `outDir/docs/` (replaced; the rest of `outDir` is left alone):
 * `index.html` and `assets/reference-<hash>.js|css`.
 */
export const buildApiReference = async (outDir: string): Promise<ApiReferenceBuild> => {
  const { dir, build: built } = await cachedBuild(await inputsDigest());
  const site = join(outDir, API_REFERENCE_BASE_PATH);
  await rm(site, { recursive: true, force: true });
  await cp(join(dir, API_REFERENCE_BASE_PATH), site, { recursive: true });
  return built;
};
