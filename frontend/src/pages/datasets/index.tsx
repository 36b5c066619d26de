import { Routes, Route } from 'react-router';
import { Empty, PageHeader } from '../../components/states';

/** The datasets area's routes (under /datasets/). */
export default function DatasetsArea() {
  return (
    <Routes>
      <Route
        index
        element={
          <>
            <PageHeader title="Datasets" />
            <Empty title="Coming soon" />
          </>
        }
      />
    </Routes>
  );
}
