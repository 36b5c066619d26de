import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { MyOrganizationsQuery } from '../gql/graphql';

export const MyOrganizations = graphql(`
  query MyOrganizations {
    me {
      id
      email
      name
      memberships {
        role
        organization {
          id
          name
          slug
          viewerRole
          viewerPermissions
        }
      }
      invitations {
        id
        role
        organization {
          id
          name
        }
      }
    }
  }
`);

export type OrgSummary = MyOrganizationsQuery['me']['memberships'][number]['organization'];

export interface OrgContextValue {
  /** The organization the app is working in (null while loading or with no memberships). */
  org: OrgSummary | null;
  orgs: OrgSummary[];
  me: MyOrganizationsQuery['me'] | null;
  /** Whether the caller's role here holds `resource:action`. */
  can: (permission: string) => boolean;
  switchTo: (orgId: string) => void;
  reload: () => void;
  fetching: boolean;
  error: ReturnType<typeof useQuery>[0]['error'];
}

const KEY = 'promptops.org';
const OrgContext = createContext<OrgContextValue | null>(null);

export function OrgProvider({ children, preferred }: { children: ReactNode; preferred?: string | null }) {
  const [result, reexecute] = useQuery({ query: MyOrganizations });
  const [chosen, setChosen] = useState<string | null>(
    () => preferred ?? localStorage.getItem(KEY),
  );
  useEffect(() => {
    if (preferred) setChosen(preferred);
  }, [preferred]);

  const me = result.data?.me ?? null;
  const orgs = useMemo(() => me?.memberships.map((m) => m.organization) ?? [], [me]);
  const org = orgs.find((o) => o.id === chosen) ?? orgs[0] ?? null;
  const held = useMemo(() => new Set(org?.viewerPermissions ?? []), [org]);

  const switchTo = useCallback((orgId: string) => {
    localStorage.setItem(KEY, orgId);
    setChosen(orgId);
  }, []);
  const reload = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  const value = useMemo<OrgContextValue>(
    () => ({
      org,
      orgs,
      me,
      can: (permission) => held.has(permission),
      switchTo,
      reload,
      fetching: result.fetching,
      error: result.error,
    }),
    [org, orgs, me, held, switchTo, reload, result.fetching, result.error],
  );
  return <OrgContext.Provider value={value}>{children}</OrgContext.Provider>;
}

export function useOrg(): OrgContextValue {
  const value = useContext(OrgContext);
  if (!value) throw new Error('useOrg outside OrgProvider');
  return value;
}

/** The current organization's id; pages under the signed-in layout always have one. */
export function useOrgId(): string {
  const { org } = useOrg();
  return org?.id ?? '';
}
