/**
 * Draws the dashboard's charts with Chart.js on a canvas. Only what the charts use is
 * registered (bars, lines, category and linear scales, legend, tooltip), so the rest of the
 * library is left out of the bundle. Chart.js adds no stylesheet and no `style` attribute
 * markup: it sizes the canvas through the CSSOM, which the page's CSP (`style-src 'self'`)
 * allows. The dashboard imports this module dynamically: it is the only page that draws.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import type { ChartSpec } from './charts-figures.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);
// The page's text colour and font (the NHS font is not loaded: Arial, as the design system falls back).
Chart.defaults.color = '#212b32';
Chart.defaults.font.family = 'Frutiger W01, Arial, sans-serif';
Chart.defaults.font.size = 14;

/** A drawn chart: destroy it before its canvas is drawn on again or leaves the page. */
export interface DrawnChart {
  destroy(): void;
}

/** The Chart.js configuration of a spec. */
const configOf = (spec: ChartSpec): ChartConfiguration<'bar' | 'line', (number | null)[], string> => {
  const valueAxis = spec.horizontal ? 'x' : 'y';
  const categoryAxis = spec.horizontal ? 'y' : 'x';
  return {
    type: spec.kind,
    data: {
      labels: [...spec.categories],
      datasets: spec.series.map((series) => ({
        label: series.label,
        data: [...series.values],
        backgroundColor: series.colour,
        // Bars: a white edge parts stacked segments and neighbours; lines: the line itself.
        borderColor: spec.kind === 'line' ? series.colour : '#ffffff',
        borderWidth: spec.kind === 'line' ? 3 : 1,
        pointRadius: 4,
        spanGaps: false,
      })),
    },
    options: {
      // No motion (WCAG 2.3.3) and the chart is complete as soon as it is drawn.
      animation: false,
      responsive: true,
      // The canvas fills its container, whose height the stylesheet sets.
      maintainAspectRatio: false,
      indexAxis: spec.horizontal ? 'y' : 'x',
      scales: {
        [categoryAxis]: { stacked: spec.stacked ?? false, grid: { display: false } },
        [valueAxis]: {
          stacked: spec.stacked ?? false,
          beginAtZero: true,
          ...(spec.percent ? { max: 100 } : {}),
          title: { display: true, text: spec.valueAxis },
          ticks: { precision: spec.counts || spec.percent ? 0 : 1 },
        },
      },
      plugins: {
        legend: { display: spec.series.length > 1, position: 'bottom' },
        tooltip: { enabled: true },
      },
    },
  };
};

/** Draws `spec` on `canvas`. */
export const drawChart = (canvas: HTMLCanvasElement, spec: ChartSpec): DrawnChart => new Chart(canvas, configOf(spec));
