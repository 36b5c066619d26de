import { Route, Routes } from 'react-router';
import { ExecutionPage } from './ExecutionPage';
import { ExecutionsList } from './ExecutionsList';
import '../playground/playground.css';
import './executions.css';

/** The executions area's routes (under /executions/). */
export default function ExecutionsArea() {
  return (
    <div className="executions-area">
      <Routes>
        <Route index element={<ExecutionsList />} />
        <Route path=":id" element={<ExecutionPage />} />
      </Routes>
    </div>
  );
}
