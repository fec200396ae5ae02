/** One piece of feedback. weight > 0 is an implicit positive (play, completion, rating, My List); < 0 a negative (thumbs down, abandoned play). at = epoch ms. */
export interface Interaction {
  userId: string;
  itemId: string;
  weight: number;
  at: number;
}

/** What the content side knows of a title. */
export interface ItemContent {
  itemId: string;
  genres: string[];
  people: string[];
  year: number | null;
  tags: string[];
  text: string;
}

export interface HistoryEntry {
  itemId: string;
  weight: number;
  at: number;
}

export interface Scored {
  itemId: string;
  score: number;
}

/** Hyperparameters. Defaults were chosen on a validation split carved from MovieLens training data (see docs/benchmarks.md). */
export interface TrainOptions {
  /** Items with at least this many positive users get a collaborative-filtering (EASE^R) row; at most maxCfItems of them. */
  minItemUsers: number;
  maxCfItems: number;
  /** EASE^R L2 regularisation, for feedback scaled so the mean positive weight is 1. */
  lambda: number;
  /** Neighbours kept per item (sparse rows keep the model small and scoring cheap). */
  neighbours: number;
  /** Dimensions of the CF and the content halves of an item embedding. */
  cfDims: number;
  contentDims: number;
  /** Implicit ALS for the CF half of the embeddings: sweeps, confidence per unit weight, L2. */
  alsIterations: number;
  alsAlpha: number;
  alsLambda: number;
  /** Half-life, in days, of the time decay applied to popularity. */
  popularityHalfLifeDays: number;
  /** Scoring: a history item's influence halves every this many more recent items. */
  recencyHalfLife: number;
  /** Scoring: floor of that recency factor, so old history still counts a little. */
  recencyFloor: number;
  /** Scoring blend: weight of content similarity and of the popularity prior, relative to the CF score (each normalised to [0,1]). */
  contentWeight: number;
  popularityWeight: number;
  /** Scoring: weight of content similarity standing in for the CF score of a title without CF data. */
  coldContentWeight: number;
  /** Negative history items push their neighbours down this much relative to positives. */
  negativeWeight: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  minItemUsers: 5,
  maxCfItems: 2000,
  lambda: 300,
  neighbours: 200,
  cfDims: 32,
  contentDims: 32,
  alsIterations: 6,
  alsAlpha: 10,
  alsLambda: 1,
  popularityHalfLifeDays: 365,
  recencyHalfLife: 5,
  recencyFloor: 0.15,
  contentWeight: 0.3,
  popularityWeight: 0.1,
  coldContentWeight: 0.3,
  negativeWeight: 1,
};
