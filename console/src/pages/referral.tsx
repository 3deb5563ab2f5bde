/**
 * One referral: its summary (the subject only when the API shows it to this caller), the
 * actions the API allows this caller, each with its form and sent with `If-Match` (a 409 or
 * 412 is explained and the page reloads), the history, notes, handoffs and the access log.
 * Anyone who is not a party gets "not found", as the API answers them.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ApiProblemError, api, apiResponse, session, type Page } from '../api.ts';
import { link } from '../router.ts';
import { problemText, when } from '../ui.tsx';

interface Coded {
  readonly code: string;
  readonly label: string;
}
interface Reference {
  readonly organisations: readonly { id: string; name: string }[];
  readonly priorities: readonly Coded[];
  readonly declineReasonCodes: readonly Coded[];
  readonly cancelReasonCodes: readonly Coded[];
  readonly outcomeCodes: readonly Coded[];
}
interface Handoff {
  readonly id: string;
  readonly fromOrg: string;
  readonly toOrg: string;
  readonly status: string;
  readonly reason?: string;
  readonly createdAt: string;
}
interface Referral {
  readonly id: string;
  readonly fromOrg: string;
  readonly toOrg: string;
  readonly ownerOrg: string;
  readonly serviceArea: string;
  readonly priority: string;
  readonly status: string;
  readonly reason?: string;
  readonly dueAt: string;
  readonly subject?: { readonly name?: string; readonly nhsNumber?: string; readonly dateOfBirth?: string };
  readonly allowedActions: readonly string[];
  readonly handoffs?: readonly Handoff[];
}
interface HistoryEvent {
  readonly id: string;
  readonly seq: number;
  readonly type: string;
  readonly at: string;
  readonly actor: { readonly org: string };
  readonly comment?: string;
}
interface Note {
  readonly id: string;
  readonly text: string;
  readonly createdAt: string;
  readonly author?: { readonly org?: string };
}

/** What each action asks for: its form's fields. */
const FIELDS: Record<string, readonly ('comment' | 'reasonCode' | 'outcome' | 'toOrg' | 'priority')[]> = {
  accept: ['comment'],
  decline: ['reasonCode', 'comment'],
  redirect: ['toOrg', 'comment'],
  'request-info': ['comment'],
  'provide-info': ['comment'],
  amend: ['priority'],
  cancel: ['reasonCode', 'comment'],
  complete: ['outcome', 'comment'],
};
/** Actions whose comment is required. */
const COMMENT_REQUIRED = new Set(['request-info', 'provide-info']);

const label = (action: string) => action.charAt(0).toUpperCase() + action.slice(1).replace('-', ' ');
const ActionForm = (props: {
  action: string;
  reference: Reference;
  referral: Referral;
  onDone: (message: string) => void;
  etag: string;
}) => {
  const { action, reference, referral } = props;
  const error = useSignal('');
  const codes = action === 'cancel' ? reference.cancelReasonCodes : reference.declineReasonCodes;
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const body: Record<string, string> = {};
    for (const [key, value] of form) if (typeof value === 'string' && value !== '') body[key] = value;
    try {
      await api('POST', `/referrals/${referral.id}/${action}`, body, { 'If-Match': props.etag });
      props.onDone(`${label(action)}: done.`);
    } catch (e) {
      if (e instanceof ApiProblemError && (e.status === 409 || e.status === 412)) {
        props.onDone(
          'Someone else changed this referral while you had it open, so nothing was changed. It has been reloaded: check it and try again.',
        );
      } else error.value = problemText(e, 'That did not work.');
    }
  };
  return (
    <form class="nhsuk-form-group jointly-action-form" onSubmit={submit} method="post" aria-label={label(action)}>
      {error.value && (
        <div class="nhsuk-error-message" role="alert">
          {error.value}
        </div>
      )}
      {FIELDS[action]?.map((field) => {
        const id = `${action}-${field}`;
        if (field === 'comment')
          return (
            <div class="nhsuk-form-group" key={id}>
              <label class="nhsuk-label" for={id}>
                Comment{COMMENT_REQUIRED.has(action) ? '' : ' (optional)'}
              </label>
              <textarea class="nhsuk-textarea" id={id} name="comment" rows={3} required={COMMENT_REQUIRED.has(action)} />
            </div>
          );
        const options =
          field === 'reasonCode'
            ? codes
            : field === 'outcome'
              ? reference.outcomeCodes
              : field === 'priority'
                ? reference.priorities
                : reference.organisations
                    .filter((o) => o.id !== referral.toOrg && o.id !== referral.fromOrg)
                    .map((o) => ({ code: o.id, label: o.name }));
        return (
          <div class="nhsuk-form-group" key={id}>
            <label class="nhsuk-label" for={id}>
              {{ reasonCode: 'Reason', outcome: 'Outcome', priority: 'Priority', toOrg: 'Redirect to' }[field]}
            </label>
            <select class="nhsuk-select" id={id} name={field} required>
              {options.map((o) => (
                <option key={o.code} value={o.code}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
        );
      })}
      <button class="nhsuk-button" type="submit">
        {label(action)}
      </button>
    </form>
  );
};

export const ReferralPage = (props: { id: string }) => {
  const referral = useSignal<Referral | undefined>(undefined);
  const etag = useSignal('');
  const missing = useSignal(false);
  const reference = useSignal<Reference | undefined>(undefined);
  const history = useSignal<HistoryEvent[]>([]);
  const notes = useSignal<Note[]>([]);
  const open = useSignal('');
  const message = useSignal('');

  const load = async () => {
    try {
      const [answer, ref, events, noteList] = await Promise.all([
        apiResponse<Referral>('GET', `/referrals/${encodeURIComponent(props.id)}`),
        reference.value ? Promise.resolve(reference.value) : api<Reference>('GET', '/reference'),
        api<Page<HistoryEvent>>('GET', `/referrals/${encodeURIComponent(props.id)}/history?limit=100`),
        api<Page<Note>>('GET', `/referrals/${encodeURIComponent(props.id)}/notes?limit=100`).catch(() => ({ items: [] })),
      ]);
      referral.value = answer.body;
      etag.value = answer.etag ?? '';
      reference.value = ref;
      history.value = events.items;
      notes.value = noteList.items;
    } catch (e) {
      if (e instanceof ApiProblemError && e.status === 404) missing.value = true;
      else throw e;
    }
  };
  useEffect(() => {
    void load();
  }, [props.id]);

  if (missing.value)
    return (
      <>
        <h1>Referral not found</h1>
        <p>There is no such referral, or your organisation is not a party to it.</p>
        <p>
          <a href={link('/worklists')}>Go to your worklists</a>
        </p>
      </>
    );
  const r = referral.value;
  if (!r || !reference.value) return <p>Loading the referral…</p>;
  const overdue = r.status === 'submitted' && Date.parse(r.dueAt) < Date.now();
  const done = (text: string) => {
    message.value = text;
    open.value = '';
    void load();
  };
  const addNote = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const text = String(new FormData(form).get('text') ?? '');
    await api('POST', `/referrals/${r.id}/notes`, { text });
    form.reset();
    done('Note added.');
  };
  return (
    <>
      <h1>
        Referral from {r.fromOrg} to {r.toOrg}
      </h1>
      <div aria-live="polite">{message.value && <div class="nhsuk-inset-text">{message.value}</div>}</div>
      <dl class="nhsuk-summary-list">
        {[
          ['Status', `${r.status.replace('_', ' ')}${overdue ? ' – overdue' : ''}`],
          ['Responsible', r.ownerOrg],
          ['Service area', r.serviceArea],
          ['Priority', r.priority],
          ['Response due', when(r.dueAt)],
          ...(r.subject?.name ? [['Person', r.subject.name]] : []),
          ...(r.subject?.nhsNumber ? [['NHS number', r.subject.nhsNumber]] : []),
          ...(r.reason ? [['Reason', r.reason]] : []),
        ].map(([key, value]) => (
          <div class="nhsuk-summary-list__row" key={key}>
            <dt class="nhsuk-summary-list__key">{key}</dt>
            <dd class="nhsuk-summary-list__value">{value}</dd>
          </div>
        ))}
      </dl>
      {r.allowedActions.length > 0 && (
        <section aria-labelledby="actions-heading">
          <h2 id="actions-heading">What you can do</h2>
          <div class="jointly-actions">
            {r.allowedActions.map((action) => (
              <button
                key={action}
                type="button"
                class="nhsuk-button nhsuk-button--secondary"
                aria-expanded={open.value === action}
                onClick={() => (open.value = open.value === action ? '' : action)}
              >
                {label(action)}
              </button>
            ))}
          </div>
          {open.value && <ActionForm action={open.value} reference={reference.value} referral={r} etag={etag.value} onDone={done} />}
        </section>
      )}
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <ol class="nhsuk-list jointly-history">
          {history.value.map((e) => (
            <li key={e.id}>
              {when(e.at)}: {e.type} by {e.actor.org}
              {e.comment ? ` – “${e.comment}”` : ''}
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="handoffs-heading">
        <h2 id="handoffs-heading">Handoffs</h2>
        {(r.handoffs ?? []).length === 0 ? (
          <p>No handoffs.</p>
        ) : (
          <ul class="nhsuk-list">
            {(r.handoffs ?? []).map((h) => (
              <li key={h.id}>
                {h.fromOrg} to {h.toOrg}: {h.status}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="notes-heading">
        <h2 id="notes-heading">Notes</h2>
        <ul class="nhsuk-list">
          {notes.value.map((n) => (
            <li key={n.id}>
              {when(n.createdAt)}: {n.text}
            </li>
          ))}
        </ul>
        {!session.value?.roles.includes('programme_manager') && (
          <form onSubmit={addNote} method="post" aria-label="Add a note">
            <div class="nhsuk-form-group">
              <label class="nhsuk-label" for="note-text">
                Add a note
              </label>
              <textarea class="nhsuk-textarea" id="note-text" name="text" rows={3} required />
            </div>
            <button class="nhsuk-button nhsuk-button--secondary" type="submit">
              Add note
            </button>
          </form>
        )}
      </section>
    </>
  );
};
