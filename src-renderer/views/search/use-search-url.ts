// Keeps the search in the address while Search is open: typing replaces the entry (no history
// entry per keystroke), a new category or filter pushes one, and back/forward restore the search.
import { useEffect } from 'react';
import { useStores } from '../../app/stores-context.js';
import { searchFromUrl, searchToUrl } from './search-url.js';

export function useSearchUrl(): void {
  const { search } = useStores();
  useEffect(() => {
    // The address wins on arrival (a reload, a bookmark); without one, the search so far is kept.
    if (location.search) search.getState().restore(searchFromUrl(location.search));
    else history.replaceState(history.state, '', location.pathname + searchToUrl(search.getState()));
    const onPop = () => search.getState().restore(searchFromUrl(location.search));
    window.addEventListener('popstate', onPop);
    const unsubscribe = search.subscribe((now, before) => {
      if (now.query === before.query && now.category === before.category && now.filters === before.filters) return;
      const next = location.pathname + searchToUrl(now);
      if (next === location.pathname + location.search) return;
      const typing = now.category === before.category && now.filters === before.filters;
      if (typing) history.replaceState(history.state, '', next);
      else history.pushState(history.state, '', next);
    });
    return () => {
      window.removeEventListener('popstate', onPop);
      unsubscribe();
    };
  }, [search]);
}
