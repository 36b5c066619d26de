import { Routes, Route } from 'react-router';
import { Empty, PageHeader } from '../../components/states';

/** The prompts area's routes (under /prompts/). */
export default function PromptsArea() {
  return (
    <Routes>
      <Route
        index
        element={
          <>
            <PageHeader title="Prompts" />
            <Empty title="Coming soon" />
          </>
        }
      />
    </Routes>
  );
}
