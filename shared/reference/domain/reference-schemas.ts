import * as z from 'zod';
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

const CodeSchema = z.strictObject({ code: z.string().max(ID_MAX), label: z.string().max(LABEL_MAX) }).meta({ id: 'Code' });

/** `GET /reference`: the registries and closed code lists a client renders pick lists from. */
export const ReferenceSchema = z
  .strictObject({
    organisations: z
      .array(
        z
          .strictObject({ id: z.string().max(ID_MAX), name: z.string().max(LABEL_MAX), kind: z.enum(ORGANISATION_KINDS) })
          .meta({ id: 'Organisation' }),
      )
      .max(ORGANISATIONS.length),
    serviceAreas: z.array(CodeSchema).max(SERVICE_AREAS.length),
    priorities: z
      .array(
        z
          .strictObject({
            code: z.enum(PRIORITIES),
            label: z.string().max(LABEL_MAX),
            targetMinutes: z.number().int().positive().meta({ description: 'Response target in minutes' }),
          })
          .meta({ id: 'Priority' }),
      )
      .max(PRIORITIES.length),
    referralStatuses: z.array(z.enum(REFERRAL_STATUSES)).max(REFERRAL_STATUSES.length),
    handoffStatuses: z.array(z.enum(HANDOFF_STATUSES)).max(HANDOFF_STATUSES.length),
    declineReasonCodes: z.array(CodeSchema).max(DECLINE_REASON_CODES.length),
    cancelReasonCodes: z.array(CodeSchema).max(CANCEL_REASON_CODES.length),
    outcomeCodes: z.array(CodeSchema).max(OUTCOME_CODES.length),
  })
  .meta({ id: 'Reference' });
export type Reference = z.infer<typeof ReferenceSchema>;
