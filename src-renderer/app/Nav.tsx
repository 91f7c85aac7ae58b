import { navigate, useViewPath, views } from './router.js';
import { useDomain } from './stores-context.js';
import { useSpeedLabel } from './total-speed.js';
import { useWindowTitle } from './use-window-title.js';

export function Nav() {
  const path = useViewPath();
  const active = useDomain('transfers', (s) => s.downloads.filter((d) => d.state === 'downloading' || d.state === 'finding').length);
  const name = useDomain('network', (s) => s.info?.name);
  const speed = useSpeedLabel();
  useWindowTitle(speed);
  return (
    <header className="nav">
      <span className="brand" title={name}>
        Shoal
      </span>
      <nav aria-label="Views">
        {views.map((v) => (
          <a
            key={v.path}
            href={v.path}
            aria-current={path === v.path ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              navigate(v.path);
            }}
          >
            {v.label}
            {v.path === '/transfers' && active > 0 ? <span className="badge">{active}</span> : null}
          </a>
        ))}
      </nav>
      {speed ? (
        <span className="nav-speed muted small" title="Total download and upload speed" data-testid="total-speed">
          {speed}
        </span>
      ) : null}
    </header>
  );
}
