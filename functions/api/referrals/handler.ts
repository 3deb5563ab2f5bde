/**
 * The referral slice's Lambda (referrals and handoffs): each route to its handler module
 * beside this one. One function per slice keeps it warm for every click of a referral's
 * life (decision record 44).
 */
import { handoffActionRoutes, referralActionRoutes, referralsFunction } from '../../../shared/referrals/api/routes.ts';
import { handler as addNote } from './add-note.ts';
import { handler as createReferral } from './create-referral.ts';
import { handler as getHandoff } from './get-handoff.ts';
import { handler as getReferral } from './get-referral.ts';
import { handler as handoffAction } from './handoff-action.ts';
import { handler as listHandoffs } from './list-handoffs.ts';
import { handler as listNotes } from './list-notes.ts';
import { handler as listReferrals } from './list-referrals.ts';
import { handler as offerHandoff } from './offer-handoff.ts';
import { handler as getAccessLog } from './referral-access-log.ts';
import { handler as referralAction } from './referral-action.ts';
import { handler as getReferralHistory } from './referral-history.ts';
import { handler as searchReferrals } from './search-referrals.ts';

const each = <H>(routes: readonly { readonly operationId: string }[], handler: H): Record<string, H> =>
  Object.fromEntries(routes.map((route) => [route.operationId, handler]));

export const handler = referralsFunction.serve({
  createReferral,
  listReferrals,
  searchReferrals,
  getReferral,
  ...each(referralActionRoutes.routes, referralAction),
  getReferralHistory,
  addNote,
  listNotes,
  getAccessLog,
  offerHandoff,
  listHandoffs,
  getHandoff,
  ...each(handoffActionRoutes.routes, handoffAction),
});
