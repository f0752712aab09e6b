#!/usr/bin/env node
// The API report: runs API Extractor on the built .d.ts of every entry in package.json `exports` and
// compares the result with api/<entry>.api.md. `npm run api:check` fails on any difference (run in CI
// after the build); `npm run api:update` (--local) rewrites the reports after an intended change.
// Run `npm run build` first.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const local = process.argv.includes('--local');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
const reportFolder = resolve(root, 'api');
const tempFolder = resolve(root, '.tmp/api');
mkdirSync(reportFolder, { recursive: true });
mkdirSync(tempFolder, { recursive: true });

let failed = 0;
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target !== 'object') continue;
  const name = subpath === '.' ? 'wacloud' : `wacloud-${subpath.slice(2).replaceAll('/', '-')}`;
  const entry = resolve(root, target.import.types);
  if (!existsSync(entry)) {
    console.error(`api-report: ${entry} is missing: run \`npm run build\` first`);
    process.exit(1);
  }
  const config = ExtractorConfig.prepare({
    configObjectFullPath: resolve(root, 'api-extractor.json'),
    packageJsonFullPath: resolve(root, 'package.json'),
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: entry,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'es2022',
            module: 'nodenext',
            moduleResolution: 'nodenext',
            lib: ['es2023', 'dom'],
            types: ['node'],
            strict: true,
            skipLibCheck: true,
          },
          files: [entry],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: name,
        reportFolder,
        reportTempFolder: tempFolder,
        includeForgottenExports: true,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      newlineKind: 'lf',
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: {
          default: { logLevel: 'warning' },
          // Release tags (@public/@beta) are not used in this package; forgotten exports are listed in the report.
          'ae-missing-release-tag': { logLevel: 'none' },
          'ae-forgotten-export': { logLevel: 'none' },
          'ae-internal-missing-underscore': { logLevel: 'none' },
          // TSDoc completeness is typedoc's job (warnings as errors); links name exports of other entries.
          'ae-undocumented': { logLevel: 'none' },
          'ae-unresolved-link': { logLevel: 'none' },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
  });
  const result = Extractor.invoke(config, { localBuild: local, messageCallback: quiet });
  if (!result.succeeded || (!local && result.apiReportChanged)) {
    failed++;
    console.error(
      `api-report: ${name}: the public API differs from api/${name}.api.md (see .tmp/api/${name}.api.md); ` +
        'run `npm run api:update` and commit the report if the change is intended',
    );
  } else {
    console.log(`api-report: ${name}: ${result.apiReportChanged ? 'updated' : 'unchanged'}`);
  }
}
process.exit(failed > 0 ? 1 : 0);

/** Keeps API Extractor's own progress lines out of the output; warnings and errors still print. */
function quiet(message) {
  if (message.logLevel === 'info' || message.logLevel === 'verbose') message.handled = true;
}
