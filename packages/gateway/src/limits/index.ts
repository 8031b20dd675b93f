export { chargeFor, type LimitedAction } from './counters.js';
export { type LimitCheck, LimitService } from './service.js';
