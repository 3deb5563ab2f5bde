import * as z from '../../core/zod.ts';
import { ORGANISATIONS } from '../../core/organisations.ts';
import {
  CANCEL_REASON_CODES,
  DECLINE_REASON_CODES,
  HANDOFF_STATUSES,
  ORGANISATION_KINDS,
  OUTCOME_CODES,
  PRIORITIES,
  REFERRAL_STATUSES,
  SERVICE_AREAS,
} from '../../core/reference-data.ts';
import { ID_MAX } from '../../referrals/domain/referral-schemas.ts';

/** Longest label or organisation name. */
const LABEL_MAX = 200;

const CodeSchema = z
  .strictObject({ code: z.string().check(z.maxLength(ID_MAX)), label: z.string().check(z.maxLength(LABEL_MAX)) })
  .register(z.globalRegistry, { id: 'Code' });

/** `GET /reference`: the registries and closed code lists a client renders pick lists from. */
export const ReferenceSchema = z
  .strictObject({
    organisations: z
      .array(
        z
          .strictObject({
            id: z.string().check(z.maxLength(ID_MAX)),
            name: z.string().check(z.maxLength(LABEL_MAX)),
            kind: z.enum(ORGANISATION_KINDS),
          })
          .register(z.globalRegistry, { id: 'Organisation' }),
      )
      .check(z.maxLength(ORGANISATIONS.length)),
    serviceAreas: z.array(CodeSchema).check(z.maxLength(SERVICE_AREAS.length)),
    priorities: z
      .array(
        z
          .strictObject({
            code: z.enum(PRIORITIES),
            label: z.string().check(z.maxLength(LABEL_MAX)),
            targetMinutes: z.number().check(z.int(), z.gt(0)).register(z.globalRegistry, { description: 'Response target in minutes' }),
          })
          .register(z.globalRegistry, { id: 'Priority' }),
      )
      .check(z.maxLength(PRIORITIES.length)),
    referralStatuses: z.array(z.enum(REFERRAL_STATUSES)).check(z.maxLength(REFERRAL_STATUSES.length)),
    handoffStatuses: z.array(z.enum(HANDOFF_STATUSES)).check(z.maxLength(HANDOFF_STATUSES.length)),
    declineReasonCodes: z.array(CodeSchema).check(z.maxLength(DECLINE_REASON_CODES.length)),
    cancelReasonCodes: z.array(CodeSchema).check(z.maxLength(CANCEL_REASON_CODES.length)),
    outcomeCodes: z.array(CodeSchema).check(z.maxLength(OUTCOME_CODES.length)),
  })
  .register(z.globalRegistry, { id: 'Reference' });
export type Reference = z.infer<typeof ReferenceSchema>;
