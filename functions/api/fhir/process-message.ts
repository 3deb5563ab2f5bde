import { fhirBaseOf } from '../../../shared/fhir/api/fhir-base.ts';
import { processMessageRoute } from '../../../shared/fhir/api/routes.ts';
import { fhirMessaging } from '../../../shared/wiring/fhir.ts';
import { idempotency } from '../../../shared/wiring/idempotency.ts';

/** `POST /fhir/R4/$process-message`: a referral submitted or cancelled by message; X-Request-Id replays the first answer. */
export const handler = processMessageRoute.handle(
  async ({ caller, body, event }) => ({ statusCode: 200, body: await fhirMessaging.process(caller, body, fhirBaseOf(event)) }),
  { idempotency: idempotency() },
);
