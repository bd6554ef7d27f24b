import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import { reportBodyLimit } from '../schema/report.js';

/** A client error with the status it maps to; the error handler answers it as is. */
export class ClientError extends Error {
  override name = 'ClientError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: unknown,
  ) {
    super(message);
  }
}

/** One constant with the agent, which keeps its reports under it (schema/report.ts). */
export const bodyLimit = reportBodyLimit;
/** Deeper than any report we send; deeper JSON would overflow the stack when written back out. */
export const maxDepth = 64;

/**
 * Reads a JSON body, inflating gzip/deflate as a stream and counting the bytes after decompression, so a
 * gzip bomb is stopped at 1 MiB of output rather than inflated into memory.
 */
export function readBody(request: IncomingMessage, limit = bodyLimit): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new ClientError(413, 'too_large', `body over ${limit} bytes`));
  const encoding = String(request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  let source: NodeJS.ReadableStream = request;
  if (encoding === 'gzip' || encoding === 'x-gzip') source = request.pipe(createGunzip());
  else if (encoding === 'deflate') source = request.pipe(createInflate());
  else if (encoding !== 'identity') return Promise.reject(new ClientError(415, 'unsupported_encoding', `content-encoding ${encoding} is not supported (gzip, deflate)`));

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let raw = 0;
    let size = 0;
    let done = false;
    const fail = (err: ClientError) => {
      if (done) return;
      done = true;
      request.unpipe();
      if (source !== request) (source as unknown as { destroy(): void }).destroy();
      // Stop reading but keep the socket: the 413 still has to be written back.
      request.resume();
      reject(err);
    };
    request.on('data', (c: Buffer) => {
      raw += c.length;
      if (raw > limit) fail(new ClientError(413, 'too_large', `body over ${limit} bytes`));
    });
    request.on('aborted', () => fail(new ClientError(400, 'aborted', 'request aborted')));
    request.on('error', (err: Error) => fail(new ClientError(400, 'aborted', `request stream failed (${err.message})`)));
    source.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) return fail(new ClientError(413, 'too_large', `body over ${limit} bytes after decompression`));
      chunks.push(c);
    });
    source.on('error', (err: Error) => fail(new ClientError(400, 'bad_encoding', `cannot decompress the body (${err.message})`)));
    source.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size).toString('utf8'));
    });
  });
}

/**
 * The nesting depth of JSON text, in one pass (strings skipped): cheaper than walking the parsed value, and it refuses a
 * 100k-deep array before JSON.parse builds it. Strings, most of a report's text, are jumped over with indexOf (native)
 * rather than read character by character: the scan cost ~4% of ingest CPU that way.
 */
export function exceedsDepth(text: string, limit = maxDepth): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = stringEnd(text, i);
      if (i < 0) return false; // an unterminated string: JSON.parse refuses the text
    } else if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

/** Index of the quote closing the string opened at `open`, or -1: a quote after an odd run of backslashes is escaped. */
function stringEnd(text: string, open: number): number {
  let at = text.indexOf('"', open + 1);
  while (at >= 0) {
    let slashes = 0;
    while (text.charCodeAt(at - 1 - slashes) === 92) slashes++;
    if (slashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
  return -1;
}

/** JSON.parse behind a depth bound: deeper JSON would overflow the stack when written back out. */
export function parseJson(text: string): unknown {
  if (!text.trim()) throw new ClientError(400, 'empty_body', 'empty body: a JSON object is expected');
  if (exceedsDepth(text)) throw new ClientError(400, 'too_deep', `JSON nested deeper than ${maxDepth} levels`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ClientError(400, 'invalid_json', `invalid JSON (${(err as Error).message})`);
  }
}
