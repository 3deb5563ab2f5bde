/** `getHealth` → `GetHealth`, `programme_manager` → `ProgrammeManager`: construct ids from route and role ids. */
export const pascal = (id: string): string =>
  id
    .split(/[_-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
