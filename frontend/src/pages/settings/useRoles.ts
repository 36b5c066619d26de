import { useMemo } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import { useOrg, useOrgId } from '../../lib/org';
import { BUILTIN_ROLES } from './permissions';

export const SettingsRolesQuery = graphql(`
  query SettingsRoles($orgId: ID!) {
    roles(orgId: $orgId) {
      name
      builtin
      permissions
    }
  }
`);

/**
 * The organization's roles (needs `role:read`), and the names to offer in role pickers:
 * every role's name, or the built-in ones when the roles cannot be read.
 */
export function useRoles() {
  const orgId = useOrgId();
  const { can } = useOrg();
  const allowed = can('role:read');
  const [result, reexecute] = useQuery({ query: SettingsRolesQuery, variables: { orgId }, pause: !allowed || !orgId });
  const roles = result.data?.roles;
  const names = useMemo(() => (roles ? roles.map((r) => r.name) : BUILTIN_ROLES), [roles]);
  return { allowed, result, roles, names, reexecute };
}
