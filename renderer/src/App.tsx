import { useEffect } from 'react';
import { EngineSidebar } from './views/EngineSidebar';
import { ContainersView } from './views/ContainersView';
import { DoctorView } from './views/DoctorView';
import { Banner } from './components/Banner';
import { useApp } from './store/app-store';

/** Alt+1 / Alt+2 switch views from anywhere, "/" jumps to the filter. */
function useGlobalKeys() {
  const setView = useApp((s) => s.setView);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && e.key === '1') {
        e.preventDefault();
        setView('containers');
      } else if (e.altKey && e.key === '2') {
        e.preventDefault();
        setView('doctor');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView]);
}

export function App() {
  const view = useApp((s) => s.view);
  const transport = useApp((s) => s.transport);
  const fatal = useApp((s) => s.fatal);
  useGlobalKeys();
  return (
    <div className="app">
      <EngineSidebar />
      <main className="main" id="main">
        {transport === 'reconnecting' && (
          <Banner kind="warning" title="Lost contact with Checkpoint Studio">
            Reconnecting… The list resumes by itself when the app answers again.
          </Banner>
        )}
        {fatal && (
          <Banner kind="error" title={fatal.message}>
            {fatal.hint}
          </Banner>
        )}
        {view === 'doctor' ? <DoctorView /> : <ContainersView />}
      </main>
    </div>
  );
}
