/**
 * Worklists: the organisation's inbox, outbox and owned referrals, soonest due first, with
 * filters for status, service area and team. Overdue items say so in words, not only in colour.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, type Page } from '../api.ts';
import { ErrorSummary, problemText, when } from '../ui.tsx';
import { link } from '../router.ts';

interface ReferralSummary {
  readonly id: string;
  readonly fromOrg: string;
  readonly toOrg: string;
  readonly serviceArea: string;
  readonly priority: string;
  readonly status: string;
  readonly dueAt?: string;
}

interface Coded {
  readonly code: string;
  readonly label: string;
}

const BOXES = [
  ['inbox', 'Inbox'],
  ['outbox', 'Outbox'],
  ['owned', 'Owned'],
] as const;

export const Worklists = () => {
  const box = useSignal<(typeof BOXES)[number][0]>('inbox');
  const status = useSignal('');
  const serviceArea = useSignal('');
  const team = useSignal('');
  const serviceAreas = useSignal<readonly Coded[]>([]);
  const items = useSignal<ReferralSummary[] | undefined>(undefined);
  const error = useSignal('');

  useEffect(() => {
    api<{ serviceAreas: Coded[] }>('GET', '/reference').then(
      (reference) => (serviceAreas.value = reference.serviceAreas),
      () => undefined,
    );
  }, []);

  useEffect(() => {
    items.value = undefined;
    const filters = { status: status.value, serviceArea: serviceArea.value, team: team.value.trim() };
    const query = new URLSearchParams({
      box: box.value,
      sort: 'due',
      limit: '100',
      ...Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== '')),
    });
    api<Page<ReferralSummary>>('GET', `/referrals?${query}`)
      .then((page) => {
        items.value = page.items;
        error.value = '';
      })
      .catch((e) => {
        items.value = [];
        error.value = problemText(e, 'The worklist could not be loaded.');
      });
  }, [box.value, status.value, serviceArea.value, team.value]);

  const now = Date.now();
  return (
    <>
      <h1>Worklists</h1>
      <div class="nhsuk-form-group jointly-filters">
        <fieldset class="nhsuk-fieldset">
          <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Box</legend>
          <div class="nhsuk-radios nhsuk-radios--inline">
            {BOXES.map(([value, label]) => (
              <div class="nhsuk-radios__item" key={value}>
                <input
                  class="nhsuk-radios__input"
                  id={`box-${value}`}
                  name="box"
                  type="radio"
                  value={value}
                  checked={box.value === value}
                  onChange={() => (box.value = value)}
                />
                <label class="nhsuk-label nhsuk-radios__label" for={`box-${value}`}>
                  {label}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
        <label class="nhsuk-label" for="status">
          Status
        </label>
        <select class="nhsuk-select" id="status" value={status.value} onChange={(e) => (status.value = e.currentTarget.value)}>
          <option value="">Any</option>
          {['submitted', 'info_requested', 'accepted', 'declined', 'completed', 'cancelled'].map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </select>
        <label class="nhsuk-label" for="service-area">
          Service area
        </label>
        <select
          class="nhsuk-select"
          id="service-area"
          value={serviceArea.value}
          onChange={(e) => (serviceArea.value = e.currentTarget.value)}
        >
          <option value="">Any</option>
          {serviceAreas.value.map((area) => (
            <option key={area.code} value={area.code}>
              {area.label}
            </option>
          ))}
        </select>
        <label class="nhsuk-label" for="team">
          Team
        </label>
        <div class="nhsuk-hint" id="team-hint">
          A team id, such as rapid-response-north; leave empty for every team
        </div>
        <input
          class="nhsuk-input nhsuk-input--width-20"
          id="team"
          type="text"
          spellcheck={false}
          aria-describedby="team-hint"
          value={team.value}
          onChange={(e) => (team.value = e.currentTarget.value)}
        />
      </div>
      <ErrorSummary message={error.value} />
      {items.value === undefined ? (
        <p>Loading…</p>
      ) : items.value.length === 0 ? (
        <p>Nothing here.</p>
      ) : (
        <table class="nhsuk-table">
          <caption class="nhsuk-table__caption">
            {BOXES.find(([v]) => v === box.value)?.[1]}: {items.value.length} referrals, soonest due first
          </caption>
          <thead class="nhsuk-table__head">
            <tr class="nhsuk-table__row">
              <th scope="col" class="nhsuk-table__header">
                Referral
              </th>
              <th scope="col" class="nhsuk-table__header">
                Service area
              </th>
              <th scope="col" class="nhsuk-table__header">
                Priority
              </th>
              <th scope="col" class="nhsuk-table__header">
                Status
              </th>
              <th scope="col" class="nhsuk-table__header">
                Due
              </th>
            </tr>
          </thead>
          <tbody class="nhsuk-table__body">
            {items.value.map((r) => {
              const overdue = r.status === 'submitted' && r.dueAt !== undefined && Date.parse(r.dueAt) < now;
              return (
                <tr class="nhsuk-table__row" key={r.id}>
                  <td class="nhsuk-table__cell">
                    <a href={link(`/referrals/${r.id}`)}>
                      {r.fromOrg} to {r.toOrg}
                    </a>
                  </td>
                  <td class="nhsuk-table__cell">{r.serviceArea}</td>
                  <td class="nhsuk-table__cell">{r.priority}</td>
                  <td class="nhsuk-table__cell">{r.status.replace('_', ' ')}</td>
                  <td class="nhsuk-table__cell">
                    {r.dueAt ? when(r.dueAt) : '—'}
                    {overdue && <strong class="nhsuk-tag nhsuk-tag--red jointly-overdue"> Overdue</strong>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
};
