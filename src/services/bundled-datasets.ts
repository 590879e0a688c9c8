/** What each bundled dataset in resources/datasets is: what it measures, its span and its units. */
export const BUNDLED_DATASET_DESCRIPTIONS: Record<string, string> = {
  'sunspots.csv':
    'Monthly mean relative sunspot numbers, Jan 1749 – Dec 1983 (2,820 months; sunspot number). The Keras SimpleRNN tutorial series.',
  'air-passengers.csv':
    'Monthly international airline passengers, Jan 1949 – Dec 1960 (144 months; thousands of passengers). Box & Jenkins.',
  'mauna-loa-co2.csv':
    'Monthly atmospheric CO2 concentration at Mauna Loa, Jan 1959 – Dec 1997 (468 months; parts per million).',
  'nottingham-temperature.csv':
    'Monthly average air temperature at Nottingham Castle, Jan 1920 – Dec 1939 (240 months; degrees Fahrenheit).',
  'eu-stock-markets.csv':
    'Daily closing prices of four European stock indices (DAX, SMI, CAC, FTSE), 1991 – 1998 (1,860 business days; index points).',
};

/** Order in which bundled datasets are listed: the tutorial's first. */
export const BUNDLED_DATASET_ORDER = ['sunspots.csv', 'air-passengers.csv', 'mauna-loa-co2.csv', 'nottingham-temperature.csv', 'eu-stock-markets.csv'];
