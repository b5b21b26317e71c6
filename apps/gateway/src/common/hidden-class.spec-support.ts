import { setFlagsFromString } from 'node:v8';

/**
 * True when V8 gives both objects one hidden class (map). The natives syntax is allowed only while this function is
 * compiled, then turned off again, so no other code in the test process is parsed with it.
 */
export const shareHiddenClass: (a: object, b: object) => boolean = (() => {
  setFlagsFromString('--allow-natives-syntax');
  try {
    return new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
  } finally {
    setFlagsFromString('--no-allow-natives-syntax');
  }
})();

/** Calls `make` often enough for V8 to optimise it, then tells whether its last two results share a hidden class. */
export async function keepsOneHiddenClass(make: () => Promise<object>, calls = 200): Promise<boolean> {
  let previous = await make();
  let last = previous;
  for (let i = 1; i < calls; i++) {
    previous = last;
    last = await make();
  }
  return shareHiddenClass(previous, last);
}
