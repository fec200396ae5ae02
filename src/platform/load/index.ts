export { type LoadMonitor, startLoadMonitor } from './monitor.ts';
export { type Criticality, type LoadPolicy, type LoadReading, TIER_NAMES, type Tier, nextTier, sheds } from './tiers.ts';
