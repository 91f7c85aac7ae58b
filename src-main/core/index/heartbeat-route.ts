// POST /api/v1/peers/heartbeat without express. At 10,000 peers heartbeats come 1,000 a second,
// and in the load run's CPU profile express's router, body parser and response helpers cost more
// than the heartbeat itself. Only the plain form of the request is taken here (JSON in UTF-8, no
// content encoding, a Content-Length up to 16 KiB: what every peer sends); anything else goes on
// to express, which answers it as before. The body is still validated with the route's zod
// schema, and errors are the catalogue's, in the same shape and with the same status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { indexRoutes } from '../../../src-shared/api/index-routes.js';
import { ShoalError } from '../../../src-shared/errors.js';
import { errorAnswer } from '../api/error-answer.js';
import { redactUrl } from '../http/redact-url.js';
import type { IndexService } from './index-service.js';
import { bearerToken } from './session-tokens.js';

/** Answers the request and returns true, or returns false without touching it. */
export type FastRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

const route = indexRoutes.heartbeat;
const MAX_BODY_BYTES = 16 * 1024;
/** `application/json`, optionally `; charset=utf-8`: the forms body-parser reads as UTF-8. */
const PLAIN_JSON = /^application\/json[ \t]*(?:;[ \t]*charset[ \t]*=[ \t]*(?:utf-8|"utf-8")[ \t]*)?$/i;
/** body-parser's strict mode: a JSON body must be an object or an array. */
const FIRST_CHAR = /^[ \t\n\r]*([^ \t\n\r])/;

export function heartbeatRoute(service: Pick<IndexService, 'heartbeat'>, logger: Logger): FastRoute {
  return (req, res) => {
    if (!isPlainHeartbeat(req)) return false;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined); // a peer that hangs up mid-request gets no answer
    req.on('end', () => {
      let status = 200;
      let answer: unknown;
      try {
        const body = route.body.parse(parseJson(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
        answer = service.heartbeat(bearerToken(req.headers.authorization), body);
      } catch (err) {
        const error = errorAnswer(err, logger, { method: req.method, url: redactUrl(req.url) });
        status = error.status;
        answer = error.toBody();
      }
      const json = JSON.stringify(answer);
      // The headers express's res.json() sends (no ETag, no X-Powered-By on this app).
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json) });
      res.end(json);
    });
    return true;
  };
}

function isPlainHeartbeat(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  const query = url.indexOf('?');
  if ((query === -1 ? url : url.slice(0, query)) !== route.path) return false;
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  if (req.headers['transfer-encoding'] !== undefined) return false;
  const length = Number(req.headers['content-length']);
  return Number.isInteger(length) && length > 0 && length <= MAX_BODY_BYTES && PLAIN_JSON.test(req.headers['content-type'] ?? '');
}

/** JSON.parse as body-parser does it (BOM dropped, empty body = {}, strict), with its errors. */
function parseJson(bytes: Buffer): unknown {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length === 0) return {};
  const first = FIRST_CHAR.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw new ShoalError('MALFORMED_JSON');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ShoalError('MALFORMED_JSON');
  }
}
