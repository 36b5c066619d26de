import { Route, Routes } from 'react-router';
import { Playground } from './Playground';
import './playground.css';

/** The playground's routes (under /playground/). */
export default function PlaygroundArea() {
  return (
    <div className="playground-area">
      <Routes>
        <Route index element={<Playground />} />
      </Routes>
    </div>
  );
}
