import { Routes, Route } from 'react-router';
import { Empty, PageHeader } from '../../components/states';

/** The executions area's routes (under /executions/). */
export default function ExecutionsArea() {
  return (
    <Routes>
      <Route
        index
        element={
          <>
            <PageHeader title="Executions" />
            <Empty title="Coming soon" />
          </>
        }
      />
    </Routes>
  );
}
