/**
 * `npm run lint:openapi`: lints the OpenAPI document `GET /openapi.json` serves, built
 * in-process by the same function its handler calls, with Redocly (`redocly.yaml`, the
 * recommended ruleset) and Spectral (`.spectral.yaml`, spectral:oas and the OWASP API
 * Security ruleset). Prints every finding; exits 1 if either linter reports an error.
 *
 * Offline: both rulesets come from node_modules, and the Spectral loader is given a
 * `fetch` that refuses, so a ruleset that would need the network fails loudly instead.
 */
import * as fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintFromString, loadConfig, type NormalizedProblem } from '@redocly/openapi-core';
import spectralCore from '@stoplight/spectral-core';
import spectralParsers from '@stoplight/spectral-parsers';
import { ROUTES } from '../shared/wiring/routes.ts';
import { buildOpenApiDocument } from '../shared/platform/http/openapi-document.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where findings say the document is: it is never written, only linted. */
const DOCUMENT_PATH = path.join(REPO_ROOT, 'openapi.json');

/** One finding of either linter, as printed. */
export interface Finding {
  readonly linter: 'redocly' | 'spectral';
  readonly severity: 'error' | 'warn' | 'info';
  readonly rule: string;
  readonly where: string;
  readonly message: string;
}

/**
 * Spectral's YAML ruleset loader, imported by a name TypeScript does not resolve: its type
 * declarations pull in the DOM lib, which would retype `fetch` for the whole program.
 */
const RULESET_LOADER: string = '@stoplight/spectral-ruleset-bundler/with-loader';
type Ruleset = Parameters<InstanceType<typeof spectralCore.Spectral>['setRuleset']>[0];
type LoadRuleset = (rulesetPath: string, io: { fs: typeof fs; fetch: typeof fetch }) => Promise<Ruleset>;

const refuseNetwork = (async (input: unknown) => {
  throw new Error(`lint:openapi runs offline, but a ruleset asked to fetch ${String(input)}`);
}) as unknown as typeof fetch;

const redoclyFindings = async (source: string): Promise<Finding[]> => {
  const config = await loadConfig({ configPath: path.join(REPO_ROOT, 'redocly.yaml') });
  const problems: NormalizedProblem[] = await lintFromString({ source, absoluteRef: DOCUMENT_PATH, config });
  return problems.map((problem) => ({
    linter: 'redocly',
    severity: problem.severity === 'error' ? 'error' : 'warn',
    rule: problem.ruleId,
    where: problem.location[0]?.pointer ?? '#/',
    message: problem.message,
  }));
};

/** Spectral's numeric severities: 0 error, 1 warning, 2 information, 3 hint. */
const SPECTRAL_SEVERITY = ['error', 'warn', 'info', 'info'] as const;

const spectralFindings = async (source: string): Promise<Finding[]> => {
  const { bundleAndLoadRuleset } = (await import(RULESET_LOADER)) as { bundleAndLoadRuleset: LoadRuleset };
  const ruleset = await bundleAndLoadRuleset(path.join(REPO_ROOT, '.spectral.yaml'), { fs, fetch: refuseNetwork });
  const spectral = new spectralCore.Spectral();
  spectral.setRuleset(ruleset);
  const results = await spectral.run(new spectralCore.Document(source, spectralParsers.Json, DOCUMENT_PATH));
  return results.map((result) => ({
    linter: 'spectral',
    severity: SPECTRAL_SEVERITY[result.severity] ?? 'info',
    rule: String(result.code),
    where: `#/${result.path.map((segment) => String(segment).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`,
    message: result.message,
  }));
};

/** Lints an OpenAPI document (JSON text) with both linters. */
export const lintOpenApiSource = async (source: string): Promise<Finding[]> => [
  ...(await redoclyFindings(source)),
  ...(await spectralFindings(source)),
];

/** Lints the document `GET /openapi.json` serves with both linters. */
export const lintOpenApi = (): Promise<Finding[]> => lintOpenApiSource(JSON.stringify(buildOpenApiDocument(ROUTES), null, 2));

const main = async (): Promise<void> => {
  const findings = await lintOpenApi();
  for (const f of findings) console.log(`${f.severity.padEnd(5)} ${f.linter.padEnd(8)} ${f.rule}  ${f.where}\n      ${f.message}`);
  const count = (linter: Finding['linter'], severity: Finding['severity']) =>
    findings.filter((f) => f.linter === linter && f.severity === severity).length;
  for (const linter of ['redocly', 'spectral'] as const) {
    console.log(`${linter}: ${count(linter, 'error')} errors, ${count(linter, 'warn')} warnings, ${count(linter, 'info')} infos`);
  }
  process.exitCode = findings.some((f) => f.severity === 'error') ? 1 : 0;
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
