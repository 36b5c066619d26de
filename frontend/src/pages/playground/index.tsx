import { Routes, Route } from 'react-router';
import { Empty, PageHeader } from '../../components/states';

/** The playground area's routes (under /playground/). */
export default function PlaygroundArea() {
  return (
    <Routes>
      <Route
        index
        element={
          <>
            <PageHeader title="Playground" />
            <Empty title="Coming soon" />
          </>
        }
      />
    </Routes>
  );
}
