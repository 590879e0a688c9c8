/** Registers only the ECharts parts the workbench uses (tree-shaken build). */
import { use } from 'echarts/core';
import { CHART_COLORS, CHART_TEXT } from '../../../contract/chart-colors';
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

/** The palette shared with the bundle's own charts (src/contract/chart-colors.ts). */
export const COLORS = CHART_COLORS;

export const baseTextStyle = { fontFamily: CHART_TEXT.fontFamily, fontSize: 12 };
