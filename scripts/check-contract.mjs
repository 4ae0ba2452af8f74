#!/usr/bin/env node
// Checks an OpenAPI document against docs/contract-conventions.md: valid OpenAPI (swagger-parser), provenance on
// every rule, unique rule ids, a complete error catalogue, and every example valid against its schema.
// Like Prism's validators it collects every problem instead of stopping at the first.
// Usage: node scripts/check-contract.mjs openapi/livevox-session.yaml [more.yaml …]
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';

const GRADES = new Set(['documented', 'observed', 'assumed']);
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const RULE_ID = /^(LVX|LDV)-[A-Z0-9]+(-[A-Z0-9]+)*$/;

/** Returns the list of problems found in one contract (empty when it follows every convention). */
export async function checkContract(file) {
  const problems = [];
  const raw = parse(await readFile(file, 'utf8'));
  let api;
  try {
    // validate() dereferences a copy; $refs are resolved so every check below sees the effective object.
    api = await SwaggerParser.validate(structuredClone(raw));
  } catch (error) {
    return [`not a valid OpenAPI document: ${error.message}`];
  }
  if (!String(api.openapi).startsWith('3.1')) problems.push(`openapi is ${api.openapi}, expected 3.1.x`);

  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const ruleIds = new Map();

  const provenance = (where, node) => {
    const p = node?.['x-provenance'];
    if (!p || typeof p !== 'object') return problems.push(`${where}: no x-provenance`);
    if (!GRADES.has(p.grade)) problems.push(`${where}: x-provenance.grade "${p.grade}" is not documented|observed|assumed`);
    if (typeof p.source !== 'string' || p.source.trim().length < 8) problems.push(`${where}: x-provenance.source is missing or too short`);
  };

  const rules = (where, list, { required }) => {
    if (list === undefined && !required) return;
    if (!Array.isArray(list) || list.length === 0) return problems.push(`${where}: x-rules must be a non-empty list`);
    for (const rule of list) {
      const at = `${where} rule ${rule?.id ?? '(no id)'}`;
      if (typeof rule?.id !== 'string' || !RULE_ID.test(rule.id)) problems.push(`${at}: id must match ${RULE_ID}`);
      else if (ruleIds.has(rule.id)) problems.push(`${at}: id also used at ${ruleIds.get(rule.id)}`);
      else ruleIds.set(rule.id, where);
      if (typeof rule?.rule !== 'string' || rule.rule.length < 10) problems.push(`${at}: needs a 'rule' sentence`);
      provenance(at, rule);
      const p = rule?.['x-provenance'] ?? {};
      if ('decides' in p) {
        if (p.decides !== true || p.grade !== 'observed') problems.push(`${at}: only an observed rule may say decides: true`);
        if (typeof p['decides-because'] !== 'string' || p['decides-because'].length < 20) problems.push(`${at}: decides needs decides-because: why it decides the verdict`);
      }
      // A documented rule asserts only what the vendor says: our error codes and catalogue names belong to assumed rules.
      if (p.grade === 'documented' && typeof rule?.rule === 'string') {
        const invented = rule.rule.match(/\bcode 1\d{4}\b|\b\d{3} [A-Z][A-Z0-9]*_[A-Z0-9_]+\b/);
        if (invented) problems.push(`${at}: a documented rule names "${invented[0]}", a catalogue choice of ours (move it to an assumed rule)`);
      }
    }
  };
  const sources = api['x-sources'];
  if (!Array.isArray(sources) || sources.length === 0) problems.push('root: x-sources must list the cited sources');
  for (const s of sources ?? []) {
    if (typeof s?.id !== 'string' || typeof s?.citation !== 'string' || !GRADES.has(s?.grade)) problems.push(`x-sources ${s?.id ?? '?'}: needs id, grade and citation`);
  }

  const catalogue = api['x-error-catalogue'];
  const catalogueEntries = catalogue && typeof catalogue === 'object' ? Object.entries(catalogue) : [];
  if (catalogueEntries.length === 0) problems.push('root: x-error-catalogue is missing or empty');
  const style = catalogueEntries.some(([, e]) => 'code' in (e ?? {})) ? 'livevox' : 'loudvoice';
  for (const [name, entry] of catalogueEntries) {
    const at = `x-error-catalogue.${name}`;
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) problems.push(`${at}: name must be SCREAMING_SNAKE`);
    if (!Number.isInteger(entry?.status) || entry.status < 400 || entry.status > 599) problems.push(`${at}: status must be a 4xx/5xx integer`);
    if (style === 'livevox') {
      if (!Number.isInteger(entry?.code)) problems.push(`${at}: code must be an integer`);
      if (typeof entry?.message !== 'string' || !entry.message) problems.push(`${at}: message must be a string`);
    } else if (typeof entry?.info !== 'string' || !entry.info) problems.push(`${at}: info must be a string`);
    provenance(at, entry);
  }
  if (style === 'livevox') {
    const codes = catalogueEntries.map(([, e]) => e?.code);
    if (new Set(codes).size !== codes.length) problems.push('x-error-catalogue: codes must be unique');
  }

  /** Is this error body one the catalogue can produce for this HTTP status (any status when it is not known)? */
  const errorBodyInCatalogue = (status, body) => {
    const candidates = catalogueEntries.filter(([, e]) => status === undefined || e.status === status);
    if (style === 'livevox') {
      return candidates.some(([, e]) => body?.code === e.code && typeof body?.message === 'string' && body.message.startsWith(e.message));
    }
    const info = body?.response?.request?.status?.info;
    return candidates.some(([, e]) => templateRegex(e.info).test(info ?? ''));
  };

  const checkExamples = (where, media, status) => {
    if (!media?.schema) return problems.push(`${where}: application/json has no schema`);
    const examples = Object.entries(media.examples ?? {});
    if (media.example !== undefined) examples.push(['example', { value: media.example }]);
    if (examples.length === 0) return problems.push(`${where}: no examples`);
    let validate;
    try {
      validate = ajv.compile(media.schema);
    } catch (error) {
      return problems.push(`${where}: schema does not compile: ${error.message}`);
    }
    for (const [name, example] of examples) {
      if (!validate(example?.value)) {
        problems.push(`${where} example "${name}": ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
      }
      if ((status === undefined || status >= 400) && !errorBodyInCatalogue(status, example?.value)) {
        problems.push(`${where} example "${name}": error body matches no x-error-catalogue entry${status === undefined ? '' : ` with status ${status}`}`);
      }
    }
  };

  rules('root', api['x-rules'], { required: true });
  for (const [name, schema] of Object.entries(api.components?.schemas ?? {})) provenance(`components.schemas.${name}`, schema);
  for (const [name, scheme] of Object.entries(api.components?.securitySchemes ?? {})) provenance(`components.securitySchemes.${name}`, scheme);
  // A response no operation uses (the 405 of a method no operation takes) is checked on its own: provenance, examples
  // valid, and each example an error of the catalogue (only error answers live outside operations). The responses that
  // operations use are checked below, with their status.
  const rawText = JSON.stringify(raw.paths ?? {});
  for (const [name, response] of Object.entries(api.components?.responses ?? {})) {
    if (rawText.includes(`"#/components/responses/${name}"`)) continue;
    const at = `components.responses.${name}`;
    provenance(at, response);
    const media = response.content?.['application/json'];
    if (!media) problems.push(`${at}: no application/json content`);
    else checkExamples(at, media, undefined);
  }

  const operationIds = new Set();
  for (const [path, item] of Object.entries(api.paths ?? {})) {
    for (const param of item.parameters ?? []) provenance(`${path} parameter ${param.name}`, param);
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const where = `${method.toUpperCase()} ${path}`;
      if (!op.operationId) problems.push(`${where}: no operationId`);
      else if (operationIds.has(op.operationId)) problems.push(`${where}: duplicate operationId ${op.operationId}`);
      else operationIds.add(op.operationId);
      if (!op.summary) problems.push(`${where}: no summary`);
      provenance(where, op);
      rules(where, op['x-rules'], { required: true });
      for (const param of op.parameters ?? []) provenance(`${where} parameter ${param.name}`, param);
      if (op.requestBody) {
        const media = op.requestBody.content?.['application/json'];
        if (!media) problems.push(`${where} requestBody: no application/json content`);
        else checkExamples(`${where} requestBody`, media, 0);
      }
      const responses = Object.entries(op.responses ?? {});
      if (!responses.some(([code]) => code.startsWith('2'))) problems.push(`${where}: no 2xx response`);
      for (const [code, response] of responses) {
        const at = `${where} ${code}`;
        provenance(at, response);
        const media = response.content?.['application/json'];
        if (code === '204') {
          if (response.content) problems.push(`${at}: a 204 response has no content`);
        } else if (!media) problems.push(`${at}: no application/json content`);
        else checkExamples(at, media, Number(code));
      }
    }
  }
  return problems;
}

/** Turns a catalogue text with {placeholders} into a regular expression that matches any filled-in text. */
export function templateRegex(template) {
  const parts = template.split(/\{[a-z_]+\}/);
  return new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`, 's');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: node scripts/check-contract.mjs openapi/FILE.yaml [...]');
    process.exit(2);
  }
  let failed = false;
  for (const file of files) {
    const problems = await checkContract(file);
    if (problems.length === 0) console.log(`${file}: ok`);
    else {
      failed = true;
      console.log(`${file}: ${problems.length} problem(s)`);
      for (const p of problems) console.log(`  - ${p}`);
    }
  }
  process.exit(failed ? 1 : 0);
}
