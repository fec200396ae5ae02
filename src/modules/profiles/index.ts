import type { Kysely } from 'kysely';
import type { Authenticator, IdentityService } from '../identity/index.ts';
import { profileMigrations } from './migrations.ts';
import { profileRoutes } from './routes.ts';
import { type ProfilesService, profilesService } from './service.ts';

export { profileMigrations };
export { MAX_PROFILES_PER_ACCOUNT, type Profile, type ProfilesService } from './service.ts';

export function profilesModule(o: { db: Kysely<object>; identity: IdentityService; auth: Authenticator }): { service: ProfilesService; routes: ReturnType<typeof profileRoutes> } {
  const service = profilesService(o.db);
  return { service, routes: profileRoutes(service, o.identity, o.auth) };
}
