import { Routes, Route } from 'react-router';
import { Empty, PageHeader } from '../../components/states';

/** The settings area's routes (under /settings/). */
export default function SettingsArea() {
  return (
    <Routes>
      <Route
        index
        element={
          <>
            <PageHeader title="Settings" />
            <Empty title="Coming soon" />
          </>
        }
      />
    </Routes>
  );
}
