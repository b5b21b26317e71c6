import { HttpModule } from '@nestjs/axios';
import { DynamicModule, Module } from '@nestjs/common';
import { VendorModuleContext } from '@images/core';
import { upstreamAxiosConfig, vendorModule } from '@images/http';
import { CecstackConfig } from './config';
import { CecstackProvider } from './provider';

/** CECSTACK's provider on an HttpModule of its own (this vendor's keep-alive pool and timeout). The folder's one Nest-aware file. */
@Module({})
export class CecstackModule {
  static forRoot(config: CecstackConfig, context: VendorModuleContext): DynamicModule {
    return vendorModule(CecstackModule, HttpModule.register(upstreamAxiosConfig(context)), context, (deps) => new CecstackProvider(config, deps));
  }
}
