export {
  type DecisionLabels,
  GATEWAY_VERSION,
  GatewayMetrics,
  type PreflightStage,
} from './gateway-metrics.js';
export { listenMetrics, METRICS_CONTENT_TYPE, type MetricsListener } from './listen.js';
export { Counter, Gauge, Histogram, LATENCY_BUCKETS, OVERFLOW_LABEL, Registry } from './registry.js';
