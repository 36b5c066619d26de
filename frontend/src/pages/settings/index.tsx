import { lazy, Suspense } from 'react';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { Loading, PageHeader } from '../../components/states';
import './settings.css';

// Each tab is its own chunk: most visits to Settings need only one of them.
const Members = lazy(() => import('./Members'));
const Roles = lazy(() => import('./Roles'));
const ApiKeys = lazy(() => import('./ApiKeys'));
const Providers = lazy(() => import('./Providers'));
const AuditLog = lazy(() => import('./AuditLog'));

const TABS: [string, string][] = [
  ['members', 'Members'],
  ['roles', 'Roles'],
  ['api-keys', 'API keys'],
  ['providers', 'Providers'],
  ['audit-log', 'Audit log'],
];

/** The settings area's routes (under /settings/): one route per tab. */
export default function SettingsArea() {
  return (
    <div className="settings-area">
      <PageHeader title="Settings" />
      <nav className="tabs" aria-label="Settings sections">
        {TABS.map(([to, label]) => (
          <NavLink key={to} to={`/settings/${to}`}>
            {label}
          </NavLink>
        ))}
      </nav>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route index element={<Navigate to="members" replace />} />
          <Route path="members" element={<Members />} />
          <Route path="roles" element={<Roles />} />
          <Route path="api-keys" element={<ApiKeys />} />
          <Route path="providers" element={<Providers />} />
          <Route path="audit-log" element={<AuditLog />} />
          <Route path="*" element={<Navigate to="members" replace />} />
        </Routes>
      </Suspense>
    </div>
  );
}
