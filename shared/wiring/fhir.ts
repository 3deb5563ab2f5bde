/**
 * Composition root of the FHIR face: its reads run through this function instance's own
 * referral and handoff use cases (the referral slice's wiring), with the stage's ODS codes.
 */
import { randomUUID } from 'node:crypto';
import { ORGANISATIONS } from '../core/organisations.ts';
import { FhirMessaging } from '../fhir/domain/fhir-messaging.ts';
import { FhirReads } from '../fhir/domain/fhir-reads.ts';
import { loadRuntimeConfig } from '../platform/config/runtime-config.ts';
import { API_VERSION } from '../platform/http/api-version.ts';
import { handoffService, referralService } from './referrals.ts';

const config = loadRuntimeConfig();

/** The registry, with the stage's ODS codes. */
const organisations = ORGANISATIONS.map((org) => ({ ...org, odsCode: config.orgOdsCodes[org.id] }));

/** The FHIR read use cases of this function instance. */
export const fhirReads = new FhirReads({
  referrals: referralService,
  handoffs: handoffService,
  organisations,
  softwareVersion: API_VERSION,
});

/** The FHIR messaging door of this function instance. */
export const fhirMessaging = new FhirMessaging({ referrals: referralService, organisations, newMessageId: randomUUID });
