import * as z from 'zod';
import { ORGANISATION_KINDS } from '../../core/reference-data.ts';

const CodeSchema = z.strictObject({ code: z.string(), label: z.string() }).meta({ id: 'Code' });

/** `GET /reference`: the registries and closed code lists a client renders pick lists from. */
export const ReferenceSchema = z
  .strictObject({
    organisations: z.array(
      z.strictObject({ id: z.string(), name: z.string(), kind: z.enum(ORGANISATION_KINDS) }).meta({ id: 'Organisation' }),
    ),
    serviceAreas: z.array(CodeSchema),
    priorities: z.array(
      z
        .strictObject({
          code: z.string(),
          label: z.string(),
          targetMinutes: z.number().int().positive().meta({ description: 'Response target in minutes' }),
        })
        .meta({ id: 'Priority' }),
    ),
    referralStatuses: z.array(z.string()),
    handoffStatuses: z.array(z.string()),
    declineReasonCodes: z.array(CodeSchema),
    cancelReasonCodes: z.array(CodeSchema),
    outcomeCodes: z.array(CodeSchema),
  })
  .meta({ id: 'Reference' });
export type Reference = z.infer<typeof ReferenceSchema>;
