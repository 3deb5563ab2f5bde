/**
 * The architecture in executable form (`npm run lint:arch`). Each forbidden rule is one
 * sentence of the layout: shared/core (pure vocabulary), shared/platform (technical base),
 * feature slices shared/<slice>/{domain,data,api}, shared/wiring (composition roots),
 * functions/ (thin Lambda entries). A violation names the rule, the importing file and the
 * imported one.
 *
 * Paths are relative to the repository root (the cruise's base directory), so a pattern
 * such as `^shared/core/` means "the shared/core folder of this repository". A feature
 * slice is any folder of `shared/` other than core, platform and wiring; the patterns say
 * so rather than listing the slices, so a new slice is covered without editing this file.
 */

/** A feature slice's name and slash: any folder of shared/ but core, platform and wiring. */
const SLICE_NAME = '(?!core/|platform/|wiring/)[^/]+/';

/** A feature slice's folder: `shared/<slice>/`. */
const SLICE = `shared/${SLICE_NAME}`;

/** The pure code: shared/core and every slice's domain/. */
const PURE = `^shared/(core/|${SLICE_NAME}domain/)`;

/** Packages that reach AWS, the Lambda runtime or CDK: none belongs in pure code. */
const INFRASTRUCTURE_PACKAGES =
  '(^|/)node_modules/(@aws-sdk|@smithy|@aws-lambda-powertools|@middy|@types/aws-lambda|aws-cdk-lib|aws-cdk|constructs|cdk-nag|undici)/';

/**
 * Node built-ins that do I/O. `node:net` is not among them: the domain uses its pure
 * `isIP` and `BlockList` (address checks); a socket would come through a platform adapter anyway.
 */
const IO_BUILTINS = '^(node:)?(fs|dns|http|https|http2|tls|dgram|child_process|cluster|worker_threads)(/|$)';

/** Folders that never ship in a Lambda bundle. */
const BUILD_AND_TEST = '^(infra|scripts|test|bench)/';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'Core and every domain/ hold the rules only: they import core, their own domain and (where unavoidable) ' +
        "another slice's domain, never an adapter (data/), a route (api/), the platform, the wiring, an entry " +
        'point, build code or tests. Give the domain a port and let data/ implement it.',
      severity: 'error',
      from: { path: PURE },
      to: { path: [`^${SLICE}(data|api)/`, '^shared/(platform|wiring)/', '^functions/', BUILD_AND_TEST] },
    },
    {
      name: 'domain-no-infrastructure-packages',
      comment:
        'Core and domain code import no AWS SDK, Powertools, middy, aws-lambda types, CDK or HTTP client: ' +
        'type-only imports too, since a Lambda event type in the domain ties the rules to one runtime.',
      severity: 'error',
      from: { path: PURE },
      to: { path: INFRASTRUCTURE_PACKAGES },
    },
    {
      name: 'domain-does-no-io',
      comment:
        'Core and domain code do no I/O of their own (files, DNS, HTTP, processes): they take it as a port ' +
        'that a data/ or platform adapter implements, so the rules run unchanged in unit tests.',
      severity: 'error',
      from: { path: PURE },
      to: { dependencyTypes: ['core'], path: IO_BUILTINS },
    },
    {
      name: 'core-imports-nothing-feature',
      comment:
        'shared/core is the vocabulary every slice shares: it imports only itself, pure npm packages ' +
        '(zod, ulid) and pure Node built-ins (crypto), so anything may import it without a cycle.',
      severity: 'error',
      from: { path: '^shared/core/' },
      to: {
        pathNot: ['^shared/core/', '(^|/)node_modules/(zod|ulid)/', '^(node:)?crypto$'],
      },
    },
    {
      name: 'runtime-zod-is-mini',
      comment:
        'Production code (shared/, functions/) uses zod/mini, never classic zod: classic zod puts about 97 KB into ' +
        'every bundle that imports it, zod/mini about 22 KB (docs/decisions.md). Types generic over schemas come ' +
        'from zod/v4/core. (zod-openapi brings classic zod into the getOpenApi function alone.)',
      severity: 'error',
      from: { path: '^(shared|functions)/' },
      to: { path: '(^|/)node_modules/zod/(index|v3/|v4/index|v4/classic/)' },
    },
    {
      name: 'runtime-zod-through-core',
      comment:
        'Production code imports zod/mini through shared/core/zod.ts, which loads the English messages zod/mini ' +
        'lacks: imported directly, a schema used alone would answer "Invalid input" where it named the problem.',
      severity: 'error',
      from: { path: '^(shared|functions)/', pathNot: '^shared/core/zod\\.ts$' },
      to: { path: '(^|/)node_modules/zod/(mini|v4/mini|v4-mini)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'platform-knows-no-feature',
      comment:
        'shared/platform is the technical base (http, config, dynamodb, aws, net): it may import core, ' +
        'never a feature slice or the wiring. A feature need goes in as a parameter or a port.',
      severity: 'error',
      from: { path: '^shared/platform/' },
      to: { path: [`^${SLICE}`, '^shared/wiring/'] },
    },
    {
      name: 'data-not-api',
      comment:
        "A slice's data/ implements its domain's ports with platform adapters; it never imports a route " +
        '(api/) or the wiring, which sit above it.',
      severity: 'error',
      from: { path: `^${SLICE}data/` },
      to: { path: [`^${SLICE}api/`, '^shared/wiring/'] },
    },
    {
      name: 'api-not-data',
      comment:
        "A slice's api/ builds its routes from platform/http, core and its domain; the adapters behind the " +
        'ports are chosen by shared/wiring, so api/ imports no data/, no wiring and no other platform part.',
      severity: 'error',
      from: { path: `^${SLICE}api/` },
      to: { path: [`^${SLICE}data/`, '^shared/wiring/', '^shared/platform/(?!http/)'] },
    },
    {
      name: 'slices-only-through-domain',
      comment:
        "A slice may use another slice's domain/ (its rules and ports) but never its data/ or api/: " +
        'those are reached through the wiring.',
      severity: 'error',
      from: { path: `^shared/(?!core/|platform/|wiring/)([^/]+)/` },
      to: { path: '^shared/(?!core/|platform/|wiring/|$1/)[^/]+/(?!domain/)' },
    },
    {
      name: 'shared-not-infra',
      comment:
        'Production code (shared/, functions/) is bundled into Lambdas: it imports no CDK app, local ' +
        'runtime, script, benchmark or test. What they share with production belongs in shared/.',
      severity: 'error',
      from: { path: '^(shared|functions)/' },
      to: { path: BUILD_AND_TEST },
    },
    {
      name: 'console-is-an-api-client',
      comment:
        'The console (console/) is a client of the public HTTP contract, built for the browser: it imports no ' +
        'production, build or test code of the repository, and nothing imports it (the build reads it by path).',
      severity: 'error',
      from: { path: '^console/' },
      to: { path: '^(shared|functions|infra|scripts|test|bench)/' },
    },
    {
      name: 'nothing-imports-the-console',
      comment: 'Lambdas, the runtime and tests never import the browser code; the console build bundles it by path.',
      severity: 'error',
      from: { pathNot: '^console/' },
      to: { path: '^console/' },
    },
    {
      name: 'shared-not-functions',
      comment: 'Handlers are entry points: shared/ never imports one.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^functions/' },
    },
    {
      name: 'functions-thin',
      comment:
        "A Lambda entry (functions/**/handler.ts) and its route handlers beside it only hand their feature's api/ " +
        'what shared/wiring/ composes: they import nothing else of the repository (but each other, in one folder) ' +
        'and no npm package except type-only Lambda types.',
      severity: 'error',
      from: { path: '^functions/([^/]+/[^/]+)/' },
      to: {
        pathNot: [`^${SLICE}api/`, '^shared/wiring/', '^functions/$1/', '(^|/)node_modules/@types/aws-lambda/'],
      },
    },
    {
      name: 'no-circular',
      comment:
        'Modules of shared/ form no cycle, type-only imports included: a cycle means two modules are one, ' + 'or a port is missing.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { circular: true },
    },
    {
      // Stands in for the usual no-orphans rule, which misses a dead module that still imports
      // something and, run over the whole tree, flags every test file and script (entry points
      // by design). Here "dead" means: no handler, CDK or local-runtime code, or script reaches it.
      name: 'no-unreachable-shared',
      comment:
        'Every module of shared/ is reached from a handler, infra/ or scripts/; one that only tests import ' +
        'is dead production code (or test machinery that belongs under test/).',
      severity: 'error',
      from: { path: '^(functions|infra|scripts)/' },
      to: { path: '^shared/', reachable: false },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves to a file or an installed package.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-non-package-json',
      comment: 'Every npm package imported is declared in package.json (not merely present as a transitive install).',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-dev-dep',
      comment:
        'Production code (shared/, functions/) imports only `dependencies` at run time; devDependencies are ' +
        'tooling. Type-only imports are erased before bundling, so @types packages are fine.',
      severity: 'error',
      from: { path: '^(shared|functions)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-deprecated-core',
      comment: 'No deprecated Node built-in (punycode, domain, sys...).',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['core'], path: '^(node:)?(punycode|domain|constants|sys|_linklist|_stream_wrap)$' },
    },
  ],
  options: {
    // Type-only imports count: the layering is about what code knows, not only what it loads.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: '(^|/)node_modules/' },
    // The planted violations that test/unit/architecture cruises on purpose.
    exclude: { path: '^test/fixtures/architecture/' },
    // Resolve npm packages the way Node 24 and TypeScript's NodeNext do (the `exports` map).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
