/** Composition root of `GET /reference`: the configured priority targets, read once per cold start. */
import { loadRuntimeConfig } from '../platform/config/runtime-config.ts';
import { ReferenceService } from '../reference/domain/reference.ts';

/** The reference use case of this function instance. */
export const referenceService = new ReferenceService({ priorityTargetMinutes: loadRuntimeConfig().priorityTargetMinutes });
