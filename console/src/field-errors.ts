/**
 * The API's per-field problems (problem+json `errors`, each `{path, message}` with a dotted
 * path such as `channel.url`) matched to a form's inputs, so that a page can show them the
 * design system's way: an error summary whose links lead to the inputs, and each input's own
 * error message.
 */
import { ApiProblemError } from './api.ts';

/** One field the API refused, as the problem names it. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** Where a field's problems are shown: the input's id and the words that name it. */
export interface FieldTarget {
  readonly id: string;
  readonly label: string;
}

/** A problem ready to show: its text ("Webhook URL must use https://"), and its input when known. */
export interface ShownError {
  readonly text: string;
  readonly targetId?: string;
}

const isFieldError = (value: unknown): value is FieldError =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as FieldError).path === 'string' &&
  typeof (value as FieldError).message === 'string';

/** The field errors an API answer carried; none for anything else (read defensively: it is another system's body). */
export const fieldErrorsOf = (error: unknown): FieldError[] => {
  if (!(error instanceof ApiProblemError)) return [];
  const errors = error.problem?.errors;
  return Array.isArray(errors) ? errors.filter(isFieldError) : [];
};

/**
 * The target of `path`: the longest of its dotted prefixes that `targets` knows
 * (`quietHours.start`, then `quietHours`), so a problem with a whole group still finds it.
 */
export const targetOf = (path: string, targets: Readonly<Record<string, FieldTarget>>): FieldTarget | undefined => {
  for (let parts = path.split('.'); parts.length > 0; parts = parts.slice(0, -1)) {
    const target = targets[parts.join('.')];
    if (target) return target;
  }
  return undefined;
};

/**
 * What to show for a refused request: each field error named by its label and linked to its
 * input (any this form has no input for follow, unlinked). When none of them belongs to an
 * input of this form (the per-person cap, say), the problem's own detail, which says what to
 * do, or `fallback` when the API did not answer.
 */
export const shownErrors = (
  error: unknown,
  targets: (path: string) => FieldTarget | undefined,
  fallback: string,
): { summary: ShownError[]; byId: ReadonlyMap<string, string> } => {
  const byId = new Map<string, string>();
  const summary: ShownError[] = [];
  const elsewhere: ShownError[] = [];
  for (const field of fieldErrorsOf(error)) {
    const target = targets(field.path);
    if (!target) {
      elsewhere.push({ text: `${field.path} ${field.message}` });
      continue;
    }
    const text = `${target.label} ${field.message}`;
    summary.push({ text, targetId: target.id });
    // One message beside each input: the first the API gave.
    if (!byId.has(target.id)) byId.set(target.id, text);
  }
  if (summary.length > 0) return { summary: [...summary, ...elsewhere], byId };
  const text = error instanceof ApiProblemError ? error.detail || error.title : fallback;
  return { summary: [{ text }], byId };
};
