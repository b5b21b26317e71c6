import { HttpModule } from '@nestjs/axios';
import { DynamicModule, Module } from '@nestjs/common';
import { VendorModuleContext } from '@images/core';
import { upstreamAxiosConfig, vendorModule } from '@images/http';
import { HuaweiConfig } from './config';
import { HuaweiProvider } from './provider';

/** Huawei's provider on an HttpModule of its own (this vendor's keep-alive pool and timeout). The folder's one Nest-aware file. */
@Module({})
export class HuaweiModule {
  static forRoot(config: HuaweiConfig, context: VendorModuleContext): DynamicModule {
    return vendorModule(HuaweiModule, HttpModule.register(upstreamAxiosConfig(context)), context, (deps) => new HuaweiProvider(config, deps));
  }
}
