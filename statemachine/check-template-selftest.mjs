#!/usr/bin/env node
// Negative self-test of the two checks, so that neither can silently pass everything:
//  - check-template.mjs on test/broken-template.yaml must exit 1 and name every broken resource with its problem;
//  - validate-asl.mjs on copies of the real definition, broken on purpose (a Next to a missing state; an unknown
//    ${...} substitution), must exit 1.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = import.meta.dirname;
let failures = 0;
const run = (script, ...args) => spawnSync(process.execPath, [join(here, script), ...args], { encoding: 'utf8' });
function expectFailure(title, result, expected) {
  const output = `${result.stdout}${result.stderr}`;
  const missing = expected.filter((e) => !output.includes(e));
  if (result.status !== 1 || missing.length > 0) {
    failures++;
    console.error(`SELF-TEST FAILED: ${title}: exit ${result.status} (expected 1)`
        + `${missing.length ? `; output lacks ${missing.map((m) => `'${m}'`).join(', ')}` : ''}\n${output}`);
  } else {
    console.log(`self-test ok: ${title}`);
  }
}

expectFailure('check-template rejects the broken template', run('check-template.mjs', join(here, 'test/broken-template.yaml')), [
  "UnknownType (AWS::S3::Buckett): unknown resource type 'AWS::S3::Buckett'",
  "MisspelledProperty (AWS::SQS::Queue): unknown property 'VisiblityTimeout'",
  "MissingRequired (AWS::IAM::Role): missing required property 'AssumeRolePolicyDocument'",
  "MisspelledNested (AWS::S3::Bucket): unknown property 'BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgoritm'",
  "MisspelledSamProperty (AWS::Serverless::Function): unknown property 'Timout'",
  "DanglingReference (AWS::SQS::QueuePolicy): reference to unknown 'NoSuchQueue'",
]);
const good = run('check-template.mjs', join(here, 'test/broken-template.yaml')).stderr;
if (good.includes('Fine (')) {
  failures++;
  console.error(`SELF-TEST FAILED: check-template reports the valid resource 'Fine':\n${good}`);
}

const definition = readFileSync(join(here, 'ingest.asl.json'), 'utf8');
const template = resolve(here, '../template.yaml');
const dir = mkdtempSync(join(tmpdir(), 'asl-selftest-'));
try {
  // the copies must sit where the template's DefinitionUri points, so they replace the file under a temp template
  const templateText = readFileSync(template, 'utf8');
  const tryDefinition = (title, text, expected) => {
    writeFileSync(join(dir, 'template.yaml'), templateText);
    const asl = join(dir, 'statemachine', 'ingest.asl.json');
    mkdirSync(join(dir, 'statemachine'), { recursive: true });
    writeFileSync(asl, text);
    expectFailure(title, run('validate-asl.mjs', asl, join(dir, 'template.yaml')), expected);
  };
  const parsed = JSON.parse(definition);
  parsed.States.Verified.Choices[0].Next = 'NoSuchState';
  tryDefinition('validate-asl rejects a Next to a missing state', JSON.stringify(parsed, null, 2), ['NoSuchState']);
  tryDefinition('validate-asl rejects an unknown substitution',
      definition.replace('${VerifierFunctionArn}', '${VerifyerFunctionArn}'),
      ['${VerifyerFunctionArn} is not in DefinitionSubstitutions', 'DefinitionSubstitutions.VerifierFunctionArn is not used']);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (failures > 0) process.exit(1);
