import { Routes, Route } from 'react-router';
import { Empty, PageHeader } from '../../components/states';

/** The evaluations area's routes (under /evaluations/). */
export default function EvaluationsArea() {
  return (
    <Routes>
      <Route
        index
        element={
          <>
            <PageHeader title="Evaluations" />
            <Empty title="Coming soon" />
          </>
        }
      />
    </Routes>
  );
}
