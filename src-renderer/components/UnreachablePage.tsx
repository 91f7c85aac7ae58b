import { useEffect } from 'react';

const RETRY_MS = 3_000;

/** The node is not answering (stopped, or the app opened offline from its cache): say so, retry. */
export function UnreachablePage({ retry }: { retry: () => void }) {
  useEffect(() => {
    const timer = setInterval(retry, RETRY_MS);
    return () => clearInterval(timer);
  }, [retry]);
  return (
    <main className="locked" role="alert">
      <h1>Shoal</h1>
      <p className="locked-lead">The node is unreachable.</p>
      <p>
        Start it again with <code>shoal serve</code>; this page connects by itself once it answers.
      </p>
    </main>
  );
}
