import { HttpModule } from '@nestjs/axios';
import { DynamicModule, Module } from '@nestjs/common';
import { VendorModuleContext } from '@images/core';
import { upstreamAxiosConfig, vendorModule } from '@images/http';
import { UcloudConfig } from './config';
import { UcloudProvider } from './provider';

/** UCloud's provider on an HttpModule of its own (this vendor's keep-alive pool and timeout). The folder's one Nest-aware file. */
@Module({})
export class UcloudModule {
  static forRoot(config: UcloudConfig, context: VendorModuleContext): DynamicModule {
    return vendorModule(UcloudModule, HttpModule.register(upstreamAxiosConfig(context)), context, (deps) => new UcloudProvider(config, deps));
  }
}
