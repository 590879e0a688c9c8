/** Registers only the ECharts parts the workbench uses (tree-shaken build). */
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';

use([CanvasRenderer, LineChart, BarChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, MarkLineComponent, MarkAreaComponent]);

export const COLORS = {
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
};

export const baseTextStyle = { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', fontSize: 12 };
