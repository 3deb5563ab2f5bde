/**
 * Sign-in. Locally: "sign in as" one of the demo users, through the local runtime's token
 * endpoint (`POST /_local/token`), never a password. Deployed: a button to Cognito's managed
 * login (authorization code with PKCE, `auth.ts`). The token is kept in memory either way.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { session } from '../api.ts';
import { authConfig, signInProblem, signInWithCognito } from '../auth.ts';
import { ErrorSummary } from '../ui.tsx';

/** A user the local runtime lets one sign in as. */
interface LocalUser {
  readonly sub: string;
  readonly org: string;
  readonly roles: readonly string[];
  readonly name: string;
}

/** Deployed: one button to the organisation's sign-in (Cognito managed login). */
const CognitoSignIn = () => (
  <div class="nhsuk-grid-row">
    <div class="nhsuk-grid-column-two-thirds">
      <h1>Sign in to Jointly</h1>
      <ErrorSummary message={signInProblem.value && `Signing in did not finish: ${signInProblem.value} Try again.`} id="sign-in-error" />
      <p>You sign in with the account your organisation gave you for Jointly.</p>
      <button class="nhsuk-button" type="button" onClick={() => void signInWithCognito()}>
        Sign in
      </button>
    </div>
  </div>
);

export const SignIn = () => {
  if (authConfig.value === undefined) return <p>Loading…</p>;
  return authConfig.value.kind === 'cognito' ? <CognitoSignIn /> : <LocalSignIn />;
};

/** Locally: "sign in as" a demo user. */
const LocalSignIn = () => {
  const users = useSignal<LocalUser[]>([]);
  const chosen = useSignal('');
  const error = useSignal('');
  useEffect(() => {
    fetch('/_local/users', { cache: 'no-store' })
      .then((r) => (r.ok ? r.json() : { users: [] }))
      .then((body: { users: LocalUser[] }) => {
        users.value = body.users;
        chosen.value = body.users[0]?.sub ?? '';
      })
      .catch(() => (error.value = 'The list of users could not be loaded.'));
  }, []);

  const signIn = async (event: Event) => {
    event.preventDefault();
    const user = users.value.find((u) => u.sub === chosen.value);
    if (!user) {
      error.value = 'Choose who to sign in as.';
      return;
    }
    const response = await fetch('/_local/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: user.sub, org: user.org, roles: user.roles }),
      cache: 'no-store',
    });
    if (!response.ok) {
      error.value = 'Signing in failed: is the local runtime running?';
      return;
    }
    const { token } = (await response.json()) as { token: string };
    session.value = { token, sub: user.sub, name: user.name, org: user.org, roles: user.roles };
  };

  return (
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        <h1>Sign in to Jointly</h1>
        <p>This is the local runtime: sign in as one of the demo users. No password is needed.</p>
        <ErrorSummary message={error.value} id="sign-in-error" />
        <form onSubmit={signIn} method="post" action="/console/">
          <div class="nhsuk-form-group">
            <label class="nhsuk-label" for="user">
              Sign in as
            </label>
            <select
              class="nhsuk-select"
              id="user"
              name="user"
              value={chosen.value}
              onChange={(e) => (chosen.value = e.currentTarget.value)}
            >
              {users.value.map((u) => (
                <option key={u.sub} value={u.sub}>
                  {u.name}
                </option>
              ))}
            </select>
          </div>
          <button class="nhsuk-button" type="submit">
            Sign in
          </button>
        </form>
      </div>
    </div>
  );
};
