/**
 * Find a referral by the person's NHS number. The number goes in a POST body
 * (`POST /referrals/search`), never in the address, the page title or the browser's
 * history, and the browser is asked not to remember it. Only referrals the caller may see
 * are listed, and the search itself is access-logged by the API.
 */
import { useSignal } from '@preact/signals';
import { api, type Page } from '../api.ts';
import { link } from '../router.ts';
import { ErrorSummary, problemText, when } from '../ui.tsx';

interface Found {
  readonly id: string;
  readonly fromOrg: string;
  readonly toOrg: string;
  readonly serviceArea: string;
  readonly status: string;
  readonly createdAt: string;
}

export const Search = () => {
  const found = useSignal<Found[] | undefined>(undefined);
  const error = useSignal('');
  const search = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const nhsNumber = String(new FormData(form).get('nhsNumber') ?? '').replace(/\s+/g, '');
    try {
      const page = await api<Page<Found>>('POST', '/referrals/search?limit=100', { nhsNumber });
      found.value = page.items;
      error.value = '';
    } catch (e) {
      found.value = undefined;
      error.value = problemText(e, 'The search did not work.');
    }
  };
  return (
    <>
      <h1>Find a referral</h1>
      <ErrorSummary message={error.value} />
      <form method="post" action="/console/search" onSubmit={search} autocomplete="off" aria-label="Find a referral">
        <div class={error.value ? 'nhsuk-form-group nhsuk-form-group--error' : 'nhsuk-form-group'}>
          <label class="nhsuk-label" for="nhs-number">
            NHS number
          </label>
          <div class="nhsuk-hint" id="nhs-number-hint">
            10 digits, for example 485 777 3456
          </div>
          <input
            class="nhsuk-input nhsuk-input--width-10"
            id="nhs-number"
            name="nhsNumber"
            type="text"
            inputMode="numeric"
            autocomplete="off"
            spellcheck={false}
            aria-describedby="nhs-number-hint"
            required
          />
        </div>
        <button class="nhsuk-button" type="submit">
          Search
        </button>
      </form>
      <div aria-live="polite">
        {found.value && (
          <>
            <h2>
              {found.value.length === 0
                ? 'No referrals you can see for that NHS number'
                : `${found.value.length} referral${found.value.length === 1 ? '' : 's'} found`}
            </h2>
            <ul class="nhsuk-list">
              {found.value.map((r) => (
                <li key={r.id}>
                  <a href={link(`/referrals/${r.id}`)}>
                    {r.fromOrg} to {r.toOrg}, {r.serviceArea}
                  </a>
                  : {r.status.replace('_', ' ')}, made {when(r.createdAt)}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </>
  );
};
