import { useEffect } from 'react';
import { EngineSidebar } from './views/EngineSidebar';
import { ContainersView } from './views/ContainersView';
import { DoctorView } from './views/DoctorView';
import { ContainerDetailView } from './views/ContainerDetailView';
import { Banner } from './components/Banner';
import { useApp } from './store/app-store';

/** Alt+1 / Alt+2 switch views from anywhere. */
function useGlobalKeys() {
  const navigate = useApp((s) => s.navigate);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && e.key === '1') {
        e.preventDefault();
        navigate({ view: 'containers' });
      } else if (e.altKey && e.key === '2') {
        e.preventDefault();
        navigate({ view: 'doctor' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);
}

export function App() {
  const route = useApp((s) => s.route);
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
        {route.view === 'doctor' ? (
          <DoctorView />
        ) : route.view === 'container' ? (
          <ContainerDetailView
            key={`${route.engineId}/${route.containerId}`}
            engineId={route.engineId}
            containerId={route.containerId}
          />
        ) : (
          <ContainersView />
        )}
      </main>
    </div>
  );
}
