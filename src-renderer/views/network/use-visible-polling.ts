// Calls `load` now and every `ms` while the page is visible. The node's event stream carries no
// topology, so the Network view polls; a hidden tab asks nothing, and asks at once when shown again.
import { useEffect } from 'react';

export function useVisiblePolling(load: () => void, ms: number): void {
  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const sync = () => {
      clearInterval(timer);
      timer = undefined;
      if (document.visibilityState === 'hidden') return;
      load();
      timer = setInterval(load, ms);
    };
    sync();
    document.addEventListener('visibilitychange', sync);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', sync);
    };
  }, [load, ms]);
}
