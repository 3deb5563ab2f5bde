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
  readonly dueAt: string;
}
/** A handoff as `GET /handoffs/{id}` answers it: with this caller's answers, and its version. */
interface HandoffDetail extends Handoff {
  readonly allowedActions: readonly ('accept' | 'decline' | 'withdraw')[];
  readonly etag: string;
}
interface AccessEntry {
  readonly at: string;
  readonly actor: { readonly sub: string; readonly org: string; readonly role: string };
  readonly what: string;
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

/** What the page says when its `If-Match` lost to someone else's change. */
const CHANGED_MEANWHILE =
  'Someone else changed this referral while you had it open, so nothing was changed. It has been reloaded: check it and try again.';

/** The fields of a form as a JSON body, empty ones left out. */
const bodyOf = (form: HTMLFormElement): Record<string, string> => {
  const body: Record<string, string> = {};
  for (const [key, value] of new FormData(form)) if (typeof value === 'string' && value !== '') body[key] = value;
  return body;
};

/**
 * Sends one change with `If-Match`: `onDone` with `doneText`, or the conflict explained
 * (409/412, the page then reloads), or the problem for the form to show.
 */
const sendChange = async (
  path: string,
  body: Record<string, string>,
  headers: Record<string, string>,
  onDone: (message: string) => void,
  doneText: string,
): Promise<string> => {
  try {
    await api('POST', path, body, headers);
    onDone(doneText);
    return '';
  } catch (e) {
    if (e instanceof ApiProblemError && (e.status === 409 || e.status === 412)) {
      onDone(CHANGED_MEANWHILE);
      return '';
    }
    return problemText(e, 'That did not work.');
  }
};

/** A form's own error, announced. */
const FormError = (props: { message: string }) =>
  props.message ? (
    <div class="nhsuk-error-message" role="alert">
      {props.message}
    </div>
  ) : null;

/** A comment box (`name` defaults to `comment`), optional unless `required`. */
const CommentField = (props: { id: string; required?: boolean; name?: string; label?: string }) => (
  <div class="nhsuk-form-group">
    <label class="nhsuk-label" for={props.id}>
      {props.label ?? 'Comment'}
      {props.required ? '' : ' (optional)'}
    </label>
    <textarea class="nhsuk-textarea" id={props.id} name={props.name ?? 'comment'} rows={3} required={props.required} />
  </div>
);

/** A select of coded values. */
const CodeSelect = (props: { id: string; name: string; label: string; options: readonly Coded[] }) => (
  <div class="nhsuk-form-group">
    <label class="nhsuk-label" for={props.id}>
      {props.label}
    </label>
    <select class="nhsuk-select" id={props.id} name={props.name} required>
      {props.options.map((o) => (
        <option key={o.code} value={o.code}>
          {o.label}
        </option>
      ))}
    </select>
  </div>
);
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
    error.value = await sendChange(
      `/referrals/${referral.id}/${action}`,
      bodyOf(event.currentTarget as HTMLFormElement),
      { 'If-Match': props.etag },
      props.onDone,
      `${label(action)}: done.`,
    );
  };
  return (
    <form class="nhsuk-form-group jointly-action-form" onSubmit={submit} method="post" aria-label={label(action)}>
      <FormError message={error.value} />
      {FIELDS[action]?.map((field) => {
        const id = `${action}-${field}`;
        if (field === 'comment') return <CommentField key={id} id={id} required={COMMENT_REQUIRED.has(action)} />;
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
        const fieldLabel = { reasonCode: 'Reason', outcome: 'Outcome', priority: 'Priority', toOrg: 'Redirect to' }[field];
        return <CodeSelect key={id} id={id} name={field} label={fieldLabel} options={options} />;
      })}
      <button class="nhsuk-button" type="submit">
        {label(action)}
      </button>
    </form>
  );
};

/**
 * The referral's handoffs. An offered one is read again (`GET /handoffs/{id}`) for this
 * caller's answers and its version: accept, decline (with a reason) and withdraw, each sent
 * with the handoff's `If-Match`. The responsible organisation's practitioners may offer one.
 */
const Handoffs = (props: { referral: Referral; reference: Reference; etag: string; onDone: (message: string) => void }) => {
  const { referral, reference } = props;
  const details = useSignal<Readonly<Record<string, HandoffDetail>>>({});
  const open = useSignal('');
  const error = useSignal('');
  const handoffs = referral.handoffs ?? [];
  useEffect(() => {
    const offered = handoffs.filter((h) => h.status === 'offered');
    void Promise.all(
      offered.map(async (h) => {
        const answer = await apiResponse<HandoffDetail>('GET', `/handoffs/${encodeURIComponent(h.id)}`);
        return [h.id, { ...answer.body, etag: answer.etag ?? '' }] as const;
      }),
    ).then(
      (entries) => (details.value = Object.fromEntries(entries)),
      (e) => (error.value = problemText(e, 'The handoff could not be loaded.')),
    );
  }, [referral]);

  const me = session.value;
  const mayOffer =
    referral.status === 'accepted' &&
    me?.org === referral.ownerOrg &&
    me.roles.includes('practitioner') &&
    !handoffs.some((h) => h.status === 'offered');
  const submit = (path: string, headers: Record<string, string>, doneText: string) => async (event: Event) => {
    event.preventDefault();
    error.value = await sendChange(path, bodyOf(event.currentTarget as HTMLFormElement), headers, props.onDone, doneText);
    if (!error.value) open.value = '';
  };
  const toggle = (key: string) => () => {
    open.value = open.value === key ? '' : key;
    error.value = '';
  };

  return (
    <section aria-labelledby="handoffs-heading">
      <h2 id="handoffs-heading">Handoffs</h2>
      {handoffs.length === 0 && <p>No handoffs.</p>}
      <ul class="nhsuk-list">
        {handoffs.map((h) => {
          const detail = details.value[h.id];
          return (
            <li key={h.id} class="jointly-handoff">
              <p>
                <strong>
                  {h.fromOrg} to {h.toOrg}: {h.status}
                </strong>
                {h.status === 'offered' && `, answer due ${when(h.dueAt)}`}
                {h.reason && ` – “${h.reason}”`}
              </p>
              {detail && detail.allowedActions.length > 0 && (
                <div class="jointly-actions">
                  {detail.allowedActions.map((action) => (
                    <button
                      key={action}
                      type="button"
                      class="nhsuk-button nhsuk-button--secondary"
                      aria-expanded={open.value === `${h.id}:${action}`}
                      onClick={toggle(`${h.id}:${action}`)}
                    >
                      {label(action)} the handoff
                    </button>
                  ))}
                </div>
              )}
              {detail?.allowedActions.map(
                (action) =>
                  open.value === `${h.id}:${action}` && (
                    <form
                      key={action}
                      method="post"
                      aria-label={`${label(action)} the handoff`}
                      onSubmit={submit(`/handoffs/${h.id}/${action}`, { 'If-Match': detail.etag }, `Handoff: ${action} done.`)}
                    >
                      <FormError message={error.value} />
                      {action === 'decline' && (
                        <CodeSelect id="handoff-reasonCode" name="reasonCode" label="Reason" options={reference.declineReasonCodes} />
                      )}
                      <CommentField id={`handoff-${action}-comment`} />
                      <button class="nhsuk-button" type="submit">
                        {label(action)} the handoff
                      </button>
                    </form>
                  ),
              )}
            </li>
          );
        })}
      </ul>
      {mayOffer && (
        <>
          <button
            type="button"
            class="nhsuk-button nhsuk-button--secondary"
            aria-expanded={open.value === 'offer'}
            onClick={toggle('offer')}
          >
            Offer a handoff
          </button>
          {open.value === 'offer' && (
            <form
              method="post"
              aria-label="Offer a handoff"
              onSubmit={submit(
                `/referrals/${referral.id}/handoffs`,
                { 'If-Match': props.etag, 'Idempotency-Key': crypto.randomUUID() },
                'Handoff offered.',
              )}
            >
              <FormError message={error.value} />
              <CodeSelect
                id="handoff-toOrg"
                name="toOrg"
                label="Offer responsibility to"
                options={reference.organisations.filter((o) => o.id !== referral.ownerOrg).map((o) => ({ code: o.id, label: o.name }))}
              />
              <CommentField id="handoff-reason" name="reason" label="Why" required />
              <button class="nhsuk-button" type="submit">
                Offer the handoff
              </button>
            </form>
          )}
        </>
      )}
    </section>
  );
};

/** Who read this referral's personal data, newest first, as the API records it. */
const AccessLog = (props: { referral: Referral }) => {
  const entries = useSignal<AccessEntry[] | undefined>(undefined);
  const error = useSignal('');
  useEffect(() => {
    api<Page<AccessEntry>>('GET', `/referrals/${encodeURIComponent(props.referral.id)}/access-log?limit=25`).then(
      (page) => (entries.value = page.items),
      (e) => (error.value = problemText(e, 'The access log could not be loaded.')),
    );
  }, [props.referral]);
  return (
    <section aria-labelledby="access-heading">
      <h2 id="access-heading">Who has read this referral</h2>
      {error.value && <p>{error.value}</p>}
      {entries.value && entries.value.length === 0 && <p>No reads recorded yet.</p>}
      {entries.value && entries.value.length > 0 && (
        <table class="nhsuk-table jointly-wrap">
          <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">The latest reads of this referral’s personal data</caption>
          <thead class="nhsuk-table__head">
            <tr class="nhsuk-table__row">
              <th scope="col" class="nhsuk-table__header">
                When
              </th>
              <th scope="col" class="nhsuk-table__header">
                Who
              </th>
              <th scope="col" class="nhsuk-table__header">
                What
              </th>
            </tr>
          </thead>
          <tbody class="nhsuk-table__body">
            {entries.value.map((entry) => (
              <tr key={`${entry.at}-${entry.actor.sub}-${entry.what}`} class="nhsuk-table__row">
                <td class="nhsuk-table__cell">{when(entry.at)}</td>
                <td class="nhsuk-table__cell">
                  {entry.actor.sub} ({entry.actor.org}, {entry.actor.role.replace('_', ' ')})
                </td>
                <td class="nhsuk-table__cell">{entry.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
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
      <Handoffs referral={r} reference={reference.value} etag={etag.value} onDone={done} />
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
      <AccessLog referral={r} />
    </>
  );
};
