/** Programme dashboard: to be built. */
export const Dashboard = () => <h1>Programme dashboard</h1>;
