import { setFlagsFromString } from 'node:v8';

/**
 * True when V8 gives both objects one hidden class (map). The check is compiled and run at once, while the natives
 * syntax is allowed (a function kept for later could be recompiled without it); the flag is then turned off again
 * unless the process was started with it, so no other code in the test process is parsed with it.
 */
export function shareHiddenClass(a: object, b: object): boolean {
  setFlagsFromString('--allow-natives-syntax');
  try {
    return (new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean)(a, b);
  } finally {
    if (!process.execArgv.includes('--allow-natives-syntax')) setFlagsFromString('--no-allow-natives-syntax');
  }
}

/**
 * Calls `make` many times, then tells whether its last two results share a hidden class. Node 20's V8 gives an
 * object literal that starts with a spread and goes on with more properties a new class on every call from about the
 * ninth on; Node 22's does not.
 */
export async function keepsOneHiddenClass(make: () => Promise<object>, calls = 200): Promise<boolean> {
  let previous = await make();
  let last = previous;
  for (let i = 1; i < calls; i++) {
    previous = last;
    last = await make();
  }
  return shareHiddenClass(previous, last);
}
