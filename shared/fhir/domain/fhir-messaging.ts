/**
 * The FHIR messaging door's use case: read the message, hand what it asks for to the
 * referral use cases (so their rules, order and writes are the REST API's), and answer
 * with the response message. Nothing is written unless the message reads cleanly and the
 * use case accepts it.
 */
import type { Bundle } from '@medplum/fhirtypes';
import type { Caller } from '../../core/identity.ts';
import type { ReferralService } from '../../referrals/domain/referral-service.ts';
import type { RegisteredOrganisation } from './fhir-reads.ts';
import { readReferralMessage, responseMessage } from './process-message.ts';
import { toServiceRequest } from './service-request.ts';

/** What the messaging door needs. */
export interface FhirMessagingDependencies {
  readonly referrals: Pick<ReferralService, 'submit' | 'act'>;
  readonly organisations: readonly RegisteredOrganisation[];
  /** A fresh id for each response message (a UUID). */
  readonly newMessageId: () => string;
  readonly clock?: () => Date;
}

/** `$process-message` for `servicerequest-request` messages. */
export class FhirMessaging {
  private readonly deps: FhirMessagingDependencies;
  private readonly known: ReadonlySet<string>;
  private readonly byOdsCode: ReadonlyMap<string, string>;

  constructor(deps: FhirMessagingDependencies) {
    this.deps = deps;
    this.known = new Set(deps.organisations.map((org) => org.id));
    this.byOdsCode = new Map(deps.organisations.flatMap((org) => (org.odsCode ? [[org.odsCode, org.id] as const] : [])));
  }

  /**
   * Submits or cancels the referral the message is about; the response message names it as
   * it now stands. `message` is the request body as its schema let it through (a Bundle's
   * outline); its entries are read here.
   */
  async process(caller: Caller, message: object, base: string): Promise<Bundle> {
    const asked = readReferralMessage(
      message as Bundle,
      { isKnown: (id) => this.known.has(id), byOdsCode: (code) => this.byOdsCode.get(code) },
      caller.org,
    );
    const referral =
      asked.kind === 'new'
        ? await this.deps.referrals.submit(caller, asked.referral)
        : await this.deps.referrals.act(caller, asked.referralId, {
            action: 'cancel',
            body: { reasonCode: asked.reasonCode, ...(asked.comment ? { comment: asked.comment } : {}) },
          });
    return responseMessage({
      base,
      requestHeaderId: asked.headerId,
      responseId: this.deps.newMessageId(),
      serviceRequest: { ...toServiceRequest(referral), id: referral.id },
      timestamp: (this.deps.clock?.() ?? new Date()).toISOString(),
    });
  }
}
