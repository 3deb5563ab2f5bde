/**
 * The console's routes: paths under `/console/`, in the address bar and history. No personal
 * data ever goes in a path or query: referral ids and filters only.
 */
import { signal } from '@preact/signals';

/** Where every console page lives. */
export const BASE = '/console';

/** The current page's path within the console (`/alerts`, `/referrals/<id>`). */
export const currentPath = signal(location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) || '/' : '/');

/** The href of a console page. */
export const link = (path: string): string => `${BASE}${path}`;

/** Goes to a console page, adding it to history. */
export const navigate = (path: string): void => {
  history.pushState(null, '', link(path));
  currentPath.value = path;
};

addEventListener('popstate', () => {
  currentPath.value = location.pathname.slice(BASE.length) || '/';
});

/** Follows same-console links without a reload. */
export const followLinks = (event: MouseEvent): void => {
  const anchor = (event.target as Element | null)?.closest('a');
  const href = anchor?.getAttribute('href');
  if (!anchor || !href?.startsWith(`${BASE}/`) || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  navigate(href.slice(BASE.length));
};
