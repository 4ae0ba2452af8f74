// The real clients' quirks (shared/research/api-facts.md, issue 22 item 4): one test per quirk, each named with the
// client code that shows it. The server must take what these clients really send, and the contract must say so (each
// body is also checked against the contract's request schema, so a quirk the server takes but the schema refuses
// fails here too).
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { contractAjv } from '../helpers/contract-schemas.js';
import { DEMO, LOUDVOICE_AUTH, appsClosedAfterEach } from '../helpers/test-app.js';
import { FIX } from '../loudvoice/harness.js';

const open = appsClosedAfterEach();
const loudvoice = (await SwaggerParser.dereference(new URL('../../openapi/loudvoice.yaml', import.meta.url).pathname)) as any;
const livevox = (await SwaggerParser.dereference(new URL('../../openapi/livevox-session.yaml', import.meta.url).pathname)) as any;
const ajv = contractAjv();
/** Whether the contract's request schema of an operation admits a body. */
const admits = (doc: any, path: string, method: string, body: unknown) => ajv.validate(doc.paths[path][method].requestBody.content['application/json'].schema, body);

describe('real-client quirks', () => {
  it('LiveVox agent as the string "false"/"true" (L11: Python scripts posting "agent": "false" to /session/login; L9 Cognigy sends agent: true)', async () => {
    const { app } = await open();
    for (const [body, agent] of [
      [{ ...DEMO.user, agent: 'false' }, false],
      [{ ...DEMO.agent, agent: 'true' }, true],
    ] as const) {
      expect(admits(livevox, '/session/login', 'post', body), JSON.stringify(body)).toBe(true);
      const res = await app.inject({ method: 'POST', url: '/session/login', headers: { 'lv-access': DEMO.token1 }, payload: body });
      expect(res.statusCode, res.body).toBe(200);
      const details = await app.inject({ method: 'GET', url: '/session/details', headers: { 'lv-session': res.json().sessionId } });
      expect(details.json().agent).toBe(agent);
    }
  });

  it('LiveVox version segments v5.0 and v6.0 on login, validate and logout (L5: LiveVox-authored client, default v5.0; L8: livevox_ex v5.0, dialer-metrics v6.0)', async () => {
    const { app } = await open();
    for (const version of ['v5.0', 'v6.0']) {
      const login = await app.inject({ method: 'POST', url: `/session/${version}/login`, headers: { 'lv-access': DEMO.token1, 'content-type': 'application/json' }, payload: DEMO.user });
      expect(login.statusCode).toBe(200);
      const id = login.json().sessionId as string;
      // L5 sends Content-Type: application/json and LV_REQUEST_TRACKING_ID on bodiless GETs and DELETEs too.
      const headers = { 'content-type': 'application/json', lv_request_tracking_id: '5f0c9a4e-3b7d-4c21-9e8a-1d2b3c4d5e6f', 'lv-session': id };
      expect((await app.inject({ method: 'GET', url: `/session/${version}/validate/${id}`, headers })).statusCode).toBe(204);
      expect((await app.inject({ method: 'DELETE', url: `/session/${version}/logout/${id}`, headers })).statusCode).toBe(204);
      expect((await app.inject({ method: 'GET', url: `/session/${version}/validate/${id}`, headers })).statusCode).toBe(404);
    }
  });

  it('LoudVoice body without Content-Type (O8: the WordPress plugin\'s fsockopen handler sends none) and with PHP curl\'s form type (O8 toolbox.php CURLOPT_POSTFIELDS)', async () => {
    const { app } = await open();
    const body = JSON.stringify({ request: { author_session: { author: { author_reference: 'PHP-1', name: 'PHP', allow_create_new: true } } } });
    const untyped = await app.inject({ method: 'PUT', url: '/loudvoice/authors/sessions.json', headers: { authorization: LOUDVOICE_AUTH }, payload: Buffer.from(body) });
    expect(untyped.statusCode, untyped.body).toBe(201);
    const form = await app.inject({ method: 'PUT', url: '/loudvoice/authors/sessions.json', headers: { authorization: LOUDVOICE_AUTH, 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
    expect(form.statusCode, form.body).toBe(200);
  });

  it('LoudVoice "comment_token": false and "parent_comment_token": false mean no token (O8 v1.1, commit cf931afc, includes/synchronize.php + toolbox.php: a failed token lookup returns false)', async () => {
    const { app } = await open();
    const put = (comment: Record<string, unknown>) => {
      const body = { request: { discussion: { discussion_token: FIX.discussionToken }, comment: { text: 'From WordPress', author: { author_reference: 'WP-USER-1', name: 'WP User' }, ...comment } } };
      expect(admits(loudvoice, '/loudvoice/comments.json', 'put', body), JSON.stringify(comment)).toBe(true);
      return app.inject({ method: 'PUT', url: '/loudvoice/comments.json', headers: { authorization: LOUDVOICE_AUTH }, payload: body });
    };
    const created = await put({ comment_token: false, parent_comment_token: false, comment_reference: 'WP-C-FALSE' });
    expect(created.statusCode, created.body).toBe(201);
    const comment = created.json().response.result.data.comment;
    expect(comment.parent_comment_token).toBeNull();
    // false is "none", not a token: a second export with false finds the comment by its reference, as "" would.
    expect((await put({ comment_token: false, comment_reference: 'WP-C-FALSE' })).statusCode).toBe(200);
    // Only false: true, 0 or an object is still no token (400 NODE_INVALID), and the contract refuses them too.
    for (const wrong of [true, 0, {}]) {
      const body = { request: { discussion: { discussion_token: FIX.discussionToken }, comment: { text: 'x', author: { author_reference: 'WP-USER-1' }, comment_token: wrong } } };
      expect(admits(loudvoice, '/loudvoice/comments.json', 'put', body)).toBe(false);
      expect((await app.inject({ method: 'PUT', url: '/loudvoice/comments.json', headers: { authorization: LOUDVOICE_AUTH }, payload: body })).statusCode).toBe(400);
    }
  });
});
