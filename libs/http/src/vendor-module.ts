import { HttpService } from '@nestjs/axios';
import type { DynamicModule, Type } from '@nestjs/common';
import type { AxiosInstance } from 'axios';
import { ImageProvider, PROVIDER_DEPS, ProviderDepsSource, VendorModuleContext, imageProviderToken } from '@images/core';
import type { UpstreamDeps } from './upstream-types';

/**
 * The part every vendor module shares, once it has registered its own HttpModule: the vendor's provider, built on
 * that module's axios instance (`HttpService.axiosRef`: no Observables needed) with the gateway's deps, exported under
 * `imageProviderToken(providerId)`.
 */
export function vendorModule(
  module: Type,
  httpModule: DynamicModule,
  context: VendorModuleContext,
  create: (deps: UpstreamDeps) => ImageProvider,
): DynamicModule {
  const token = imageProviderToken(context.providerId);
  return {
    module,
    imports: [httpModule, context.depsModule],
    providers: [
      {
        provide: token,
        inject: [HttpService, PROVIDER_DEPS],
        // The same axios, typed through its ESM declarations by @nestjs/axios and its CommonJS ones here.
        useFactory: (http: HttpService, source: ProviderDepsSource) => create({ ...source.depsFor(context.providerId), axios: http.axiosRef as unknown as AxiosInstance }),
      },
    ],
    exports: [token],
  };
}
