// Calls `load` now and every `ms` while the page is visible, for what the node's event stream does
// not carry (the topology, the index registration): a hidden tab asks nothing, and asks at once
// when shown again.
import { useEffect } from 'react';

export function useVisiblePolling(load: () => unknown, ms: number): void {
  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const ask = () => void load();
    const sync = () => {
      clearInterval(timer);
      timer = undefined;
      if (document.visibilityState === 'hidden') return;
      ask();
      timer = setInterval(ask, ms);
    };
    sync();
    document.addEventListener('visibilitychange', sync);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', sync);
    };
  }, [load, ms]);
}
