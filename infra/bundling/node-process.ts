/**
 * What Lambda bundles get for `node:process` / `process` (esbuild `alias`, see
 * `LAMBDA_ALIASES`): the global `process` itself instead of an ESM import of it.
 *
 * Why: `import { env } from 'node:process'` (the AWS SDK's user-agent code does this)
 * makes Node build an ES module facade of `process`, which reads every property, and the
 * `stdin`, `stdout` and `stderr` getters then create the three stdio streams: about 10 ms
 * of every cold start, for streams the function never touches (Lambda's console goes
 * elsewhere). Reading `process` directly runs no getter.
 *
 * The named exports are plain values and functions that work detached from `process`; the
 * stdio getters are left out on purpose, and anything else is reached through the default
 * export. A bundled package importing a name that is missing here fails the build ("No
 * matching export"), never a running function.
 */
export default process;
export const {
  arch,
  argv,
  cwd,
  emitWarning,
  env,
  execArgv,
  execPath,
  exit,
  hrtime,
  memoryUsage,
  nextTick,
  pid,
  platform,
  release,
  uptime,
  version,
  versions,
} = process;
