/** Injection tokens of the gateway's non-class providers. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const REDIS = Symbol('REDIS');
export const IMAGE_PROVIDERS = Symbol('IMAGE_PROVIDERS');
export const CATALOG_STORE = Symbol('CATALOG_STORE');
export const CATALOG_ENGINE = Symbol('CATALOG_ENGINE');
export const SECRET_REDACTOR = Symbol('SECRET_REDACTOR');
export const CATALOG_COORDINATION = Symbol('CATALOG_COORDINATION');
export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');
