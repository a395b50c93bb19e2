import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { useApp } from './store/app-store';
import { useCheckpoints } from './store/checkpoint-store';
import { useSchedules } from './store/schedule-store';
import './styles.css';

useCheckpoints.getState().init();
useSchedules.getState().init();
void useApp.getState().init();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
