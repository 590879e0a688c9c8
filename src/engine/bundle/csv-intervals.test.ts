import { describe, expect, it } from 'vitest';
import type { PredictionIntervals, RunResult } from '../../contract/run-result.js';
import { forecastCsv, predictionsCsv } from './csv.js';

const intervals: PredictionIntervals = {
  method: 'split-conformal',
  calibration: 'validation',
  calibrationSize: 20,
  test: [
    { level: 0.8, halfWidth: [1], coverage: 0.5 },
    { level: 0.95, halfWidth: [null], coverage: 1 },
  ],
  forecast: [
    { level: 0.8, halfWidth: [1, 2] },
    { level: 0.95, halfWidth: [3, null] },
  ],
};
const predictions: RunResult['predictions'] = [
  { index: 5, time: null, split: 'train', step: 1, actual: 1, predicted: 1.5 },
  { index: 9, time: '2020-01', split: 'test', step: 1, actual: 4, predicted: 3 },
];

describe('bundle CSVs with prediction intervals', () => {
  it('predictions.csv: bounds on the test rows, empty elsewhere and where a band is unbounded', () => {
    expect(predictionsCsv({ predictions, intervals })).toBe(
      'index,time,split,step,actual,predicted,lower_80,upper_80,lower_95,upper_95\n5,,train,1,1,1.5,,,,\n9,2020-01,test,1,4,3,2,4,,\n',
    );
  });

  it('forecast.csv: bounds per forecast step', () => {
    const forecast = [
      { step: 1, time: null, value: 10 },
      { step: 2, time: null, value: 11 },
    ];
    expect(forecastCsv({ forecast, intervals })).toBe('step,time,value,lower_80,upper_80,lower_95,upper_95\n1,,10,9,11,7,13\n2,,11,9,13,,\n');
  });

  it('without intervals the files keep their columns', () => {
    expect(predictionsCsv({ predictions, intervals: null }).split('\n')[0]).toBe('index,time,split,step,actual,predicted');
    expect(forecastCsv({ forecast: [], intervals: undefined })).toBe('step,time,value\n');
  });
});
