import type { FastifyInstance } from 'fastify';
import { type CatalogService, type CatalogViewer, TITLE_ARTWORK_EXPERIMENT, sameArtwork, viewerOf } from '../catalog/index.ts';
import { type ExperimentInput, type ExperimentsClient, applyExperiment, requestDevice } from '../experiments/index.ts';
import type { Authenticator } from '../identity/index.ts';
import type { ViewingService } from '../viewing/index.ts';
import { type HomeRow, buildHome, chooseArtwork, genreAffinity, orderRows, rowOrderOf } from './homeRows.ts';

export type { HomeRow } from './homeRows.ts';

export const HOME_ROW_ORDER = 'home_row_order';
export const TITLE_ARTWORK = TITLE_ARTWORK_EXPERIMENT;

/** The experiments the home page reads, registered as drafts so an operator only has to start them. */
export const HOME_EXPERIMENTS: ExperimentInput[] = [
  {
    key: HOME_ROW_ORDER,
    name: 'Homepage row order',
    description: 'Which rows lead the home page.',
    allocation: 100,
    variants: [
      { key: 'control', name: 'Control', weight: 25, config: { rowOrder: 'default' } },
      { key: 'continue_first', name: 'Continue Watching first', weight: 25, config: { rowOrder: 'continue_first' } },
      { key: 'trending_first', name: 'Trending first', weight: 25, config: { rowOrder: 'trending_first' } },
      { key: 'personalised', name: 'Personalised', weight: 25, config: { rowOrder: 'personalised' } },
    ],
  },
  {
    key: TITLE_ARTWORK,
    name: 'Title artwork',
    description: 'Poster art or the landscape backdrop on title cards.',
    allocation: 100,
    variants: [
      { key: 'control', name: 'Poster', weight: 50, config: { artwork: 'poster' } },
      { key: 'backdrop', name: 'Backdrop', weight: 50, config: { artwork: 'backdrop' } },
    ],
  },
];

const sameOrder = (a: HomeRow[], b: HomeRow[]) => a.length === b.length && a.every((r, i) => r.id === b[i]!.id);
const sameArt = (a: HomeRow[], b: HomeRow[]) => a.every((r, i) => sameArtwork(r.items, b[i]!.items));

async function affinityOf(catalog: CatalogService, viewing: ViewingService, profileId: string, viewer: CatalogViewer): Promise<Map<string, number>> {
  const recent = await viewing.history(profileId, undefined, 50);
  return genreAffinity(await catalog.summariesOf([...new Set(recent.items.map((h) => h.titleId))], viewer));
}

export function recommendModule(o: { catalog: CatalogService; viewing: ViewingService; experiments: ExperimentsClient; auth: Authenticator }) {
  return {
    experiments: HOME_EXPERIMENTS,
    routes: async (app: FastifyInstance) => {
      app.get('/api/v1/home', async (request) => {
        const caller = await o.auth.profile(request);
        const viewer = viewerOf(caller)!;
        const device = requestDevice(request);
        const [built, rowOrder, artwork] = await Promise.all([
          buildHome(o.catalog, o.viewing, caller.profile.id, viewer),
          o.experiments.decide(caller, device, HOME_ROW_ORDER),
          o.experiments.decide(caller, device, TITLE_ARTWORK),
        ]);
        const personalised = rowOrder?.variants.some((v) => rowOrderOf(v.config) === 'personalised');
        const affinity = personalised ? await affinityOf(o.catalog, o.viewing, caller.profile.id, viewer) : undefined;
        const ordered = await applyExperiment(o.experiments, caller, rowOrder, (c) => orderRows(built, rowOrderOf(c), affinity), sameOrder);
        return { rows: await applyExperiment(o.experiments, caller, artwork, (c) => chooseArtwork(ordered, c), sameArt) };
      });
    },
  };
}
