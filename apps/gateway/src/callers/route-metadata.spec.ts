import 'reflect-metadata';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE, PublicRoute, REQUIRED_SCOPE, RequiresScope } from './scopes';
import { RouteMetadata } from './route-metadata';

@RequiresScope('images.read')
class SomeController {
  list(): void {}

  @RequiresScope('images.write')
  write(): void {}

  @PublicRoute()
  probe(): void {}
}

describe('RouteMetadata', () => {
  const reflector = new Reflector();
  const handlers = [SomeController.prototype.list, SomeController.prototype.write, SomeController.prototype.probe];

  it("answers as Nest's Reflector does: the method's metadata over its controller's, undefined when neither has it", () => {
    const remembered = new RouteMetadata();
    for (const handler of handlers) {
      for (const key of [REQUIRED_SCOPE, PUBLIC_ROUTE, 'undeclared']) {
        const targets = [handler, SomeController];
        // Twice: the remembered answer is the same as the first.
        expect(remembered.getAllAndOverride(key, targets)).toEqual(reflector.getAllAndOverride(key, targets));
        expect(remembered.getAllAndOverride(key, targets)).toEqual(reflector.getAllAndOverride(key, targets));
      }
    }
    expect(remembered.getAllAndOverride(REQUIRED_SCOPE, [SomeController.prototype.write, SomeController])).toBe('images.write');
    expect(remembered.getAllAndOverride(REQUIRED_SCOPE, [SomeController.prototype.list, SomeController])).toBe('images.read');
  });

  it('reads a route’s metadata once, and other target lists every time', () => {
    const remembered = new RouteMetadata();
    const handler = function handler(): void {};
    expect(remembered.getAllAndOverride(REQUIRED_SCOPE, [handler, SomeController])).toBe('images.read');
    Reflect.defineMetadata(REQUIRED_SCOPE, 'ops', handler);
    expect(remembered.getAllAndOverride(REQUIRED_SCOPE, [handler, SomeController])).toBe('images.read');
    expect(remembered.getAllAndOverride(REQUIRED_SCOPE, [handler])).toBe('ops');
  });
});
