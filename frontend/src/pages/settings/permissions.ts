/** The permission vocabulary (`resource:action`) grouped for display and for checkboxes. */

export interface PermissionGroup {
  resource: string;
  permissions: string[];
}

/** Human names of the resources; unknown ones show as they are. */
const RESOURCE_LABELS: Record<string, string> = {
  organization: 'Organization',
  member: 'Members',
  role: 'Roles',
  api_key: 'API keys',
  audit: 'Audit log',
  credential: 'Provider credentials',
  prompt: 'Prompts',
  execution: 'Executions',
  workflow: 'Workflows',
  dataset: 'Datasets',
  evaluation: 'Evaluations',
};

export function resourceLabel(resource: string): string {
  return RESOURCE_LABELS[resource] ?? resource;
}

/** Splits `resource:action`; a string without a colon is its own resource with no action. */
export function splitPermission(permission: string): { resource: string; action: string } {
  const at = permission.indexOf(':');
  if (at < 0) return { resource: permission, action: '' };
  return { resource: permission.slice(0, at), action: permission.slice(at + 1) };
}

/** Groups permissions by resource, keeping the order in which resources first appear. */
export function groupPermissions(permissions: readonly string[]): PermissionGroup[] {
  const groups = new Map<string, string[]>();
  for (const permission of permissions) {
    const { resource } = splitPermission(permission);
    const list = groups.get(resource) ?? [];
    if (!list.includes(permission)) list.push(permission);
    groups.set(resource, list);
  }
  return [...groups].map(([resource, list]) => ({ resource, permissions: list }));
}

/** The full vocabulary: the `owner` role's permissions (it holds every one). */
export function vocabulary(roles: readonly { name: string; builtin: boolean; permissions: readonly string[] }[]): string[] {
  const owner = roles.find((r) => r.builtin && r.name === 'owner');
  if (owner) return [...owner.permissions];
  // Without the owner role in the answer, the union of what is listed.
  return [...new Set(roles.flatMap((r) => r.permissions))];
}

/** The built-in role names, for when the caller cannot read the roles. */
export const BUILTIN_ROLES = ['owner', 'admin', 'editor', 'viewer'];
