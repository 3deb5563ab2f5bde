/**
 * The module substitutions of Lambda bundles (infra/bundling/aliases.ts): every target
 * exists, and the `node:http` / `node:process`
 * substitutes are the very built-ins, minus the start-up work their ESM facades cause.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import nodeHttp from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LAMBDA_ALIASES } from '#infra/bundling/aliases.ts';
import httpShim, * as httpShimExports from '#infra/bundling/node-http.ts';
import processShim, * as processShimExports from '#infra/bundling/node-process.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The internal modules Node has loaded after a fresh process imports `specifier`. */
const modulesLoadedBy = (specifier: string): string[] => {
  const child = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(specifier)}); process.stdout.write(JSON.stringify(process.moduleLoadList));`,
    ],
    { encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout) as string[];
};

const shimUrl = (file: string) => pathToFileURL(path.join(REPO_ROOT, 'infra/bundling', file)).href;

describe('LAMBDA_ALIASES', () => {
  it('points every substituted import at a module that exists, relative to the repository root', () => {
    for (const target of Object.values(LAMBDA_ALIASES)) {
      expect(target).toMatch(/^\.\//);
      expect(existsSync(path.join(REPO_ROOT, target))).toBe(true);
    }
  });

  it('substitutes the default credential chain and the two built-ins, with and without node:', () => {
    expect(Object.keys(LAMBDA_ALIASES).sort()).toEqual([
      '@aws-sdk/credential-provider-node',
      'http',
      'node:http',
      'node:process',
      'process',
    ]);
  });
});

describe('the node:http substitute', () => {
  it('is the built-in module itself, with its functions and classes as named exports', () => {
    expect(httpShim).toBe(nodeHttp);
    for (const [name, value] of Object.entries(httpShimExports)) {
      if (name !== 'default') expect(value, name).toBe((nodeHttp as Record<string, unknown>)[name]);
    }
    expect(httpShimExports.STATUS_CODES[404]).toBe('Not Found');
  });

  it('does not load undici, which an ESM import of node:http does (its facade reads WebSocket)', () => {
    // Act
    const viaImport = modulesLoadedBy('node:http');
    const viaShim = modulesLoadedBy(shimUrl('node-http.ts'));

    // Assess
    expect(viaImport).toContain('NativeModule internal/deps/undici/undici');
    expect(viaShim).not.toContain('NativeModule internal/deps/undici/undici');
  });
});

describe('the node:process substitute', () => {
  it('is the global process, with detached-safe members as named exports', () => {
    expect(processShim).toBe(process);
    expect(processShimExports.env).toBe(process.env);
    expect(processShimExports.versions).toBe(process.versions);
    expect(processShimExports.cwd()).toBe(process.cwd());
    expect(typeof processShimExports.hrtime.bigint()).toBe('bigint');
  });

  it('does not open the stdio streams, which an ESM import of node:process does (its facade reads them)', () => {
    // Prepare: which modules the streams need depends on what they are (pipe, file, tty).
    const bare = new Set(modulesLoadedBy('data:text/javascript,'));

    // Act
    const byFacade = modulesLoadedBy('node:process').filter((name) => !bare.has(name));
    const byShim = new Set(modulesLoadedBy(shimUrl('node-process.ts')));

    // Assess
    expect(byFacade.length).toBeGreaterThan(0);
    expect(byFacade.filter((name) => byShim.has(name))).toEqual([]);
  });
});
