/** Subscriptions: to be built. */
export const Subscriptions = () => <h1>Subscriptions</h1>;
