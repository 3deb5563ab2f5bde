/**
 * Subscriptions: the signed-in user's own, each with its event types, channel, status and
 * expiry; renew one, delete one (after an "are you sure" step), and for webhook and email
 * channels the last delivery attempts and a redrive of the dead letters. A form makes a new
 * one; what the API refuses is shown the design system's way, each problem linked to its input.
 * Anyone signed in may subscribe: the API keeps a practitioner to their own organisation.
 */
import { useSignal, type Signal } from '@preact/signals';
import type { ComponentChild } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { api, session, type Page } from '../api.ts';
import { shownErrors, targetOf, type FieldTarget, type ShownError } from '../field-errors.ts';
import { ErrorSummary, problemText, when } from '../ui.tsx';

type Channel = { type: 'inbox' } | { type: 'webhook'; url: string; payload?: string } | { type: 'email'; address: string };

interface Subscription {
  readonly id: string;
  readonly eventTypes: readonly string[];
  readonly filters: {
    readonly orgs?: readonly string[];
    readonly serviceAreas?: readonly string[];
    readonly priorities?: readonly string[];
  };
  readonly channel: Channel;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly status: 'active' | 'expired' | 'disabled';
  readonly quietHours?: { readonly start: string; readonly end: string; readonly timeZone: string; readonly days?: readonly string[] };
  readonly delivery: { readonly mode: 'immediate' } | { readonly mode: 'digest'; readonly schedule: string; readonly timeZone: string };
}

interface Delivery {
  readonly eventId?: string;
  readonly digestId?: string;
  readonly eventCount?: number;
  readonly attempt: number;
  readonly at: string;
  readonly outcome: 'delivered' | 'failed' | 'dead-lettered';
  readonly httpStatus?: number;
  readonly error?: string;
}

/** How many delivery attempts a subscription shows: enough to see a failure and its retries. */
const LAST_DELIVERIES = 5;

/** After a redrive, how often and how long the page looks for the new attempts. */
const REDRIVE_POLL_MS = 1_000;
const REDRIVE_WATCH_MS = 30_000;

/** The event families one may tick; exact types go in the text input beside them. */
const EVENT_FAMILIES = [
  {
    pattern: 'referral.*',
    label: 'Referral events',
    hint: 'Submitted, accepted, declined, redirected, information asked for and given, amended, completed, cancelled, overdue',
  },
  { pattern: 'handoff.*', label: 'Handoff events', hint: 'Offered, accepted, declined, withdrawn, overdue' },
  { pattern: 'note.*', label: 'Case notes added', hint: 'That a note was added, never its text' },
] as const;

const familyId = (pattern: string) => `event-type-${pattern.split('.')[0]}`;

/** The form's inputs by the API's field paths (problem+json `errors[].path`). */
const FORM_TARGETS: Readonly<Record<string, FieldTarget>> = {
  eventTypes: { id: familyId('referral.*'), label: 'Event types' },
  channel: { id: 'channel-inbox', label: 'Where to send them' },
  'channel.url': { id: 'webhook-url', label: 'Webhook URL' },
  'channel.secret': { id: 'webhook-secret', label: 'Signing secret' },
  'channel.address': { id: 'email-address', label: 'Email address' },
  quietHours: { id: 'quiet-hours', label: 'Quiet hours' },
  'quietHours.start': { id: 'quiet-start', label: 'Quiet hours start' },
  'quietHours.end': { id: 'quiet-end', label: 'Quiet hours end' },
  'quietHours.timeZone': { id: 'time-zone', label: 'Time zone' },
  delivery: { id: 'delivery-immediate', label: 'How often' },
  'delivery.schedule': { id: 'digest-time', label: 'Daily digest time' },
  'delivery.timeZone': { id: 'time-zone', label: 'Time zone' },
};
const OTHER_TYPES: FieldTarget = { id: 'event-types-other', label: 'Other event types' };

const channelName = (channel: Channel): string =>
  channel.type === 'inbox' ? 'Alerts inbox' : channel.type === 'webhook' ? 'Webhook' : 'Email';

/** Whether a subscription pushes (and so has deliveries): webhook and email, not the inbox. */
const pushes = (s: Subscription): boolean => s.channel.type !== 'inbox';

const outcomeText = (d: Delivery): string => {
  const why = d.httpStatus !== undefined ? ` (HTTP ${d.httpStatus})` : d.error ? ` (${d.error})` : '';
  return `${{ delivered: 'Delivered', failed: 'Failed, to be retried', 'dead-lettered': 'Dead-lettered' }[d.outcome]}${why}`;
};
const OUTCOME_TAG = { delivered: 'nhsuk-tag--green', failed: 'nhsuk-tag--orange', 'dead-lettered': 'nhsuk-tag--red' } as const;
const STATUS_TAG = {
  active: ['nhsuk-tag--green', 'Active'],
  expired: ['nhsuk-tag--grey', 'Expired'],
  disabled: ['nhsuk-tag--red', 'Disabled by a programme manager'],
} as const;

/** The identity of a subscription's newest attempt, to notice when a newer one appears. */
const newestKey = (list: readonly Delivery[] | undefined): string => {
  const first = list?.[0];
  return first ? `${first.eventId ?? first.digestId}/${first.attempt}/${first.at}` : '';
};

/**
 * Moves focus to an error summary link's input, and scrolls what names it into view (as
 * nhsuk-frontend does): a checkbox's or radio's group question, any other input's label.
 * The link's own jump would leave the label above the screen, and put a fragment in the URL.
 */
const focusField = (event: MouseEvent, id: string): void => {
  const input = document.getElementById(id);
  if (!input) return;
  event.preventDefault();
  input.focus({ preventScroll: true });
  const choice = input instanceof HTMLInputElement && (input.type === 'checkbox' || input.type === 'radio');
  const name = choice ? input.closest('fieldset')?.querySelector('legend') : document.querySelector(`label[for="${id}"]`);
  (name ?? input).scrollIntoView({ block: 'start' });
};

/** The design system's error summary, each problem linked to its input; focused when it appears. */
const FieldErrorSummary = (props: { errors: readonly ShownError[] }) => {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (props.errors.length > 0) ref.current?.focus();
  }, [props.errors]);
  if (props.errors.length === 0) return null;
  return (
    <div class="nhsuk-error-summary" ref={ref} tabIndex={-1}>
      <div role="alert">
        <h2 class="nhsuk-error-summary__title">There is a problem</h2>
        <div class="nhsuk-error-summary__body">
          <ul class="nhsuk-list nhsuk-error-summary__list">
            {props.errors.map((shown, i) => (
              <li key={`${i}:${shown.text}`}>
                {shown.targetId ? (
                  <a href={`#${shown.targetId}`} onClick={(e) => focusField(e, shown.targetId!)}>
                    {shown.text}
                  </a>
                ) : (
                  shown.text
                )}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
};

/** An input's own error message, under its label. */
const FieldMessage = (props: { id: string; errors: ReadonlyMap<string, string> }) => {
  const message = props.errors.get(props.id);
  return message ? (
    <span class="nhsuk-error-message" id={`${props.id}-error`}>
      <span class="nhsuk-u-visually-hidden">Error: </span>
      {message}
    </span>
  ) : null;
};

/**
 * `aria-describedby` for an input or a fieldset: its hint (if any), and the error message of
 * `id` (the input, or the input that stands for the group) when it has one.
 */
const describedBy = (hintId: string, id: string, errors: ReadonlyMap<string, string>): string | undefined =>
  [hintId, errors.has(id) ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

const groupClass = (errors: ReadonlyMap<string, string>, id: string) =>
  errors.has(id) ? 'nhsuk-form-group nhsuk-form-group--error' : 'nhsuk-form-group';

/** A text input in its form group: label, hint, own error message. */
const TextField = (props: {
  id: string;
  label: string;
  hint?: string;
  value: Signal<string>;
  errors: ReadonlyMap<string, string>;
  type?: 'text' | 'url' | 'email' | 'password';
  width?: string;
  inputMode?: 'numeric' | 'url' | 'email';
}) => (
  <div class={groupClass(props.errors, props.id)}>
    <label class="nhsuk-label" for={props.id}>
      {props.label}
    </label>
    {props.hint && (
      <div class="nhsuk-hint" id={`${props.id}-hint`}>
        {props.hint}
      </div>
    )}
    <FieldMessage id={props.id} errors={props.errors} />
    <input
      class={`nhsuk-input ${props.width ?? ''} ${props.errors.has(props.id) ? 'nhsuk-input--error' : ''}`.trim()}
      id={props.id}
      name={props.id}
      // Preact types each `type` separately; one component serves the four text-like ones.
      type={(props.type ?? 'text') as 'text'}
      spellcheck={false}
      autocomplete="off"
      {...(props.inputMode ? { inputMode: props.inputMode } : {})}
      aria-describedby={describedBy(props.hint ? `${props.id}-hint` : '', props.id, props.errors)}
      value={props.value.value}
      onInput={(e) => (props.value.value = e.currentTarget.value)}
    />
  </div>
);

/** One radio or checkbox, with an optional hint. */
const Choice = (props: {
  kind: 'radio' | 'checkbox';
  id: string;
  name: string;
  value: string;
  label: string;
  hint?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) => {
  const prefix = props.kind === 'radio' ? 'nhsuk-radios' : 'nhsuk-checkboxes';
  return (
    <div class={`${prefix}__item`}>
      <input
        class={`${prefix}__input`}
        id={props.id}
        name={props.name}
        type={props.kind}
        value={props.value}
        checked={props.checked}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />
      <label class={`nhsuk-label ${prefix}__label`} for={props.id}>
        {props.label}
      </label>
      {props.hint && (
        <div class={`nhsuk-hint ${prefix}__hint`} id={`${props.id}-hint`}>
          {props.hint}
        </div>
      )}
    </div>
  );
};

/** The new-subscription form; `onCreated` hears of each subscription made. */
const CreateForm = (props: { onCreated: (subscription: Subscription) => void }) => {
  const families = useSignal<readonly string[]>([]);
  const otherTypes = useSignal('');
  const channel = useSignal<Channel['type']>('inbox');
  const url = useSignal('');
  const secret = useSignal('');
  const address = useSignal('');
  const quiet = useSignal(false);
  const quietStart = useSignal('');
  const quietEnd = useSignal('');
  const mode = useSignal<'immediate' | 'hourly' | 'daily'>('immediate');
  const dailyAt = useSignal('');
  const timeZone = useSignal('Europe/London');
  const summary = useSignal<ShownError[]>([]);
  const fieldErrors = useSignal<ReadonlyMap<string, string>>(new Map());
  const busy = useSignal(false);
  const programmeWide = session.value?.roles.includes('programme_manager') ?? false;

  const reset = () => {
    for (const text of [otherTypes, url, secret, address, quietStart, quietEnd, dailyAt]) text.value = '';
    families.value = [];
    channel.value = 'inbox';
    quiet.value = false;
    mode.value = 'immediate';
    timeZone.value = 'Europe/London';
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    const typed = otherTypes.value.split(/[\s,]+/).filter(Boolean);
    const eventTypes = [...families.value, ...typed];
    const push = channel.value !== 'inbox';
    const zone = timeZone.value.trim();
    // Every rule is the API's: the form sends what was entered, and shows what it refuses.
    const body = {
      eventTypes,
      channel:
        channel.value === 'webhook'
          ? { type: 'webhook', url: url.value.trim(), secret: secret.value }
          : channel.value === 'email'
            ? { type: 'email', address: address.value.trim() }
            : { type: 'inbox' },
      ...(push && quiet.value ? { quietHours: { start: quietStart.value.trim(), end: quietEnd.value.trim(), timeZone: zone } } : {}),
      ...(push && mode.value !== 'immediate'
        ? { delivery: { mode: 'digest', schedule: mode.value === 'hourly' ? 'hourly' : `daily ${dailyAt.value.trim()}`, timeZone: zone } }
        : {}),
    };
    // `eventTypes.3` is the fourth pattern sent: a ticked family, or one typed in the text input.
    const targets = (path: string): FieldTarget | undefined => {
      const index = /^eventTypes\.(\d+)$/.exec(path)?.[1];
      if (index !== undefined) {
        const i = Number(index);
        return i < families.value.length ? FORM_TARGETS.eventTypes : OTHER_TYPES;
      }
      return targetOf(path, FORM_TARGETS);
    };
    busy.value = true;
    try {
      const created = await api<Subscription>('POST', '/subscriptions', body);
      summary.value = [];
      fieldErrors.value = new Map();
      reset();
      props.onCreated(created);
    } catch (e) {
      const shown = shownErrors(e, targets, 'The subscription could not be made: try again.');
      fieldErrors.value = shown.byId;
      summary.value = shown.summary;
    } finally {
      busy.value = false;
    }
  };

  const errors = fieldErrors.value;
  const toggleFamily = (pattern: string, on: boolean) => {
    families.value = on
      ? EVENT_FAMILIES.map((f) => f.pattern).filter((p) => p === pattern || families.value.includes(p))
      : families.value.filter((p) => p !== pattern);
  };
  const push = channel.value !== 'inbox';
  const zoned = push && (quiet.value || mode.value !== 'immediate');
  const familyErrorId = familyId('referral.*');
  return (
    <section aria-labelledby="create-heading">
      <h2 id="create-heading">Add a subscription</h2>
      <FieldErrorSummary errors={summary.value} />
      <form onSubmit={submit} method="post" noValidate aria-labelledby="create-heading">
        <div class={groupClass(errors, familyErrorId)}>
          <fieldset class="nhsuk-fieldset" aria-describedby={describedBy('event-types-hint', familyErrorId, errors)}>
            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Which events?</legend>
            <div class="nhsuk-hint" id="event-types-hint">
              {programmeWide
                ? 'Tick at least one, or type exact event types below. You hear about every organisation’s referrals.'
                : 'Tick at least one, or type exact event types below. You hear about your own organisation’s referrals.'}
            </div>
            <FieldMessage id={familyErrorId} errors={errors} />
            <div class="nhsuk-checkboxes">
              {EVENT_FAMILIES.map((family) => (
                <Choice
                  key={family.pattern}
                  kind="checkbox"
                  id={familyId(family.pattern)}
                  name="eventTypes"
                  value={family.pattern}
                  label={`${family.label} (${family.pattern})`}
                  hint={family.hint}
                  checked={families.value.includes(family.pattern)}
                  onChange={(on) => toggleFamily(family.pattern, on)}
                />
              ))}
            </div>
          </fieldset>
        </div>
        <TextField
          id={OTHER_TYPES.id}
          label="Other event types (optional)"
          hint="Exact types, separated by commas or spaces, for example: referral.overdue, handoff.overdue"
          value={otherTypes}
          errors={errors}
        />

        <div class={groupClass(errors, 'channel-inbox')}>
          <fieldset class="nhsuk-fieldset" aria-describedby={describedBy('', 'channel-inbox', errors)}>
            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Where should they go?</legend>
            <FieldMessage id="channel-inbox" errors={errors} />
            <div class="nhsuk-radios">
              <Choice
                kind="radio"
                id="channel-inbox"
                name="channel"
                value="inbox"
                label="Your alerts in Jointly"
                hint="They appear on the Alerts page"
                checked={channel.value === 'inbox'}
                onChange={() => (channel.value = 'inbox')}
              />
              <Choice
                kind="radio"
                id="channel-webhook"
                name="channel"
                value="webhook"
                label="A webhook: your system’s address"
                checked={channel.value === 'webhook'}
                onChange={() => (channel.value = 'webhook')}
              />
              {channel.value === 'webhook' && (
                <div class="nhsuk-radios__conditional" id="channel-webhook-conditional">
                  <TextField
                    id="webhook-url"
                    label="Webhook URL"
                    hint="It must start with https:// and be reachable from the internet. Jointly posts each event to it."
                    type="url"
                    inputMode="url"
                    value={url}
                    errors={errors}
                  />
                  <TextField
                    id="webhook-secret"
                    label="Signing secret"
                    hint="At least 16 characters. Jointly signs each delivery with it (the Jointly-Signature header), and never shows it again."
                    type="password"
                    value={secret}
                    errors={errors}
                  />
                </div>
              )}
              <Choice
                kind="radio"
                id="channel-email"
                name="channel"
                value="email"
                label="An email address"
                checked={channel.value === 'email'}
                onChange={() => (channel.value = 'email')}
              />
              {channel.value === 'email' && (
                <div class="nhsuk-radios__conditional" id="channel-email-conditional">
                  <TextField
                    id="email-address"
                    label="Email address"
                    hint="It must be at your organisation’s email domain."
                    type="email"
                    inputMode="email"
                    value={address}
                    errors={errors}
                  />
                </div>
              )}
            </div>
          </fieldset>
        </div>

        {push && (
          <>
            <div class={groupClass(errors, 'quiet-hours')}>
              <fieldset class="nhsuk-fieldset" aria-describedby={describedBy('', 'quiet-hours', errors)}>
                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Quiet hours (optional)</legend>
                <FieldMessage id="quiet-hours" errors={errors} />
                <div class="nhsuk-checkboxes">
                  <Choice
                    kind="checkbox"
                    id="quiet-hours"
                    name="quietHours"
                    value="yes"
                    label="Hold deliveries during quiet hours"
                    hint="They are sent when quiet hours end. Urgent overdue events still go at once."
                    checked={quiet.value}
                    onChange={(on) => (quiet.value = on)}
                  />
                  {quiet.value && (
                    <div class="nhsuk-checkboxes__conditional" id="quiet-hours-conditional">
                      <TextField
                        id="quiet-start"
                        label="From"
                        hint="24-hour clock, for example 20:00"
                        width="nhsuk-input--width-5"
                        inputMode="numeric"
                        value={quietStart}
                        errors={errors}
                      />
                      <TextField
                        id="quiet-end"
                        label="Until"
                        hint="For example 07:00. A time before the start is the next morning."
                        width="nhsuk-input--width-5"
                        inputMode="numeric"
                        value={quietEnd}
                        errors={errors}
                      />
                    </div>
                  )}
                </div>
              </fieldset>
            </div>

            <div class={groupClass(errors, 'delivery-immediate')}>
              <fieldset class="nhsuk-fieldset" aria-describedby={describedBy('', 'delivery-immediate', errors)}>
                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">How often?</legend>
                <FieldMessage id="delivery-immediate" errors={errors} />
                <div class="nhsuk-radios">
                  <Choice
                    kind="radio"
                    id="delivery-immediate"
                    name="delivery"
                    value="immediate"
                    label="As each event happens"
                    checked={mode.value === 'immediate'}
                    onChange={() => (mode.value = 'immediate')}
                  />
                  <Choice
                    kind="radio"
                    id="delivery-hourly"
                    name="delivery"
                    value="hourly"
                    label="An hourly digest"
                    checked={mode.value === 'hourly'}
                    onChange={() => (mode.value = 'hourly')}
                  />
                  <Choice
                    kind="radio"
                    id="delivery-daily"
                    name="delivery"
                    value="daily"
                    label="A daily digest"
                    checked={mode.value === 'daily'}
                    onChange={() => (mode.value = 'daily')}
                  />
                  {mode.value === 'daily' && (
                    <div class="nhsuk-radios__conditional" id="delivery-daily-conditional">
                      <TextField
                        id="digest-time"
                        label="Send it at"
                        hint="24-hour clock, for example 08:00"
                        width="nhsuk-input--width-5"
                        inputMode="numeric"
                        value={dailyAt}
                        errors={errors}
                      />
                    </div>
                  )}
                </div>
              </fieldset>
            </div>

            {zoned && (
              <TextField
                id="time-zone"
                label="Time zone"
                hint="The times above are in this zone, and follow its clock changes. For example Europe/London."
                width="nhsuk-input--width-20"
                value={timeZone}
                errors={errors}
              />
            )}
          </>
        )}

        <button class="nhsuk-button" type="submit">
          Subscribe
        </button>
      </form>
    </section>
  );
};

/** The last delivery attempts of a webhook or email subscription. */
const DeliveriesTable = (props: { id: string; deliveries: readonly Delivery[] | 'error' | undefined }) => {
  const headingId = `deliveries-${props.id}-heading`;
  const list = props.deliveries;
  return (
    <>
      <h4 class="nhsuk-heading-xs" id={headingId}>
        Last deliveries
      </h4>
      {list === undefined ? (
        <p class="nhsuk-body-s">Loading the deliveries…</p>
      ) : list === 'error' ? (
        <p class="nhsuk-body-s">The deliveries could not be loaded: refresh the list to try again.</p>
      ) : list.length === 0 ? (
        <p class="nhsuk-body-s">Nothing has been sent yet.</p>
      ) : (
        <table class="nhsuk-table nhsuk-table--responsive jointly-deliveries" aria-labelledby={headingId}>
          <thead class="nhsuk-table__head">
            <tr class="nhsuk-table__row">
              {['When', 'Event', 'Attempt', 'Outcome'].map((column) => (
                <th key={column} scope="col" class="nhsuk-table__header">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody class="nhsuk-table__body">
            {list.map((d) => (
              <tr class="nhsuk-table__row" key={`${d.eventId ?? d.digestId}/${d.attempt}/${d.at}`}>
                {[
                  ['When', when(d.at)],
                  ['Event', d.eventId ?? `Digest of ${d.eventCount ?? 0} events, ${d.digestId ?? ''}`],
                  ['Attempt', String(d.attempt)],
                ].map(([column, value]) => (
                  <td class="nhsuk-table__cell" key={column}>
                    <span class="nhsuk-table__heading" aria-hidden="true">
                      {column}{' '}
                    </span>
                    {value}
                  </td>
                ))}
                <td class="nhsuk-table__cell">
                  <span class="nhsuk-table__heading" aria-hidden="true">
                    Outcome{' '}
                  </span>
                  <span>
                    <strong class={`nhsuk-tag ${OUTCOME_TAG[d.outcome]}`}>{outcomeText(d)}</strong>
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
};

/** One subscription: what it hears, where it goes, until when; renew, delete, redrive. */
const SubscriptionCard = (props: {
  subscription: Subscription;
  deliveries: readonly Delivery[] | 'error' | undefined;
  onRenewed: (renewed: Subscription) => void;
  onDeleted: () => void;
  onRedriven: () => void;
}) => {
  const s = props.subscription;
  const message = useSignal('');
  const confirming = useSignal(false);
  const confirmRef = useRef<HTMLHeadingElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);
  const headingId = `subscription-${s.id}-heading`;
  const name = `${channelName(s.channel)}: ${s.eventTypes.join(', ')}`;
  const [tagClass, statusText] = STATUS_TAG[s.status];

  // The question takes focus when it appears; "No, keep it" gives it back to Delete (rendered again by then).
  const backToDelete = useRef(false);
  useEffect(() => {
    if (confirming.value) confirmRef.current?.focus();
    else if (backToDelete.current) {
      backToDelete.current = false;
      deleteRef.current?.focus();
    }
  }, [confirming.value]);

  const renew = async () => {
    try {
      const renewed = await api<Subscription>('POST', `/subscriptions/${encodeURIComponent(s.id)}/renew`);
      message.value = `Renewed: it now runs until ${when(renewed.expiresAt)}.`;
      props.onRenewed(renewed);
    } catch (e) {
      message.value = problemText(e, 'It could not be renewed: try again.');
    }
  };
  const remove = async () => {
    try {
      await api('DELETE', `/subscriptions/${encodeURIComponent(s.id)}`);
      props.onDeleted();
    } catch (e) {
      backToDelete.current = true;
      confirming.value = false;
      message.value = problemText(e, 'It could not be deleted: try again.');
    }
  };
  const redrive = async () => {
    try {
      const { redriven } = await api<{ redriven: number }>('POST', `/subscriptions/${encodeURIComponent(s.id)}/redrive`);
      message.value =
        redriven === 0
          ? 'There were no dead letters to send again.'
          : `${redriven} dead ${redriven === 1 ? 'letter was' : 'letters were'} queued again: the new attempts appear under Last deliveries.`;
      if (redriven > 0) props.onRedriven();
    } catch (e) {
      message.value = problemText(e, 'The dead letters could not be queued again: try again.');
    }
  };
  const keep = () => {
    backToDelete.current = true;
    confirming.value = false;
  };

  const rows: [string, ComponentChild][] = [
    ['Status', <strong class={`nhsuk-tag ${tagClass}`}>{statusText}</strong>],
    ['Events', s.eventTypes.join(', ')],
    ['Sent to', s.channel.type === 'inbox' ? 'Your alerts in Jointly' : s.channel.type === 'webhook' ? s.channel.url : s.channel.address],
    ['Organisations', s.filters.orgs?.join(', ') ?? 'Every organisation'],
    ...(s.filters.serviceAreas ? [['Service areas', s.filters.serviceAreas.join(', ')] as [string, string]] : []),
    ...(s.filters.priorities ? [['Priorities', s.filters.priorities.join(', ')] as [string, string]] : []),
    ...(s.quietHours
      ? [['Quiet hours', `${s.quietHours.start} to ${s.quietHours.end} (${s.quietHours.timeZone})`] as [string, string]]
      : []),
    ...(pushes(s)
      ? [
          [
            'How often',
            s.delivery.mode === 'digest' ? `Digest, ${s.delivery.schedule} (${s.delivery.timeZone})` : 'As each event happens',
          ] as [string, string],
        ]
      : []),
    [s.status === 'expired' ? 'Expired' : 'Runs until', when(s.expiresAt)],
  ];

  return (
    <li class="jointly-subscription">
      <article class="nhsuk-card" aria-labelledby={headingId}>
        <div class="nhsuk-card__content">
          <h3 class="nhsuk-card__heading nhsuk-heading-s" id={headingId}>
            {name}
          </h3>
          <dl class="nhsuk-summary-list">
            {rows.map(([key, value]) => (
              <div class="nhsuk-summary-list__row" key={key}>
                <dt class="nhsuk-summary-list__key">{key}</dt>
                <dd class="nhsuk-summary-list__value">{value}</dd>
              </div>
            ))}
          </dl>
          <div aria-live="polite">{message.value && <p class="nhsuk-inset-text jointly-card-message">{message.value}</p>}</div>
          {confirming.value ? (
            <div class="nhsuk-warning-callout">
              <h4 class="nhsuk-warning-callout__label" id={`${headingId}-confirm`} tabIndex={-1} ref={confirmRef}>
                <span class="nhsuk-u-visually-hidden">Important: </span>Are you sure you want to delete this subscription?
              </h4>
              <p>
                {name}. It stops at once{pushes(s) ? ', with its delivery history and anything held for later' : ''}. This cannot be undone.
              </p>
              <div class="nhsuk-button-group">
                <button class="nhsuk-button nhsuk-button--warning" type="button" onClick={remove}>
                  Yes, delete it
                </button>
                <button class="nhsuk-button nhsuk-button--secondary" type="button" onClick={keep}>
                  No, keep it
                </button>
              </div>
            </div>
          ) : (
            <div class="nhsuk-button-group">
              {s.status !== 'disabled' && (
                <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" onClick={renew}>
                  Renew<span class="nhsuk-u-visually-hidden"> {name}</span>
                </button>
              )}
              <button
                class="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                type="button"
                ref={deleteRef}
                onClick={() => (confirming.value = true)}
              >
                Delete<span class="nhsuk-u-visually-hidden"> {name}</span>
              </button>
              {pushes(s) && (
                <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" onClick={redrive}>
                  Redrive dead letters<span class="nhsuk-u-visually-hidden"> of {name}</span>
                </button>
              )}
            </div>
          )}
          {pushes(s) && (
            <>
              <DeliveriesTable id={s.id} deliveries={props.deliveries} />
              <p class="nhsuk-body-s">
                A delivery that keeps failing is dead-lettered after its last attempt. Once the receiver is working again, Redrive dead
                letters sends them again.
              </p>
            </>
          )}
        </div>
      </article>
    </li>
  );
};

export const Subscriptions = () => {
  const subscriptions = useSignal<Subscription[] | undefined>(undefined);
  const deliveries = useSignal<Readonly<Record<string, readonly Delivery[] | 'error'>>>({});
  const loadError = useSignal('');
  const banner = useSignal('');
  const bannerRef = useRef<HTMLElement>(null);
  // Polls started after a redrive stop when the page goes.
  const mounted = useRef(true);

  const loadDeliveries = async (id: string): Promise<readonly Delivery[] | 'error'> => {
    const list = await api<Page<Delivery>>('GET', `/subscriptions/${encodeURIComponent(id)}/deliveries?limit=${LAST_DELIVERIES}`)
      .then((page) => page.items)
      .catch(() => 'error' as const);
    deliveries.value = { ...deliveries.value, [id]: list };
    return list;
  };

  const load = async () => {
    try {
      // The cap per person is 20 by default: one page holds them all.
      const page = await api<Page<Subscription>>('GET', '/subscriptions?limit=100');
      subscriptions.value = page.items;
      loadError.value = '';
      await Promise.all(page.items.filter(pushes).map((s) => loadDeliveries(s.id)));
    } catch (e) {
      loadError.value = problemText(e, 'Your subscriptions could not be loaded.');
    }
  };

  useEffect(() => {
    void load();
    return () => {
      mounted.current = false;
    };
  }, []);

  const announce = (text: string) => {
    banner.value = text;
    // The banner takes focus so that keyboard users land on the news, not on a button that went.
    requestAnimationFrame(() => bannerRef.current?.focus());
  };

  /** After a redrive: look again every second until a newer attempt shows, for up to 30 s. */
  const watchDeliveries = async (id: string) => {
    const before = newestKey(Array.isArray(deliveries.value[id]) ? (deliveries.value[id] as readonly Delivery[]) : undefined);
    const deadline = Date.now() + REDRIVE_WATCH_MS;
    while (mounted.current && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, REDRIVE_POLL_MS));
      const list = await loadDeliveries(id);
      if (list !== 'error' && newestKey(list) !== before && list[0]?.outcome !== 'failed') return;
    }
  };

  const list = subscriptions.value;
  return (
    <>
      <h1>Subscriptions</h1>
      <p>Choose which events you hear about, and where: your alerts in Jointly, your system’s webhook, or email.</p>
      <div aria-live="polite">
        {banner.value && (
          <section
            class="nhsuk-notification-banner nhsuk-notification-banner--success"
            aria-labelledby="banner-title"
            ref={bannerRef}
            tabIndex={-1}
          >
            <div class="nhsuk-notification-banner__header">
              <h2 class="nhsuk-notification-banner__title" id="banner-title">
                Success
              </h2>
            </div>
            <div class="nhsuk-notification-banner__content">
              <p class="nhsuk-notification-banner__heading">{banner.value}</p>
            </div>
          </section>
        )}
      </div>
      <ErrorSummary message={loadError.value} id="load-error-title" />

      <section aria-labelledby="list-heading">
        <h2 id="list-heading">Your subscriptions</h2>
        {list === undefined ? (
          <p>Loading your subscriptions…</p>
        ) : list.length === 0 ? (
          <p>You have no subscriptions yet.</p>
        ) : (
          <>
            <p>
              {list.length === 1 ? 'You have 1 subscription' : `You have ${list.length} subscriptions`}, newest first. Each runs for 90 days
              unless you renew it.
            </p>
            <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" onClick={() => void load()}>
              Refresh the list
            </button>
            <ul class="nhsuk-list jointly-subscriptions">
              {list.map((s) => (
                <SubscriptionCard
                  key={s.id}
                  subscription={s}
                  deliveries={deliveries.value[s.id]}
                  onRenewed={(renewed) =>
                    (subscriptions.value = (subscriptions.value ?? []).map((x) => (x.id === renewed.id ? renewed : x)))
                  }
                  onDeleted={() => {
                    subscriptions.value = (subscriptions.value ?? []).filter((x) => x.id !== s.id);
                    announce(`Subscription deleted: ${channelName(s.channel)}, ${s.eventTypes.join(', ')}.`);
                  }}
                  onRedriven={() => void watchDeliveries(s.id)}
                />
              ))}
            </ul>
          </>
        )}
      </section>

      <CreateForm
        onCreated={(created) => {
          announce(`Subscription created: ${channelName(created.channel)}, ${created.eventTypes.join(', ')}.`);
          void load();
        }}
      />
    </>
  );
};
