export { createPaymaster } from './create-paymaster.js';
export type {
  BudgetInput,
  CliRunTotals,
  Paymaster,
  PaymasterBudgets,
  PaymasterOptions,
  PaymasterRates,
} from './paymaster.js';
export { costMicros, DEFAULT_RATE_CARD, findRate, type RateCardEntry } from './rate-card.js';
export { windowStart } from './window-start.js';
