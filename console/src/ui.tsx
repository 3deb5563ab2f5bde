/** Small pieces every page uses: how times read, and the design system's error summary. */
import { ApiProblemError } from './api.ts';

/** A time as people in England read it: "3 Dec 2026, 19:29". */
export const when = (iso: string): string => new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** What to tell the user about a failed call: the API's problem title and detail, or `fallback`. */
export const problemText = (error: unknown, fallback: string): string =>
  error instanceof ApiProblemError ? `${error.title}. ${error.detail}` : fallback;

/** The NHS error summary, announced when it appears; nothing when there is no message. */
export const ErrorSummary = (props: { message: string; id?: string }) =>
  props.message ? (
    <div class="nhsuk-error-summary" role="alert" aria-labelledby={props.id ?? 'error-summary-title'} tabIndex={-1}>
      <h2 class="nhsuk-error-summary__title" id={props.id ?? 'error-summary-title'}>
        There is a problem
      </h2>
      <div class="nhsuk-error-summary__body">
        <p>{props.message}</p>
      </div>
    </div>
  ) : null;
