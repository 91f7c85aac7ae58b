// The Dashboard's charts draw their axes on a canvas, which axe's color-contrast rule cannot read.
// So axe audits the chart's HTML (legend) as usual, and axe's own colour maths
// (axe.commons.color) judges the canvas: the axis label colour (the opaque pixels beside the
// axes that stand out most) against the background axe finds behind the chart's title.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

export interface ChartContrast {
  chart: string;
  /** Contrast of the axis labels with the background, WCAG formula (needs 4.5 for small text). */
  axisLabels: number;
  /** Opaque label pixels found; 0 means nothing was drawn yet. */
  pixels: number;
}

/** axe's serious and critical color-contrast findings inside the charts (legend and labels). */
export async function chartContrastViolations(page: Page): Promise<string[]> {
  const { violations, passes } = await new AxeBuilder({ page }).include('.chart').withRules(['color-contrast']).analyze();
  if (!passes.some((p) => p.nodes.length > 0) && violations.length === 0) return ['axe found no chart text to check'];
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}: ${n.failureSummary ?? v.help}`));
}

/** Call after chartContrastViolations, which puts axe into the page. */
export function chartAxisContrasts(page: Page): Promise<ChartContrast[]> {
  return page.evaluate(() => {
    type AxeColor = { getRelativeLuminance(): number };
    const axe = (window as unknown as { axe: { setup(): void; teardown(): void; commons: { color: {
      Color: new (r: number, g: number, b: number, a: number) => AxeColor;
      getContrast(bg: AxeColor, fg: AxeColor): number;
      getBackgroundColor(el: Element, stack?: Element[]): AxeColor | null;
      incompleteData: { get(key: string): unknown };
    } } } }).axe;
    const axeColor = axe.commons.color;
    axe.setup(); // the utilities need the tree and cache axe builds for a run
    try {
      return measure();
    } finally {
      axe.teardown();
    }

    function measure() {
    return [...document.querySelectorAll('.chart')].map((chart) => {
      const canvas = chart.querySelector('canvas') as HTMLCanvasElement;
      const plotArea = (chart.querySelector('.u-over') as HTMLElement).getBoundingClientRect();
      const box = canvas.getBoundingClientRect();
      const ratio = canvas.width / box.width;
      // The label bands: left of the y axis' ticks and below the x axis' (uPlot's ticks are 10 px
      // long; the points drawn on the plot's edges reach a few pixels out of it).
      const clear = 12 * ratio;
      const inLabels = (x: number, y: number) => x < (plotArea.left - box.left) * ratio - clear || y > (plotArea.bottom - box.top) * ratio + clear;
      // axe reads the background at an element's place on screen, and declines when something covers
      // it (the chart box is covered by its canvas and overlay): the chart's title, on the same card.
      chart.scrollIntoView({ block: 'center' });
      const title = chart.closest('.card')?.querySelector('h2');
      if (!title) throw new Error('a chart sits on a card with a title');
      const background = axeColor.getBackgroundColor(title, []);
      if (!background) throw new Error(`axe cannot tell the background of ${chart.getAttribute('aria-label')}: ${JSON.stringify(axeColor.incompleteData.get('bgColor'))}`);
      const { data } = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, canvas.width, canvas.height);
      const seen = new Map<number, number>();
      let pixels = 0;
      for (let y = 0; y < canvas.height; y++) {
        for (let x = 0; x < canvas.width; x++) {
          const i = (y * canvas.width + x) * 4;
          if ((data[i + 3] as number) < 250 || !inLabels(x, y)) continue;
          pixels++;
          const key = ((data[i] as number) << 16) | ((data[i + 1] as number) << 8) | (data[i + 2] as number);
          if (!seen.has(key)) seen.set(key, axeColor.getContrast(background, new axeColor.Color(data[i] as number, data[i + 1] as number, data[i + 2] as number, 1)));
        }
      }
      return { chart: chart.getAttribute('aria-label') ?? '', axisLabels: Math.max(0, ...seen.values()), pixels };
    });
    }
  });
}
