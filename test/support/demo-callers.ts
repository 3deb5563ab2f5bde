/** The seed's demo users as callers of the API in tests (the console's "sign in as" list). */
import { DEMO_USERS } from '#infra/local/demo-users.ts';
import type { Who } from './handoff-api.ts';

/** The demo user `sub` as a caller: their organisation and roles. Throws for an unknown user. */
export const demoCaller = (sub: string): Who => {
  const user = DEMO_USERS.find((u) => u.sub === sub);
  if (!user) throw new Error(`No demo user ${sub}`);
  return { sub: user.sub, org: user.org, roles: [...user.roles] };
};
