/** Shapes of whoami, the rollout report and the policy simulation, from the SDK's types. */
import type { PolicySimulation, RolloutReport } from '@actpass/sdk';

export type { PolicySimulation, RolloutReport, WhoAmI } from '@actpass/sdk';
export type RolloutBucket = RolloutReport['buckets'][number];
export type SimulatedChange = PolicySimulation['changes'][number];
