export { ChaosDisabledError, type Fault, type FaultInjector, faultInjector } from './faults.ts';
export { type BreakerState, type BreakerView, type GuardOptions, type Guards, createGuards } from './guards.ts';
export { databaseFaultPlugin } from './databaseFaults.ts';
