import type { Command } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MovielensFormatError, evaluateMovielens, evaluationTable } from '../modules/recommend/index.ts';
import { terminalReporter } from './progress.ts';

function readCsv(program: Command, dir: string, file: string): string {
  const path = join(dir, file);
  if (!existsSync(path) || !statSync(path).isFile()) program.error(`error: ${path} not found (a MovieLens directory holds ratings.csv and movies.csv)`, { exitCode: 2 });
  return readFileSync(path, 'utf8');
}

/** `marquee recs eval --movielens DIR [--json]`: the offline evaluation of the recommender. */
export function registerRecs(program: Command): void {
  const recs = program.command('recs').description('recommender tools');
  recs
    .command('eval')
    .description('offline evaluation on a MovieLens-layout directory: the shipped model beside popularity and item-kNN baselines')
    .requiredOption('--movielens <dir>', 'directory with ratings.csv (userId,movieId,rating,timestamp) and movies.csv (movieId,title,genres)')
    .option('--json', 'print the result as one JSON line at the end')
    .action((opts: { movielens: string; json?: boolean }) => {
      if (!existsSync(opts.movielens) || !statSync(opts.movielens).isDirectory()) program.error(`error: no such directory: ${opts.movielens}`, { exitCode: 2 });
      const ratings = readCsv(program, opts.movielens, 'ratings.csv');
      const movies = readCsv(program, opts.movielens, 'movies.csv');
      const reporter = terminalReporter();
      let result;
      try {
        result = evaluateMovielens(ratings, movies, (model, fraction) => reporter.step(model, 'training', fraction));
      } catch (err) {
        reporter.stop();
        if (err instanceof MovielensFormatError) program.error(`error: ${err.message}`, { exitCode: 2 });
        throw err;
      }
      reporter.stop();
      process.stdout.write(`${evaluationTable(result)}\n`);
      if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
