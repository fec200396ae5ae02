export const STATUSES = ['draft', 'running', 'paused', 'completed'] as const;
export type ExperimentStatus = (typeof STATUSES)[number];

/** Who is randomised: each profile on its own (default), or a whole account (household). */
export const UNIT_TYPES = ['profile', 'account'] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

export const DEVICES = ['web', 'tv', 'mobile', 'tablet'] as const;
export type Device = (typeof DEVICES)[number];

export const RULE_TYPES = ['country', 'device', 'plan', 'tenure', 'kids'] as const;
export type RuleType = (typeof RULE_TYPES)[number];

/**
 * One targeting rule, as in the seeds: the caller matches when any value matches, and
 * `include: false` inverts that. Rules of an experiment are ANDed.
 * tenure values are day ranges "min-max" (max exclusive, either side optional: "0-30", "365-");
 * kids values are "true" or "false".
 */
export interface TargetRule {
  type: RuleType;
  values: string[];
  include: boolean;
}

export interface Variant {
  key: string;
  name: string;
  /** Percent of the experiment's members, two decimals at most; a variant set sums to 100. */
  weight: number;
  config: Record<string, unknown>;
}

export interface Experiment {
  id: string;
  key: string;
  name: string;
  description: string;
  status: ExperimentStatus;
  unit: UnitType;
  /** Percent of eligible units in the experiment (0.01 granularity). */
  allocation: number;
  /** The first variant is the control. */
  variants: Variant[];
  targeting: TargetRule[];
  metrics: string[];
  /** Experiments in one layer never share a member; each holds its own slice of the layer's buckets. */
  layer: string | null;
  /** Where this experiment's slice starts in its layer, in buckets (set when first started). */
  layerOffset: number | null;
  startDate: string | null;
  endDate: string | null;
  startedAt: string | null;
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Assignment {
  experimentId: string;
  key: string;
  variant: string;
  config: Record<string, unknown>;
  unitType: UnitType;
  unitId: string;
  /** `override`: a QA override set for this account; never logged as an exposure. */
  source: 'allocated' | 'override';
}
