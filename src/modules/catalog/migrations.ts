import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../../platform/db/index.ts';

export const catalogMigrations: NamedMigrations = {
  '0300_catalog_titles': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('titles')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('sort_name', 'text', (c) => c.notNull())
        .addColumn('synopsis', 'text', (c) => c.notNull())
        .addColumn('year', 'integer')
        .addColumn('maturity_rating', 'text', (c) => c.notNull())
        .addColumn('maturity_rank', 'integer', (c) => c.notNull())
        .addColumn('popularity', 'real', (c) => c.notNull().defaultTo(0))
        .addColumn('poster_key', 'text')
        .addColumn('backdrop_key', 'text')
        .addColumn('video_id', 'text')
        .addColumn('duration_sec', 'real')
        .addColumn('worldwide', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('owner_account_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('titles_popular').on('titles').columns(['published', 'popularity', 'id']).execute();
      await db.schema.createIndex('titles_video').on('titles').column('video_id').execute();
      await db.schema
        .createTable('title_regions')
        .addColumn('title_id', 'text', (c) => c.notNull().references('titles.id').onDelete('cascade'))
        .addColumn('country', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('title_regions_pk', ['title_id', 'country'])
        .execute();
      await db.schema
        .createTable('genres')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('title_genres')
        .addColumn('title_id', 'text', (c) => c.notNull().references('titles.id').onDelete('cascade'))
        .addColumn('genre_id', 'text', (c) => c.notNull().references('genres.id'))
        .addPrimaryKeyConstraint('title_genres_pk', ['title_id', 'genre_id'])
        .execute();
      await db.schema.createIndex('title_genres_genre').on('title_genres').columns(['genre_id', 'title_id']).execute();
      await db.schema
        .createTable('title_credits')
        .addColumn('title_id', 'text', (c) => c.notNull().references('titles.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('ord', 'integer', (c) => c.notNull())
        .addColumn('person_name', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('title_credits_pk', ['title_id', 'role', 'ord'])
        .execute();
      await db.schema
        .createTable('episodes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('title_id', 'text', (c) => c.notNull().references('titles.id').onDelete('cascade'))
        .addColumn('season', 'integer', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('synopsis', 'text', (c) => c.notNull())
        .addColumn('duration_sec', 'real')
        .addColumn('video_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('episodes_title_season_number', ['title_id', 'season', 'number'])
        .execute();
      await db.schema.createIndex('episodes_video').on('episodes').column('video_id').execute();
    },
  },
  '0301_title_availability': {
    async up(db: Kysely<unknown>) {
      // Licensing windows per title and country; a title with none follows title_regions.
      await db.schema
        .createTable('title_availability')
        .addColumn('title_id', 'text', (c) => c.notNull().references('titles.id').onDelete('cascade'))
        .addColumn('country', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'text', (c) => c.notNull())
        .addColumn('ends_at', 'text')
        .execute();
      await db.schema.createIndex('title_availability_title').on('title_availability').columns(['title_id', 'country', 'starts_at']).execute();
    },
  },
  '0302_title_languages': {
    async up(db: Kysely<unknown>) {
      // Spoken (audio) and subtitle languages of a title, ISO 639-1 codes, for search filters and details.
      await db.schema
        .createTable('title_languages')
        .addColumn('title_id', 'text', (c) => c.notNull().references('titles.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('title_languages_pk', ['title_id', 'kind', 'language'])
        .execute();
    },
  },
};
