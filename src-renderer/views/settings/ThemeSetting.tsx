import { themes } from '../../app/theme.js';
import { useDomain } from '../../app/stores-context.js';

const labels = { system: 'System', light: 'Light', dark: 'Dark' } as const;

export function ThemeSetting() {
  const theme = useDomain('settings', (s) => s.theme);
  const setTheme = useDomain('settings', (s) => s.setTheme);
  return (
    <fieldset className="setting theme-setting">
      <legend>Theme</legend>
      {themes.map((t) => (
        <label key={t} className="radio">
          <input type="radio" name="theme" value={t} checked={theme === t} onChange={() => setTheme(t)} />
          {labels[t]}
        </label>
      ))}
    </fieldset>
  );
}
