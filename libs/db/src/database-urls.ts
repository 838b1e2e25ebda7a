/** Where the hub's data lives: the app connects with the least-privileged role; migrations run as the owner. */
export interface DatabaseUrls {
  /** The role the running hub uses (DML only; cannot UPDATE or DELETE the audit trail). */
  appUrl: string;
  /** The role that owns the schema and runs migrations. */
  adminUrl: string;
}

export const roleOf = (url: string): string => decodeURIComponent(new URL(url).username);

export const withDatabase = (url: string, database: string): string => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

/** For log lines: the URL without its password. */
export const redactUrl = (url: string): string => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
};
