import { Route, Routes } from 'react-router';
import { CreatePrompt } from './CreatePrompt';
import { DiffPage } from './DiffPage';
import { NewVersion } from './NewVersion';
import { PromptPage } from './PromptPage';
import { PromptsList } from './PromptsList';
import './prompts.css';

/** The prompts area's routes (under /prompts/). */
export default function PromptsArea() {
  return (
    <div className="prompts-area">
    <Routes>
      <Route index element={<PromptsList />} />
      <Route path="new" element={<CreatePrompt />} />
      <Route path=":id" element={<PromptPage />} />
      <Route path=":id/diff" element={<DiffPage />} />
      <Route path=":id/versions/new" element={<NewVersion />} />
    </Routes>
    </div>
  );
}
