/** One ladder of maturity ratings for titles and profiles, lowest first. */
export const MATURITY_RATINGS = ['all', '7+', '13+', '16+', '18+'] as const;
export type MaturityRating = (typeof MATURITY_RATINGS)[number];

export const KIDS_MAX_RATING: MaturityRating = '7+';
export const ADULT_MAX_RATING: MaturityRating = '18+';

export const maturityRank = (rating: string): number => {
  const rank = (MATURITY_RATINGS as readonly string[]).indexOf(rating);
  if (rank < 0) throw new Error(`Unknown maturity rating ${rating}`);
  return rank;
};

/** Whether a profile whose limit is `profileMax` may see a title rated `titleRating`. */
export const isRatingAllowed = (titleRating: string, profileMax: string): boolean => maturityRank(titleRating) <= maturityRank(profileMax);
