import { createRoot } from 'react-dom/client';
import { App } from './App';

// No StrictMode: its double-mount in development would open two playback sessions per play.
createRoot(document.getElementById('root')!).render(<App />);
