import { ConfigError, Env, ProviderRegistration } from '@images/core';
import { isMapping, readConfigDocument, readMountedFile } from './env';

/** One enabled account: `id` is the provider id everywhere (image ids, `provider=`, metrics, cache keys, circuits). */
export interface EnabledProvider {
  id: string;
  registration: ProviderRegistration<unknown>;
  config: unknown;
}

export interface EnabledProviders {
  providers: EnabledProvider[];
  /** Every credential of every account, for the redactor. */
  secrets: string[];
}

const ACCOUNT_ID = /^[a-z0-9-]{1,32}$/;
/** Credential settings: each may instead be `<name>File`, the path of a mounted secret read at start-up. */
const SECRET_FIELDS: ReadonlySet<string> = new Set(['token', 'sk', 'privateKey']);
/** Settings written as a YAML/JSON list; their variable is a comma list. */
const LIST_FIELDS: ReadonlySet<string> = new Set(['regions']);

/** The one-account form: each vendor whose variables are set, under the vendor's own id. */
export function providersFromEnv(env: Env, registrations: readonly ProviderRegistration<any>[]): EnabledProviders {
  const enabled: EnabledProviders = { providers: [], secrets: [] };
  for (const registration of registrations) {
    const config = registration.fromEnv(env);
    if (config === null) continue;
    enabled.providers.push({ id: registration.id, registration, config });
    enabled.secrets.push(...registration.secretsOf(config));
  }
  if (enabled.providers.length === 0) {
    const variables = registrations.map((r) => r.envVariables[0]).join(', ');
    throw new ConfigError(variables, 'no provider is enabled: set the credentials of at least one provider (or PROVIDERS_FILE)');
  }
  return enabled;
}

/** `HUAWEI_PROJECT_ID` → `projectId`: a file setting is named after its vendor's variable. */
function fieldOf(variable: string, vendor: string): string {
  const words = variable.slice(vendor.length + 1).toLowerCase().split('_');
  return words.map((word, i) => (i === 0 ? word : word[0].toUpperCase() + word.slice(1))).join('');
}


/**
 * PROVIDERS_FILE (API.md section 2): `{providers: [{id, vendor, …the vendor's settings}]}`, YAML or JSON. Each
 * entry is handed to its vendor's own `fromEnv` under the variable names, so the vendor's rules stay in one place.
 * Every failure names the file, the entry and the field, never a value.
 */
export function providersFromFile(path: string, registrations: readonly ProviderRegistration<any>[]): EnabledProviders {
  const fail = (reason: string) => new ConfigError(`PROVIDERS_FILE ${path}`, reason);
  const document = readConfigDocument(path, fail);
  if (!isMapping(document) || !Array.isArray(document.providers)) throw fail('must hold {"providers": [ … ]}, a list of accounts');
  const extra = Object.keys(document).find((key) => key !== 'providers');
  if (extra !== undefined) throw fail(`${extra}: unknown field (the file holds only "providers")`);
  if (document.providers.length === 0) throw fail('providers: lists no account');

  const enabled: EnabledProviders = { providers: [], secrets: [] };
  const seen = new Set<string>();
  document.providers.forEach((entry: unknown, index: number) => {
    const account = readAccount(entry, index, registrations, fail);
    if (seen.has(account.id)) throw fail(`providers[${index}] (${account.id}) id: is used by an earlier account too`);
    seen.add(account.id);
    enabled.providers.push(account);
    enabled.secrets.push(...account.registration.secretsOf(account.config));
  });
  return enabled;
}

function readAccount(
  entry: unknown,
  index: number,
  registrations: readonly ProviderRegistration<any>[],
  fail: (reason: string) => ConfigError,
): EnabledProvider {
  if (!isMapping(entry)) throw fail(`providers[${index}]: must be a mapping of id, vendor and settings`);
  const id = entry.id;
  if (typeof id !== 'string' || !ACCOUNT_ID.test(id)) {
    throw fail(`providers[${index}] id: ${id === undefined ? 'is missing' : 'must be 1-32 of a-z, 0-9 and -'}`);
  }
  const failField = (field: string, reason: string) => fail(`providers[${index}] (${id}) ${field}: ${reason}`);
  const vendors = registrations.map((r) => r.id);
  const registration = registrations.find((r) => r.id === entry.vendor);
  if (!registration) throw failField('vendor', `${entry.vendor === undefined ? 'is missing' : 'is not a known vendor'}: one of ${vendors.join(', ')}`);

  const variables = new Map(registration.envVariables.map((variable) => [fieldOf(variable, registration.id), variable]));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(entry)) {
    if (key === 'id' || key === 'vendor') continue;
    const secretField = key.endsWith('File') ? key.slice(0, -'File'.length) : null;
    if (secretField !== null && SECRET_FIELDS.has(secretField) && variables.has(secretField)) {
      if (entry[secretField] !== undefined) throw failField(key, `and ${secretField} are both set: give one of them`);
      if (typeof value !== 'string' || value.trim() === '') throw failField(key, 'must be the path of a file');
      const secret = readMountedFile(value, (reason) => failField(key, reason));
      if (secret.trim() === '') throw failField(key, `${value} is empty`);
      env[variables.get(secretField)!] = secret;
      continue;
    }
    const variable = variables.get(key);
    if (variable === undefined) throw failField(key, `unknown field for vendor ${registration.id} (${[...variables.keys()].join(', ')})`);
    env[variable] = settingValue(key, value, failField);
  }

  let config: unknown;
  try {
    config = registration.fromEnv(env);
  } catch (error) {
    if (!(error instanceof ConfigError) || !variables.has(fieldOf(error.variable, registration.id))) throw error;
    throw failField(fieldOf(error.variable, registration.id), inFieldNames(error, registration.id, [...variables.values()]));
  }
  if (config === null) throw failField(fieldOf(registration.envVariables[0], registration.id), 'is missing: the account sets none of its credentials');
  return { id, registration, config };
}

/** A setting as its variable would hold it: a string, or a list of strings joined with commas. */
function settingValue(field: string, value: unknown, failField: (field: string, reason: string) => ConfigError): string {
  if (LIST_FIELDS.has(field)) {
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw failField(field, 'must be a list of strings');
    return value.join(',');
  }
  // A number is refused rather than converted: YAML reads `0123` or `1e5` as numbers and would change the value.
  if (typeof value !== 'string') throw failField(field, 'must be a string (quote it in YAML)');
  return value;
}

/** A vendor's reason, which names its variables, in the file's field names. */
function inFieldNames(error: ConfigError, vendor: string, variables: readonly string[]): string {
  let reason = error.message.slice(`${error.variable}: `.length);
  for (const variable of [...variables].sort((a, b) => b.length - a.length)) reason = reason.split(variable).join(fieldOf(variable, vendor));
  return reason;
}

/** The accounts PROVIDERS_FILE lists when it is set, else the one-account environment form. */
export function loadProviderAccounts(env: Env, providersFile: string | null, registrations: readonly ProviderRegistration<any>[]): EnabledProviders {
  return providersFile === null ? providersFromEnv(env, registrations) : providersFromFile(providersFile, registrations);
}
