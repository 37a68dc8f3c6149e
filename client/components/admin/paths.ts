// The admin console's pages (the server's list of client pages in shared/routes.ts matches these).
export const ADMIN_PATHS = {
  mailboxes: "/admin",
  invitations: "/admin/invitations",
  import: "/admin/import",
  reconcile: "/admin/reconcile",
  audit: "/admin/audit",
  statistics: "/admin/stats",
} as const;

export function adminPersonPath(userId: string): string {
  return `/admin/people/${encodeURIComponent(userId)}`;
}
