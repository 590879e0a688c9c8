/**
 * The workbench's chart colours, one palette for the app's charts (renderer) and the charts written into a
 * bundle (engine/bundle/charts.ts), so a saved PNG looks like the chart on screen.
 */
export const CHART_COLORS = {
  actual: '#334155',
  predicted: '#2563eb',
  test: '#2563eb',
  forecast: '#ea580c',
  validation: '#7c3aed',
  loss: '#2563eb',
  valLoss: '#ea580c',
  batch: '#93c5fd',
  split: '#dc2626',
  train: '#64748b',
} as const;

/** The app's text colour and font, for chart titles and labels. */
export const CHART_TEXT = { color: '#1e293b', fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" } as const;
