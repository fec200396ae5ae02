/** The recommender's model: training, fold-in scoring, similar titles, embeddings, and offline evaluation. */
export type { Interaction, ItemContent, HistoryEntry, Scored, TrainOptions } from './types.ts';
export { DEFAULT_TRAIN_OPTIONS } from './types.ts';
export { type RecModel, trainRecModel, scoreForHistory, similarItems, itemEmbedding, userEmbedding } from './model.ts';
export { serialiseModel, deserialiseModel, ModelFormatError } from './serialise.ts';
export { evaluateMovielens, evaluationTable, type EvaluationResult, type ModelResult } from './evaluation.ts';
export { MovielensFormatError, parseMovies, parseRatings, type Rating } from './movielens.ts';
