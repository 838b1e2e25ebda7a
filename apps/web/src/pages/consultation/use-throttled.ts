import { useCallback, useEffect, useRef } from 'react';

/**
 * `fn` at most once per `ms`: the first call goes at once, later ones within the interval collapse into one call with
 * the latest argument at its end (so the last state always goes out). Used for the presenter's view.set, which the
 * hub rate-limits.
 */
export function useThrottled<T>(fn: (arg: T) => void, ms: number): (arg: T) => void {
  const latestFn = useRef(fn);
  latestFn.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pending = useRef<{ arg: T } | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  return useCallback(
    (arg: T) => {
      if (timer.current) {
        pending.current = { arg };
        return;
      }
      latestFn.current(arg);
      const tick = () => {
        const next = pending.current;
        pending.current = null;
        if (next) {
          latestFn.current(next.arg);
          timer.current = setTimeout(tick, ms);
        } else {
          timer.current = null;
        }
      };
      timer.current = setTimeout(tick, ms);
    },
    [ms],
  );
}
