import { HttpModule } from '@nestjs/axios';
import { DynamicModule, Module } from '@nestjs/common';
import { VendorModuleContext } from '@images/core';
import { upstreamAxiosConfig, vendorModule } from '@images/http';
import { DidiConfig } from './config';
import { DidiProvider } from './provider';

/** DiDi's provider on an HttpModule of its own (this vendor's keep-alive pool and timeout). The folder's one Nest-aware file. */
@Module({})
export class DidiModule {
  static forRoot(config: DidiConfig, context: VendorModuleContext): DynamicModule {
    return vendorModule(DidiModule, HttpModule.register(upstreamAxiosConfig(context)), context, (deps) => new DidiProvider(config, deps));
  }
}
