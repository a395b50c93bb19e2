import type { ErrorInfo } from '../../../electron/ipc/errors';

/** An error as the main process explained it: what happened, what to do, and CRIU's own lines. */
export function ErrorBox({ error }: { error: ErrorInfo }) {
  return (
    <div className="banner banner-error" role="alert" data-error-code={error.code}>
      <strong>{error.message}</strong>
      {error.hint && <p>{error.hint}</p>}
      {error.details && error.details.length > 0 && (
        <details open>
          <summary>Details</summary>
          <pre className="error-details">{error.details.join('\n')}</pre>
        </details>
      )}
    </div>
  );
}
