import type { CatalogService } from '../../catalog/index.ts';
import { catalogAudioLanguages } from '../dubs.ts';

/** Adds these audio tracks' languages to the title's spoken languages (search filters, details page). */
export async function addCatalogAudioLanguages(catalog: CatalogService, titleId: string, tags: readonly string[]): Promise<void> {
  const title = await catalog.studioTitle(titleId);
  const audioLanguages = catalogAudioLanguages(title.audioLanguages, tags);
  if (audioLanguages) await catalog.setLanguages(titleId, { audioLanguages, subtitleLanguages: title.subtitleLanguages });
}
