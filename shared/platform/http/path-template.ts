/**
 * Matching of API Gateway path templates (`/referrals/{id}`) against request paths, for
 * the `$default` handler's 405 answers. Parameters match one non-empty segment, as on
 * API Gateway.
 */
const compiled = new Map<string, RegExp>();

const compile = (template: string): RegExp => {
  let regex = compiled.get(template);
  if (!regex) {
    const pattern = template
      .split('/')
      .map((segment) => (/^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    regex = new RegExp(`^${pattern}$`);
    compiled.set(template, regex);
  }
  return regex;
};

/** Whether `path` matches the path `template`. */
export const matchesPathTemplate = (template: string, path: string): boolean => compile(template).test(path);
