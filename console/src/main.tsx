/**
 * The Jointly console: a client of the public API for programme managers and integrated
 * teams, in the NHS design system. Pages under `/console/`; the token in memory only.
 */
import { render } from 'preact';
import { session } from './api.ts';
import { signOut, startAuth } from './auth.ts';
import { Alerts } from './pages/alerts.tsx';
import { Dashboard } from './pages/dashboard.tsx';
import { ReferralPage } from './pages/referral.tsx';
import { Search } from './pages/search.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { Subscriptions } from './pages/subscriptions.tsx';
import { Worklists } from './pages/worklists.tsx';
import { currentPath, followLinks, link } from './router.ts';

const PAGES: Record<string, { title: string; page: () => preact.JSX.Element }> = {
  '/': { title: 'Alerts', page: Alerts },
  '/alerts': { title: 'Alerts', page: Alerts },
  '/worklists': { title: 'Worklists', page: Worklists },
  '/search': { title: 'Find a referral', page: Search },
  '/dashboard': { title: 'Programme dashboard', page: Dashboard },
  '/subscriptions': { title: 'Subscriptions', page: Subscriptions },
};

/** The menu: every page a signed-in user may open (the dashboard is for programme managers). */
const MENU: readonly { path: string; label: string; role?: string }[] = [
  { path: '/alerts', label: 'Alerts' },
  { path: '/worklists', label: 'Worklists' },
  { path: '/search', label: 'Find a referral' },
  { path: '/dashboard', label: 'Dashboard', role: 'programme_manager' },
  { path: '/subscriptions', label: 'Subscriptions' },
];

const NotFound = () => (
  <>
    <h1>Page not found</h1>
    <p>
      If you typed the address, check it is correct. <a href={link('/')}>Go to your alerts</a>.
    </p>
  </>
);

const App = () => {
  const signedIn = session.value;
  const referralId = /^\/referrals\/([0-9A-Z]{26})$/.exec(currentPath.value)?.[1];
  const entry = referralId ? { title: 'Referral', page: () => <ReferralPage id={referralId} /> } : PAGES[currentPath.value];
  // Titles name the page only: never a person, an NHS number or a referral's details.
  document.title = `${signedIn ? (entry?.title ?? 'Page not found') : 'Sign in'} – Jointly`;
  return (
    <>
      <a class="nhsuk-skip-link" href="#maincontent">
        Skip to main content
      </a>
      <header class="nhsuk-header">
        <div class="nhsuk-header__container nhsuk-width-container">
          <div class="nhsuk-header__service">
            <a class="nhsuk-header__service-logo" href={link('/')} aria-label="Jointly home">
              <span class="nhsuk-header__service-name">Jointly</span>
            </a>
          </div>
          {signedIn && (
            <p class="nhsuk-body-s jointly-who">
              Signed in as {signedIn.name} ({signedIn.org}){' '}
              <button class="nhsuk-button nhsuk-button--reverse nhsuk-button--small" type="button" onClick={signOut}>
                Sign out
              </button>
            </p>
          )}
        </div>
        {signedIn && (
          <nav class="nhsuk-header__navigation" aria-label="Menu">
            <div class="nhsuk-width-container">
              <ul class="nhsuk-header__navigation-list">
                {MENU.filter((item) => !item.role || signedIn.roles.includes(item.role)).map((item) => (
                  <li key={item.path} class="nhsuk-header__navigation-item">
                    <a class="nhsuk-header__navigation-link" href={link(item.path)}>
                      {item.label}
                    </a>
                  </li>
                ))}
                <li class="nhsuk-header__navigation-item">
                  <a class="nhsuk-header__navigation-link" href="/docs/">
                    API reference
                  </a>
                </li>
              </ul>
            </div>
          </nav>
        )}
      </header>
      <div class="nhsuk-width-container">
        <main class="nhsuk-main-wrapper" id="maincontent">
          {signedIn ? entry ? <entry.page /> : <NotFound /> : <SignIn />}
        </main>
      </div>
    </>
  );
};

document.addEventListener('click', followLinks);
render(<App />, document.getElementById('app')!);
void startAuth();
