import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';

const MAX_LINES = 1000;

/** The container's output, live, across stops and restores (the main process resumes the follow). */
export function LogPane(props: { engineId: string; containerId: string }) {
  const [lines, setLines] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [paused, setPaused] = useState(false);
  const ref = useRef<HTMLPreElement>(null);
  const stick = useRef(true);

  useEffect(() => {
    let sub: string | null = null;
    let cancelled = false;
    let wasPaused = false;
    const off = api.on('logs.received', (d) => {
      if (d.subscriptionId !== sub) return;
      // Mark where the container stopped and where it ran again: that is where a restore resumed.
      const marks: string[] = [];
      if (wasPaused && d.lines.length) marks.push('── running again ──');
      const incoming = [...marks, ...d.lines];
      if (d.paused && !wasPaused) incoming.push('── container stopped ──');
      wasPaused = Boolean(d.paused) || (wasPaused && d.lines.length === 0);
      setPaused(wasPaused);
      if (incoming.length) setLines((old) => [...old, ...incoming].slice(-MAX_LINES));
    });
    api
      .call('logs.follow', { engineId: props.engineId, container: props.containerId, tail: 200 })
      .then((r) => {
        if (cancelled) void api.call('logs.unfollow', { subscriptionId: r.subscriptionId });
        else sub = r.subscriptionId;
      })
      .catch((e: Error) => setError(e.message));
    return () => {
      cancelled = true;
      off();
      if (sub) void api.call('logs.unfollow', { subscriptionId: sub }).catch(() => undefined);
    };
  }, [props.engineId, props.containerId]);

  useEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lines]);

  return (
    <section className="logs" aria-labelledby="logs-title">
      <header className="logs-header">
        <h2 id="logs-title">Output</h2>
        <span className="muted">
          {error ? error : paused ? 'container stopped — resumes when it runs again' : 'live'}
        </span>
      </header>
      <pre
        ref={ref}
        className="log-lines"
        tabIndex={0}
        aria-live="off"
        data-log-lines
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {lines.length ? lines.join('\n') : <span className="muted">No output yet.</span>}
      </pre>
    </section>
  );
}
