/**
 * The FHIR face's reads: each one calls the referral slice's own use case (so visibility,
 * 404-before-403 and the access audit are exactly the REST API's) and maps what it returns.
 * No data path of its own.
 */
import { BadRequestError, NotFoundError } from '../../core/errors.ts';
import * as z from '../../core/zod.ts';
import { LocalIdSchema, NhsNumberSchema } from '../../referrals/domain/referral-schemas.ts';
import { LOCAL_ID_SYSTEM, NHS_NUMBER_SYSTEM } from './fhir-systems.ts';
import type { Page } from '../../core/pagination.ts';
import type { Caller } from '../../core/identity.ts';
import type { Organisation } from '../../core/reference-data.ts';
import type { HandoffService } from '../../referrals/domain/handoff-service.ts';
import type { ReferralService } from '../../referrals/domain/referral-service.ts';
import type { CapabilityStatement, CodeSystem, Organization, ServiceRequest, Task } from '@medplum/fhirtypes';
import { capabilityStatement } from './capability-statement.ts';
import { findCodeSystem } from './code-systems.ts';
import { toOrganization } from './organization.ts';
import { toServiceRequest } from './service-request.ts';
import { parseTaskId, redirectedReceivers, toFulfilmentTask, toHandoffTask, toRedirectedTask } from './task.ts';
import { ownerOrgOf, TASK_STATUSES, updatedRangeOf, workSourcesFor } from './task-search.ts';
import type { TaskStatus } from './state-mapping.ts';

/** `GET /Task` as the FHIR layer parsed it (`status` and `_lastUpdated` split on commas). */
export interface TaskSearch {
  readonly owner: string;
  readonly statuses?: readonly string[] | undefined;
  readonly lastUpdated?: readonly string[] | undefined;
  readonly limit: number;
  readonly after?: string | undefined;
}

/** An organisation of the registry with the stage's optional ODS code. */
export type RegisteredOrganisation = Organisation & { readonly odsCode?: string | undefined };

/** What the FHIR reads need. */
export interface FhirReadDependencies {
  readonly referrals: Pick<ReferralService, 'get' | 'worklist' | 'search'>;
  readonly handoffs: Pick<HandoffService, 'get'>;
  readonly organisations: readonly RegisteredOrganisation[];
  /** The software version the CapabilityStatement names. */
  readonly softwareVersion: string;
  readonly clock?: () => Date;
}

/** A resource and the version its `ETag` carries (`undefined`: none). */
export interface VersionedResource<R> {
  readonly resource: R;
  readonly version: number | undefined;
}

const NOT_VISIBLE = 'No resource with this id is visible to you.';

/** The FHIR face's read use cases. */
export class FhirReads {
  private readonly deps: FhirReadDependencies;
  private readonly organisations: ReadonlyMap<string, RegisteredOrganisation>;

  constructor(deps: FhirReadDependencies) {
    this.deps = deps;
    this.organisations = new Map(deps.organisations.map((org) => [org.id, org]));
  }

  /** `GET /metadata`: what this face implements, served from `base`. */
  metadata(base: string): CapabilityStatement {
    const date = (this.deps.clock?.() ?? new Date()).toISOString();
    return capabilityStatement({ base, date, softwareVersion: this.deps.softwareVersion });
  }

  /** `GET /ServiceRequest/{id}`: the referral, as the REST read shows it to this caller (audited there). */
  async serviceRequest(caller: Caller, id: string): Promise<VersionedResource<ServiceRequest>> {
    const referral = await this.deps.referrals.get(caller, id);
    return { resource: toServiceRequest(referral), version: referral.version };
  }

  /** `GET /Task/{id}`: a referral's fulfilment Task, or a handoff's; an id that is neither is not found. */
  async task(caller: Caller, id: string): Promise<VersionedResource<Task>> {
    const parsed = parseTaskId(id);
    if (!parsed) throw new NotFoundError(NOT_VISIBLE);
    if (parsed.kind === 'fulfilment') {
      const referral = await this.deps.referrals.get(caller, parsed.referralId);
      return { resource: toFulfilmentTask(referral), version: referral.version };
    }
    if (parsed.kind === 'redirected') {
      const referral = await this.deps.referrals.get(caller, parsed.referralId);
      const former = redirectedReceivers(referral).find((receiver) => receiver.leftSeq === parsed.leftSeq);
      if (!former) throw new NotFoundError(NOT_VISIBLE);
      // No version of its own: it does not change once the receiver has left.
      return { resource: toRedirectedTask(referral, former), version: undefined };
    }
    const handoff = await this.deps.handoffs.get(caller, parsed.handoffId);
    return { resource: toHandoffTask(handoff), version: handoff.version };
  }

  /**
   * `GET /Task?owner=…`: one organisation's Tasks (referral fulfilments and handoffs), newest
   * first, through the referral use cases' worklist (same visibility, same access log).
   */
  async searchTasks(caller: Caller, search: TaskSearch): Promise<Page<Task>> {
    const unknown = (search.statuses ?? []).filter((status) => !(TASK_STATUSES as readonly string[]).includes(status));
    if (unknown.length > 0) {
      throw new BadRequestError(`status must be Task status codes; ${unknown.join(', ')} is not one.`, [
        { path: 'status', message: `has an unknown Task status: ${unknown.join(', ')}` },
      ]);
    }
    const updated = updatedRangeOf(search.lastUpdated ?? []);
    const page = await this.deps.referrals.worklist(caller, {
      org: ownerOrgOf(search.owner),
      sources: workSourcesFor(search.statuses as readonly TaskStatus[] | undefined),
      updatedFrom: updated.from,
      updatedBefore: updated.before,
      limit: search.limit,
      after: search.after,
    });
    return {
      items: page.items.map((item) => (item.kind === 'referral' ? toFulfilmentTask(item.referral) : toHandoffTask(item.handoff))),
      after: page.after,
    };
  }

  /**
   * `POST /ServiceRequest/_search`: a person's referrals the caller may see, by the patient's
   * identifier (`system|value`), through the REST search's use case (same rules, same audit).
   */
  async searchServiceRequests(
    caller: Caller,
    search: { identifier: string; limit: number; after?: string | undefined },
  ): Promise<Page<ServiceRequest>> {
    const [system, value] = search.identifier.split('|') as [string, string];
    const kind = system === NHS_NUMBER_SYSTEM ? 'nhsNumber' : system === LOCAL_ID_SYSTEM ? 'localId' : undefined;
    if (!kind) {
      throw new BadRequestError(`identifier must be an NHS number (${NHS_NUMBER_SYSTEM}) or a local id (${LOCAL_ID_SYSTEM}).`, [
        { path: 'identifier', message: `must name the system ${NHS_NUMBER_SYSTEM} or ${LOCAL_ID_SYSTEM}` },
      ]);
    }
    const parsed = z.safeParse(kind === 'nhsNumber' ? NhsNumberSchema : LocalIdSchema, value);
    if (!parsed.success) {
      throw new BadRequestError(`identifier is not a valid ${kind === 'nhsNumber' ? 'NHS number' : 'local id'}.`, [
        { path: 'identifier', message: parsed.error.issues[0]?.message ?? 'is invalid' },
      ]);
    }
    const person = kind === 'nhsNumber' ? { nhsNumber: parsed.data } : { localId: parsed.data };
    const page = await this.deps.referrals.search(caller, person, { limit: search.limit, after: search.after });
    return { items: page.items.map(toServiceRequest), after: page.after };
  }

  /** `GET /Organization/{id}`: an organisation of the registry. */
  organization(id: string): Organization {
    const org = this.organisations.get(id);
    if (!org) throw new NotFoundError('No organisation with this id is registered.');
    return toOrganization(org);
  }

  /** `GET /CodeSystem/{id}`: one of our code lists. */
  codeSystem(id: string): CodeSystem {
    const codeSystem = findCodeSystem(id);
    if (!codeSystem) throw new NotFoundError('No code system with this id is published here.');
    return codeSystem;
  }
}
