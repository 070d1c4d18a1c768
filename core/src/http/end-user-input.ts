import type { Request } from 'express';
import type { z } from 'zod';
import { InvalidRequest } from '../errors/index.js';

/** Control characters (NUL first: PostgreSQL refuses it in text) are never part of an email, a password or a code. */
export const noControl = (value: string): boolean => ![...value].some((character) => character.charCodeAt(0) < 0x20 || character.charCodeAt(0) === 0x7f);

/** An end-user route's body, or `400 invalid_request` naming the first field that is missing or malformed. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidRequest(`${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The client's address, as the throttles key on it (`trust proxy` decides who may say it). */
export const clientIp = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';
