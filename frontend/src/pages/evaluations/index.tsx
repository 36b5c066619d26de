import { lazy } from 'react';
import { Routes, Route } from 'react-router';
import './evaluations.css';
import '../datasets/datasets.css';

const RunsList = lazy(() => import('./RunsList'));
const NewEvaluation = lazy(() => import('./NewEvaluation'));
const RunPage = lazy(() => import('./RunPage'));
const ComparePage = lazy(() => import('./ComparePage'));

/** The evaluations area's routes (under /evaluations/). */
export default function EvaluationsArea() {
  return (
    <Routes>
      <Route index element={<RunsList />} />
      <Route path="new" element={<NewEvaluation />} />
      <Route path="compare" element={<ComparePage />} />
      <Route path=":id" element={<RunPage />} />
    </Routes>
  );
}
