import { readFileSync } from 'node:fs';
import { YAMLParseError, parse } from 'yaml';
import { ConfigError, Env } from '@images/core';

// Readers of one environment variable each: a bad value is a ConfigError naming the variable.

export function optionalText(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optionalText(env, name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = optionalText(env, name);
  if (raw === null) return fallback;
  if (!allowed.includes(raw as T)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}`);
  return raw as T;
}

export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function safeUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** `true` or `false` (any case); unset is the fallback. */
export function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = optionalText(env, name);
  if (raw === null) return fallback;
  if (!/^(true|false)$/i.test(raw)) throw new ConfigError(name, `must be true or false, got "${raw}"`);
  return raw.toLowerCase() === 'true';
}

/** A comma list; blank entries dropped. */
export function list(env: Env, name: string): string[] {
  return (optionalText(env, name) ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

/**
 * `NAME_FILE` for any of `names`: NAME's value read from that file, as Kubernetes and Docker mount secrets (one
 * trailing newline dropped). Both set, or a file that cannot be read, is an error naming `NAME_FILE`; the message
 * names the path, never the contents.
 */
export function withValuesFromFiles(env: Env, names: readonly string[]): Env {
  const fromFiles: Record<string, string> = {};
  for (const name of names) {
    const variable = `${name}_FILE`;
    const path = optionalText(env, variable);
    if (path === null) continue;
    if (optionalText(env, name) !== null) throw new ConfigError(variable, `and ${name} are both set: give one of them`);
    fromFiles[name] = readMountedFile(path, (reason) => new ConfigError(variable, reason));
  }
  // Without files, the environment itself: every other variable is still read only where it is used.
  return Object.keys(fromFiles).length === 0 ? env : { ...env, ...fromFiles };
}

/** A mounted file's text, one trailing newline dropped; `fail` makes the error naming the path (never the contents). */
export function readMountedFile(path: string, fail: (reason: string) => Error): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw fail(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

/**
 * A mounted YAML or JSON file (YAML 1.2 reads both), parsed. A syntax error is reported by position and code only:
 * the parser's own message quotes the line, which may hold a secret.
 */
export function readConfigDocument(path: string, fail: (reason: string) => Error): unknown {
  const text = readMountedFile(path, fail);
  try {
    return parse(text);
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
      throw fail(`is not valid YAML or JSON${where} (${error.code})`);
    }
    throw fail('is not valid YAML or JSON');
  }
}

/** A YAML/JSON mapping (not a list, not a scalar). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
