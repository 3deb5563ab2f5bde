import type { Context } from 'aws-lambda';
import type { HandoffAction, HandoffAnswer } from '../../../shared/referrals/domain/handoff.ts';
import { DeclineHandoffBodySchema, HandoffCommentBodySchema, HandoffPathSchema } from '../../../shared/referrals/domain/handoff-schemas.ts';
import { etagOf, parseIfMatch } from '../../../shared/platform/http/conditional-request.ts';
import { httpHandler, type HttpEvent } from '../../../shared/platform/http/middleware.ts';
import { parseOrThrow } from '../../../shared/platform/http/validation.ts';
import { handoffService } from '../../../shared/wiring/referrals.ts';

const BODIES = { accept: HandoffCommentBodySchema, decline: DeclineHandoffBodySchema, withdraw: HandoffCommentBodySchema } as const;

const handlers = Object.fromEntries(
  (Object.keys(BODIES) as HandoffAction[]).map((action) => [
    action,
    httpHandler(
      { auth: 'jwt', body: BODIES[action], bodyOptional: action !== 'decline' },
      async ({ caller, body, pathParameters, event }) => {
        const { id } = parseOrThrow(HandoffPathSchema, pathParameters, 'The path is invalid');
        const handoff = await handoffService.answer(caller, id, { action, body } as HandoffAnswer, parseIfMatch(event.headers));
        return { statusCode: 200, headers: { ETag: etagOf(handoff.version) }, body: handoff };
      },
    ),
  ]),
) as Record<HandoffAction, ReturnType<typeof httpHandler>>;

/** `POST /handoffs/{id}/accept|decline|withdraw`: one Lambda; the route names the answer. */
export const handler = (event: HttpEvent, context: Context) => {
  const action = event.rawPath.split('/').at(-1) as HandoffAction;
  return handlers[action](event, context);
};
