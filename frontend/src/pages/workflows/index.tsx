import { Route, Routes } from 'react-router';
import { RunPage } from './RunPage';
import { WorkflowEditor } from './WorkflowEditor';
import { WorkflowList } from './WorkflowList';
import './workflows.css';

/** The workflows area's routes (under /workflows/). */
export default function WorkflowsArea() {
  return (
    <Routes>
      <Route index element={<WorkflowList />} />
      <Route path="runs/:runId" element={<RunPage />} />
      <Route path=":id" element={<WorkflowEditor />} />
    </Routes>
  );
}
