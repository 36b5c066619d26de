import { Routes, Route } from 'react-router';
import { Empty, PageHeader } from '../../components/states';

/** The workflows area's routes (under /workflows/). */
export default function WorkflowsArea() {
  return (
    <Routes>
      <Route
        index
        element={
          <>
            <PageHeader title="Workflows" />
            <Empty title="Coming soon" />
          </>
        }
      />
    </Routes>
  );
}
