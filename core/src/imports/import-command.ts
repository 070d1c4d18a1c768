import type { EntityManager } from '@mikro-orm/postgresql';
import { FILE_FORMATS, type FileFormat } from './import-record.js';
import { CsvHeaderError } from './csv-file.js';
import { importFile, ImportRefused, type FileImportOptions } from './file-import.js';
import { JsonFileError } from './json-stream.js';
import { Progress } from './progress.js';

export const IMPORT_USAGE = `  pnpm tributary import --pool ID --file PATH --format auth0|firebase|csv [--dry-run] [--verify EMAIL=PASSWORD]
                                                import an export file with its password hashes into the pool (users sign in here with their
                                                old password); every hash's format is checked before anything is written
                                                firebase: --hash-key --salt-separator --rounds --mem-cost (the project's password hash parameters)`;

export const IMPORT_OPTIONS = {
  pool: { type: 'string' },
  file: { type: 'string' },
  format: { type: 'string' },
  'dry-run': { type: 'boolean' },
  verify: { type: 'string' },
  'hash-key': { type: 'string' },
  'salt-separator': { type: 'string' },
  rounds: { type: 'string' },
  'mem-cost': { type: 'string' },
} as const;

type ImportValues = { [K in keyof typeof IMPORT_OPTIONS]?: (typeof IMPORT_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** Checks the arguments, runs the import, prints what it did; the exit code. */
export async function runImportCommand(em: EntityManager, values: ImportValues): Promise<number> {
  const parsed = parseImportArguments(values);
  if (typeof parsed === 'string') {
    console.error(parsed);
    return 2;
  }
  try {
    const { job, detection, counts, conflicts } = await importFile(em, parsed, new Progress());
    console.log(`pool job ${job.id} (FILE_IMPORT${parsed.dryRun ? ', dry run' : ''}) succeeded; poolJob(id) has its progress and report`);
    console.log(
      `${detection.records} records; hash formats: ${
        Object.entries(detection.formats)
          .map(([name, count]) => `${name} ${count}`)
          .join(', ') || 'none'
      }`,
    );
    if (detection.legacy)
      console.log(`warning: ${detection.legacy} legacy hashes (fast salted digests): each is replaced by argon2id at the user's first sign-in`);
    const verb = parsed.dryRun ? 'would be' : '';
    console.log(
      `${parsed.dryRun ? 'dry run, nothing written: ' : ''}${counts.created} ${verb} created, ${counts.updated} ${verb} updated, ${counts.unchanged} unchanged, ${counts.conflict} conflicts`.replaceAll(
        '  ',
        ' ',
      ),
    );
    for (const { at, email } of conflicts) console.log(`  conflict at ${parsed.format === 'csv' ? 'line' : 'record'} ${at}: ${email} belongs to another user`);
    return 0;
  } catch (error) {
    if (!(error instanceof ImportRefused || error instanceof JsonFileError || error instanceof CsvHeaderError)) throw error;
    console.error(error.message);
    return 1;
  }
}

function parseImportArguments(values: ImportValues): FileImportOptions | string {
  if (!values.pool || !values.file || !values.format) return 'import needs --pool ID, --file PATH and --format auth0|firebase|csv';
  if (!(FILE_FORMATS as readonly string[]).includes(values.format)) return `--format must be one of ${FILE_FORMATS.join(', ')}`;
  const options: FileImportOptions = { poolId: values.pool, file: values.file, format: values.format as FileFormat, dryRun: values['dry-run'] === true };
  if (values.verify !== undefined) {
    const split = values.verify.indexOf('=');
    if (split < 1) return '--verify takes EMAIL=PASSWORD';
    options.verify = { email: values.verify.slice(0, split), password: values.verify.slice(split + 1) };
  }
  const firebase = [values['hash-key'], values['salt-separator'], values.rounds, values['mem-cost']];
  if (firebase.some((value) => value !== undefined)) {
    if (options.format !== 'firebase' || firebase.some((value) => value === undefined)) {
      return 'the Firebase hash parameters go together, with --format firebase: --hash-key --salt-separator --rounds --mem-cost';
    }
    options.firebase = {
      hashKey: values['hash-key']!,
      saltSeparator: values['salt-separator']!,
      rounds: Number(values.rounds),
      memCost: Number(values['mem-cost']),
    };
  }
  return options;
}
