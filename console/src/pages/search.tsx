/** Find a referral: to be built. */
export const Search = () => <h1>Find a referral</h1>;
