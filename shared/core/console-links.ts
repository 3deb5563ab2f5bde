/**
 * Where the console's pages live, for what links into it from outside (alert e-mails and
 * digests): one origin serves the API and, under this path, the console, so a link to
 * `/referrals/<id>` would open the API's JSON, not a page.
 */

/** The path every console page and asset lives under. */
export const CONSOLE_BASE_PATH = '/console/';

/** The console page of one referral, on the stage's public origin (`appBaseUrl`). */
export const referralPageUrl = (appBaseUrl: string, referralId: string): string =>
  `${appBaseUrl.replace(/\/+$/, '')}${CONSOLE_BASE_PATH}referrals/${encodeURIComponent(referralId)}`;
