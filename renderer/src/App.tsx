import { EngineSidebar } from './views/EngineSidebar';
import { ContainersView } from './views/ContainersView';
import { DoctorView } from './views/DoctorView';
import { ContainerDetailView } from './views/ContainerDetailView';
import { InspectView } from './views/inspect/InspectView';
import { EnginesView } from './views/EnginesView';
import { ImagesView } from './views/portable/ImagesView';
import { LibraryView } from './views/library/LibraryView';
import { useFileDrop } from './views/inspect/open-checkpoint';
import { Banner } from './components/Banner';
import { useApp } from './store/app-store';
import { useShortcuts } from './hooks/use-shortcuts';

/** Alt+1 … Alt+5 switch views from anywhere. */
function useGlobalKeys() {
  const navigate = useApp((s) => s.navigate);
  const views = ['containers', 'doctor', 'engines', 'images', 'library'] as const;
  useShortcuts(views.map((view, i) => ({ key: String(i + 1), alt: true, run: () => navigate({ view }) })));
}

export function App() {
  const route = useApp((s) => s.route);
  const transport = useApp((s) => s.transport);
  const fatal = useApp((s) => s.fatal);
  useGlobalKeys();
  const drop = useFileDrop();
  return (
    <div className={`app ${drop.over ? 'dropping' : ''}`}>
      <EngineSidebar />
      <main className="main" id="main">
        {transport === 'reconnecting' && (
          <Banner kind="warning" title="Lost contact with Checkpoint Studio">
            Reconnecting… The list resumes by itself when the app answers again.
          </Banner>
        )}
        {drop.error && (
          <Banner kind="error" title={drop.error}>
            Drop a checkpoint archive: .tar, .tar.gz or .tar.zst (a Podman export, or a tar of a checkpoint
            folder).
          </Banner>
        )}
        {fatal && (
          <Banner kind="error" title={fatal.message}>
            {fatal.hint}
          </Banner>
        )}
        {route.view === 'doctor' ? (
          <DoctorView />
        ) : route.view === 'engines' ? (
          <EnginesView />
        ) : route.view === 'images' ? (
          <ImagesView />
        ) : route.view === 'library' ? (
          <LibraryView />
        ) : route.view === 'inspect' ? (
          <InspectView key={JSON.stringify(route.source)} source={route.source} />
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
