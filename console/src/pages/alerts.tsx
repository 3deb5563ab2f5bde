/**
 * The alerts inbox: unread first, then the rest; acknowledge one or all. It refreshes
 * itself by polling with back-off (15 s, doubling to 2 minutes while nothing changes), and
 * not at all while the tab is hidden.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, type Page } from '../api.ts';
import { ErrorSummary, problemText, when } from '../ui.tsx';
import { link } from '../router.ts';

interface Alert {
  readonly id: string;
  readonly type: string;
  readonly referralId: string;
  readonly summary: string;
  readonly createdAt: string;
  readonly readAt?: string;
}

/** Poll intervals: the first, and the longest the back-off reaches. */
export const POLL_FIRST_MS = 15_000;
export const POLL_MAX_MS = 120_000;

export const Alerts = () => {
  const alerts = useSignal<Alert[] | undefined>(undefined);
  const error = useSignal('');
  const status = useSignal('');

  const load = async (): Promise<boolean> => {
    try {
      const page = await api<Page<Alert>>('GET', '/alerts?limit=100');
      const before = JSON.stringify(alerts.value ?? []);
      alerts.value = [...page.items].sort((a, b) => Number(a.readAt !== undefined) - Number(b.readAt !== undefined));
      error.value = '';
      return before !== JSON.stringify(alerts.value);
    } catch (e) {
      error.value = problemText(e, 'The alerts could not be loaded.');
      return false;
    }
  };

  useEffect(() => {
    let delay = POLL_FIRST_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const schedule = () => {
      if (stopped || document.hidden) return;
      timer = setTimeout(async () => {
        const changed = await load();
        delay = changed ? POLL_FIRST_MS : Math.min(POLL_MAX_MS, delay * 2);
        schedule();
      }, delay);
    };
    const onVisibility = () => {
      clearTimeout(timer);
      if (!document.hidden) {
        delay = POLL_FIRST_MS;
        void load().then(schedule);
      }
    };
    void load().then(schedule);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, []);

  const ack = async (ids: readonly string[]) => {
    await Promise.all(ids.map((id) => api('POST', `/alerts/${encodeURIComponent(id)}/ack`)));
    status.value = ids.length === 1 ? 'Alert marked as read.' : `${ids.length} alerts marked as read.`;
    await load();
  };

  const unread = (alerts.value ?? []).filter((a) => !a.readAt);
  return (
    <>
      <h1>Alerts</h1>
      <p class="nhsuk-body" aria-live="polite">
        {status.value}
      </p>
      <ErrorSummary message={error.value} />
      {alerts.value === undefined ? (
        <p>Loading alerts…</p>
      ) : alerts.value.length === 0 ? (
        <p>You have no alerts.</p>
      ) : (
        <>
          <p>
            {unread.length} unread of {alerts.value.length}.
          </p>
          {unread.length > 0 && (
            <button class="nhsuk-button nhsuk-button--secondary" type="button" onClick={() => ack(unread.map((a) => a.id))}>
              Mark all as read
            </button>
          )}
          <ul class="nhsuk-list jointly-alerts">
            {alerts.value.map((alert) => (
              <li key={alert.id} class={alert.readAt ? 'jointly-alert jointly-alert--read' : 'jointly-alert'}>
                <div class="nhsuk-card">
                  <div class="nhsuk-card__content">
                    <p class="nhsuk-card__description">
                      <strong>{alert.readAt ? 'Read' : 'Unread'}:</strong> {alert.summary}
                    </p>
                    <p class="nhsuk-body-s">
                      {alert.type}, {when(alert.createdAt)} · <a href={link(`/referrals/${alert.referralId}`)}>Open the referral</a>
                    </p>
                    {!alert.readAt && (
                      <button
                        class="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                        type="button"
                        onClick={() => ack([alert.id])}
                      >
                        Mark as read<span class="nhsuk-u-visually-hidden">: {alert.summary}</span>
                      </button>
                    )}
                  </div>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
};
