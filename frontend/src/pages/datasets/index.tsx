import { lazy } from 'react';
import { Routes, Route } from 'react-router';
import './datasets.css';

const DatasetsList = lazy(() => import('./DatasetsList'));
const DatasetPage = lazy(() => import('./DatasetPage'));
const ImportPage = lazy(() => import('./ImportPage'));

/** The datasets area's routes (under /datasets/). */
export default function DatasetsArea() {
  return (
    <Routes>
      <Route index element={<DatasetsList />} />
      <Route path=":id" element={<DatasetPage />} />
      <Route path=":id/import" element={<ImportPage />} />
    </Routes>
  );
}
