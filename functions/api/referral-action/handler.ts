import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import type { ActionInput, ReferralAction } from '../../../shared/referrals/domain/referral.ts';
import {
  AcceptBodySchema,
  AmendBodySchema,
  CancelBodySchema,
  CommentBodySchema,
  CompleteBodySchema,
  DeclineBodySchema,
  RedirectBodySchema,
  ReferralPathSchema,
} from '../../../shared/referrals/domain/referral-schemas.ts';
import { etagOf, parseIfMatch } from '../../../shared/platform/http/conditional-request.ts';
import { httpHandler, type HttpEvent } from '../../../shared/platform/http/middleware.ts';
import { parseOrThrow } from '../../../shared/platform/http/validation.ts';
import { referralService } from '../../../shared/wiring/referrals.ts';

/** Each action's body; the route table documents the same schemas. */
export const ACTION_BODIES: Readonly<Record<ReferralAction, z.ZodType>> = {
  accept: AcceptBodySchema,
  decline: DeclineBodySchema,
  redirect: RedirectBodySchema,
  'request-info': CommentBodySchema,
  'provide-info': CommentBodySchema,
  amend: AmendBodySchema,
  cancel: CancelBodySchema,
  complete: CompleteBodySchema,
};

const handlers = Object.fromEntries(
  (Object.keys(ACTION_BODIES) as ReferralAction[]).map((action) => [
    action,
    httpHandler(
      { auth: 'jwt', body: ACTION_BODIES[action], bodyOptional: action === 'accept' },
      async ({ caller, body, pathParameters, event }) => {
        const { id } = parseOrThrow(ReferralPathSchema, pathParameters, 'The path is invalid');
        const ifMatch = parseIfMatch(event.headers);
        const referral = await referralService.act(caller, id, { action, body } as ActionInput, ifMatch);
        return { statusCode: 200, headers: { ETag: etagOf(referral.version) }, body: referral };
      },
    ),
  ]),
) as Record<ReferralAction, ReturnType<typeof httpHandler>>;

/** `POST /referrals/{id}/{action}`: one Lambda for the eight transitions; the route names the action. */
export const handler = (event: HttpEvent, context: Context) => {
  const action = event.rawPath.split('/').at(-1) as ReferralAction;
  return handlers[action](event, context);
};
